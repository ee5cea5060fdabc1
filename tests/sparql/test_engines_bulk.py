"""``peersupport load --to`` with Virtuoso's bulk loader (``store/virtuoso_bulk.py``), against a
throw-away Virtuoso started for this module with a folder it may read (``DirsAllowed``) and a dba
password of its own, so that a line or message holding it shows: the graph equals the one the
Graph Store protocol gives, an unchanged file is skipped, a changed one replaces its graph, a file
outside ``DirsAllowed`` goes over the Graph Store with a line saying so.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx
import pyoxigraph as ox
import pytest

from peersupport.sparql.engines import ENGINES
from peersupport.store.graph_store import RemoteLoadError, load_files
from peersupport.store.loading import graph_name
from peersupport.store.virtuoso_bulk import connect
from peersupport.store.virtuoso_sql import SqlConnection, driver, sql_string

from ..engines import VIRTUOSO_PASSWORD, VIRTUOSO_USER, require_virtuoso, start_virtuoso
from ..service_fixtures import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bulk-Secret-4f9c"  # the module's dba password: found in no output
BULK = " (Virtuoso's bulk loader)"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    require_virtuoso()
    readable = tmp_path_factory.mktemp("readable")
    port = free_port()
    endpoint, process = start_virtuoso(tmp_path_factory.mktemp("virtuoso-bulk"), dirs_allowed=(str(readable),),
                                       sql_port=port)
    try:
        with SqlConnection(driver(), "127.0.0.1", port, VIRTUOSO_USER, VIRTUOSO_PASSWORD) as sql:
            sql.execute(f"USER_CHANGE_PASSWORD({sql_string(VIRTUOSO_USER)}, {sql_string(VIRTUOSO_PASSWORD)}, "
                        f"{sql_string(SECRET)})")
        env = {"PEERSUPPORT_VIRTUOSO_ISQL": f"127.0.0.1:{port}", "PEERSUPPORT_ENGINE_USER": VIRTUOSO_USER,
               "PEERSUPPORT_ENGINE_PASSWORD": SECRET, "PEERSUPPORT_ENGINE_AUTH": "digest"}
        yield SimpleNamespace(endpoint=endpoint, readable=readable, env=env, port=port)
    finally:
        stop(process)


def _load(engine, files, environ):
    lines = []
    with httpx.Client(timeout=120, trust_env=False, auth=httpx.DigestAuth(VIRTUOSO_USER, SECRET)) as client:
        summary = load_files(engine.endpoint, ENGINES["virtuoso"], files, client, lines.append, environ=environ)
    return summary, lines


def _graph(engine, name: str) -> set:
    """The triples of graph ``name`` in the engine, blank nodes canonicalised."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_name(name).value}> {{ ?s ?p ?o }} }}"
    response = httpx.post(engine.endpoint, data={"query": query}, headers={"Accept": "application/n-triples"},
                          timeout=60, trust_env=False)
    response.raise_for_status()
    return _canonical(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))


def _canonical(quads) -> set:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def test_the_bulk_loader_gives_the_graph_the_graph_store_gives(engine):
    # The shapes (blank nodes, language tags), the survey (typed literals).
    sources = [ROOT / "shapes/peer-support-shapes.ttl", ROOT / "data/consultation-2012/survey.ttl"]
    for source in sources:
        shutil.copy(source, engine.readable / source.name)
    bulk, bulk_lines = _load(engine, [(f"local/bulk/{s.name}", engine.readable / s.name) for s in sources], engine.env)
    store, store_lines = _load(engine, [(f"local/store/{s.name}", s) for s in sources], {})
    assert [line.endswith(BULK) for line in bulk_lines] == [True, True]
    assert [line.endswith(BULK) for line in store_lines] == [False, False]
    for source in sources:
        in_bulk, in_store = _graph(engine, f"local/bulk/{source.name}"), _graph(engine, f"local/store/{source.name}")
        assert in_bulk == in_store
        with source.open("rb") as stream:
            assert in_bulk == _canonical(ox.parse(stream, format=ox.RdfFormat.TURTLE))
    assert [count for _, count in bulk.loaded] == [count for _, count in store.loaded] == [1027, 945]


def test_an_unchanged_file_is_skipped_and_a_changed_one_replaces_its_graph(engine):
    path = engine.readable / "roles.nt"
    path.write_text("<http://e/a> <http://e/p> \"one\" .\n<http://e/a> <http://e/p> \"two\" .\n")
    files = [("local/roles.nt", path)]
    first, lines = _load(engine, files, engine.env)
    assert first.loaded == [("local/roles.nt", 2)] and lines[0].startswith("[1/1] local/roles.nt: 2 triples in ")
    assert lines[0].endswith(BULK) and len(lines) == 1
    again, lines = _load(engine, files, engine.env)
    assert (again.loaded, again.skipped, lines) == ([], ["local/roles.nt"], ["[1/1] local/roles.nt: unchanged, skipped"])
    path.write_text("<http://e/a> <http://e/p> \"two\" .\n<http://e/b> <http://e/p> \"three\" .\n"
                    "<http://e/b> <http://e/p> \"three\" .\n")  # the same triple twice: 2 distinct
    changed, lines = _load(engine, files, engine.env)
    assert changed.loaded == [("local/roles.nt", 2)] and lines[0].endswith(BULK)
    assert _graph(engine, "local/roles.nt") == _canonical(ox.parse(
        b"<http://e/a> <http://e/p> \"two\" .\n<http://e/b> <http://e/p> \"three\" .\n", format=ox.RdfFormat.N_TRIPLES))


def test_a_file_outside_dirs_allowed_goes_over_the_graph_store(engine, tmp_path):
    path = tmp_path / "elsewhere.ttl"
    path.write_text("<http://e/c> <http://e/p> 1, 2, 3 .\n")
    summary, lines = _load(engine, [("local/elsewhere.ttl", path)], engine.env)
    assert lines[0] == (f"[1/1] local/elsewhere.ttl: its folder {tmp_path} is not in Virtuoso's DirsAllowed, "
                        "so it is sent with the Graph Store protocol")
    assert lines[1].startswith("[1/1] local/elsewhere.ttl: 3 triples in ") and not lines[1].endswith(BULK)
    assert summary.loaded == [("local/elsewhere.ttl", 3)] and len(_graph(engine, "local/elsewhere.ttl")) == 3


def test_a_file_that_does_not_parse_is_named_with_its_line(engine):
    path = engine.readable / "broken.ttl"
    path.write_text("<http://e/a> <http://e/p> 'x' .\n<http://e/a> <http://e/p> 'y\n")
    with pytest.raises(RemoteLoadError) as raised:
        _load(engine, [("local/broken.ttl", path)], engine.env)
    assert str(raised.value).startswith("local/broken.ttl: cannot be read: Parser error between line 2 column 27")


def test_the_password_is_in_no_line_log_or_message(engine, caplog):
    path = engine.readable / "secret-test.ttl"
    path.write_text("<http://e/s> <http://e/p> 'x' .\n")
    command = [sys.executable, "-m", "peersupport.cli", "load", "--to", engine.endpoint, str(path)]
    with caplog.at_level(logging.DEBUG):
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, **engine.env})
        with pytest.raises(RemoteLoadError) as refused:
            _load(engine, [("local/secret-test-2.ttl", path)], {**engine.env, "PEERSUPPORT_ENGINE_PASSWORD": "wrong-" + SECRET})
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith(BULK + "\n") and done.stdout.startswith("virtuoso at ")
    assert str(refused.value) == (f"Virtuoso's SQL port 127.0.0.1:{engine.port} (PEERSUPPORT_VIRTUOSO_ISQL) refused us: "
                                  "CL034: Bad login (check PEERSUPPORT_ENGINE_USER and PEERSUPPORT_ENGINE_PASSWORD)")
    assert caplog.records  # httpx logged its requests: the check below looked at something
    for text in (done.stdout, done.stderr, str(refused.value), caplog.text):
        assert SECRET not in text


@pytest.mark.parametrize("environ, engine_name, line", [
    ({}, "virtuoso", None),
    ({"PEERSUPPORT_VIRTUOSO_ISQL": "127.0.0.1:1111"}, "oxigraph",
     "PEERSUPPORT_VIRTUOSO_ISQL is set but the engine is oxigraph, not Virtuoso: "
     "every file is sent with the Graph Store protocol"),
    ({"PEERSUPPORT_VIRTUOSO_ISQL": "db.example.org:1111"}, "virtuoso",
     "PEERSUPPORT_VIRTUOSO_ISQL names db.example.org, not this machine (a loopback address): "
     "every file is sent with the Graph Store protocol"),
])
def test_the_bulk_loader_is_used_only_for_a_virtuoso_on_this_machine(environ, engine_name, line):
    lines = []
    assert connect(engine_name, environ, lines.append) is None
    assert lines == ([line] if line else [])
