"""Serving from the in-memory copy before the store generation on disk is complete (issue 20):
the service answers while the generation is still being built beside it, the generation then
completes with the right manifest, and a file that does not parse stops the start with its line
and column, serving nothing and naming no generation."""

import hashlib
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from peersupport.settings import Settings
from peersupport.sparql.embedded import start_pool
from peersupport.store.loading import LoadError, current_generation, graph_name, parse_in_memory, project_files
from peersupport.store.progress import Display

from ..service_fixtures import free_port, stop, until, wait_until_up

BUILDER = re.compile(r"building the store generation on disk in process (\d+)")


def write_triples(path: Path, count: int, tag: str = "v1") -> Path:
    path.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "{tag} {i}" .\n' for i in range(count)))
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


def test_served_before_the_generation_is_complete_which_then_completes_with_its_manifest(tmp_path):
    data, store = tmp_path / "data", tmp_path / "store"
    data.mkdir()
    big, small = write_triples(data / "a.nt", 20_000), data / "b.ttl"
    small.write_text("@prefix ex: <http://example.org/> .\nex:x ex:p ex:y, ex:z .\n")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "peersupport.cli", "serve", "--port", str(port), "--store",
                                str(store), "--data", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in process.stderr:  # the builder is held stopped as soon as it is named, while it starts
            seen.append(line)
            if match := BUILDER.search(line):
                builder = int(match.group(1))
                os.kill(builder, signal.SIGSTOP)
                break
        else:
            pytest.fail("the server never started building the generation")
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz", process)
        assert _state(builder) == "T"  # still held: what answers is the in-memory copy alone
        assert current_generation(store) is None
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), STR(?base))) } GROUP BY ?g ORDER BY ?g"
        answer = httpx.get(base + "/sparql", params={"query": query.replace("?base", f"<{graph_name('local/').value}>")},
                           headers={"Accept": "text/csv"}, trust_env=False)
        assert answer.text.splitlines() == ["g,n", f"{graph_name('local/data/a.nt').value},20000",
                                            f"{graph_name('local/data/b.ttl').value},2"]

        os.kill(builder, signal.SIGCONT)
        until(lambda: current_generation(store) is not None, seconds=60, what="the generation on disk")
        generation = current_generation(store)
        manifest = json.loads(generation.with_suffix(".json").read_text())
        assert {name: entry for name, entry in manifest.items() if name.startswith("local/")} == {
            "local/data/a.nt": {"sha256": sha256(big), "triples": 20_000},
            "local/data/b.ttl": {"sha256": sha256(small), "triples": 2}}
        assert sorted(path.name for path in store.iterdir()) == ["CURRENT", generation.name, generation.name + ".json"]
    finally:
        stop(process)
    log = "".join(seen) + process.stderr.read()
    assert "in memory: local/data/a.nt, 20000 triples in " in log
    files = len(project_files()) + 2
    assert re.search(rf"in-memory store ready: {files} files parsed, \d+ triples in [\d.]+ s \([\d,]+ triples/s\)", log)
    assert f"store {generation.name} ready: {files} files loaded" in log


def test_a_file_that_does_not_parse_stops_the_start_serving_nothing_and_naming_no_generation(tmp_path):
    data, store = tmp_path / "data", tmp_path / "store"
    data.mkdir()
    write_triples(data / "a.nt", 5_000)
    (data / "broken.nt").write_text('<http://example.org/s> <http://example.org/p> "1" .\n<http://example.org/s> <p\n')
    settings = Settings.load(environ={}, store=store, data=[data])
    with pytest.raises(LoadError) as raised:
        start_pool(settings)
    assert str(raised.value) == ("cannot load local/data/broken.nt: Parser error between line 2 column 24 and line 3 "
                                 "column 1: Unexpected end of file")
    assert current_generation(store) is None
    assert not list(store.glob("gen-*"))  # no generation was begun


def test_parsing_into_memory_names_the_file_line_and_column(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    with pytest.raises(LoadError, match=r"^cannot load local/broken.ttl: Parser error at line 2 column 11: "
                                        r". is not a valid RDF object$"):
        parse_in_memory([("local/ok.nt", write_triples(tmp_path / "ok.nt", 3)), ("local/broken.ttl", broken)])


def test_progress_logs_each_files_rate_and_draws_a_bar_on_a_terminal(caplog):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    display = Display(terminal)
    with caplog.at_level(logging.INFO, logger="peersupport.store.progress"):
        display.reading(50 * 2**20, 100 * 2**20, 10.0)
        display.loaded("local/a.nt", 1_000_000, 2.5)
        display.finished(2, 1_000_010, 4.0)
    assert terminal.getvalue() == ("\rloading into memory [###############...............]  50%  50 of 100 MB, 5 MB/s   "
                                   "\r\033[K")
    assert [record.getMessage() for record in caplog.records] == [
        "in memory: local/a.nt, 1000000 triples in 2.50 s (400,000 triples/s)",
        "in-memory store ready: 2 files parsed, 1000010 triples in 4.00 s (250,002 triples/s)"]
    not_a_terminal = io.StringIO()
    Display(not_a_terminal).reading(1, 2, 1.0)
    assert not_a_terminal.getvalue() == ""
