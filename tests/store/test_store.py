"""Loading files into the embedded store: one graph per file, reload only on change, and atomic
per graph, so neither a crash during a load nor one while serving leaves anything half-loaded."""

import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from peersupport.store.loading import LoadError, current_generation, extra_files, graph_name, prepare_store

from ..service_fixtures import free_port, start_service, stop, until, wait_until_up


def write_triples(path: Path, count: int, tag: str = "v1") -> Path:
    with path.open("w") as out:
        for i in range(count):
            out.write(f'<http://example.org/s{i}> <http://example.org/p> "{tag} {i}" .\n')
    return path


def triples_in(store: ox.Store, name: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph_name(name)))


def graphs(store: ox.Store) -> set[str]:
    return {g.value for g in store.named_graphs()}


def served(location: Path) -> ox.Store:
    return ox.Store.read_only(str(current_generation(location)))


def logged_load(caplog, location: Path, files) -> tuple[Path, str]:
    """The generation prepared, and what the load logged."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="peersupport.store.loading"):
        generation = prepare_store(location, files)
    return generation, "\n".join(record.getMessage() for record in caplog.records)


def test_each_file_is_one_graph_and_only_changed_files_reload(tmp_path, caplog):
    a, b = write_triples(tmp_path / "a.nt", 30), write_triples(tmp_path / "b.nt", 2)
    location = tmp_path / "store"
    first, log = logged_load(caplog, location, [("a", a), ("b", b)])
    assert "[1/2] loading a (" in log and "[1/2] a: 30 triples in" in log
    assert f"store {first.name} ready: 2 files loaded (32 triples) in" in log
    assert (triples_in(served(location), "a"), triples_in(served(location), "b")) == (30, 2)
    assert logged_load(caplog, location, [("a", a), ("b", b)]) == (first, "")

    write_triples(b, 4, tag="v2")
    second, log = logged_load(caplog, location, [("a", a), ("b", b)])
    assert second != first and not first.exists()
    assert "loading a" not in log and "[2/2] loading b" in log
    store = served(location)
    assert (triples_in(store, "a"), triples_in(store, "b")) == (30, 4)
    assert not list(store.quads_for_pattern(None, None, ox.Literal("v1 0"), graph_name("b")))
    del store

    _, log = logged_load(caplog, location, [("b", b)])
    assert "removing graph a (its file is gone)" in log
    assert graphs(served(location)) == {graph_name("b").value}


def test_a_large_change_reloads_into_a_fresh_generation(tmp_path, caplog):
    a, b = write_triples(tmp_path / "a.nt", 2), write_triples(tmp_path / "b.nt", 50)
    location = tmp_path / "store"
    prepare_store(location, [("a", a), ("b", b)])
    write_triples(b, 50, tag="v2")
    _, log = logged_load(caplog, location, [("a", a), ("b", b)])
    assert "loading a" in log
    assert triples_in(served(location), "b") == 50


def test_an_emptied_file_empties_its_graph(tmp_path):
    a = write_triples(tmp_path / "a.nt", 3)
    location = tmp_path / "store"
    prepare_store(location, [("a", a)])
    a.write_text("")
    prepare_store(location, [("a", a)])
    assert triples_in(served(location), "a") == 0


def test_a_broken_file_leaves_the_served_graph_as_it_was(tmp_path):
    a = write_triples(tmp_path / "a.nt", 3)
    location = tmp_path / "store"
    first = prepare_store(location, [("a", a)])
    write_triples(a, 5, tag="v2")
    with a.open("a") as out:
        out.write("<http://example.org/broken\n")
    with pytest.raises(LoadError, match=r"^cannot load a: Parser error between line 6 column 1 and line 7 column 1: Unexpected end of file$"):
        prepare_store(location, [("a", a)])
    assert current_generation(location) == first
    assert sorted(p.name for p in location.iterdir()) == ["CURRENT", first.name, first.name + ".json"]
    assert triples_in(served(location), "a") == 3


def test_serve_with_a_broken_file_says_which_and_exits(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "serve", "--store", str(tmp_path / "store"),
                             "--port", str(free_port()), "--data", str(broken)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "peersupport serve: cannot load local/broken.ttl: Parser error at line 2 column 11: . is not a valid RDF object")


def test_extra_data_names_its_graphs_under_local(tmp_path):
    folder = tmp_path / "generated"
    (folder / "sub").mkdir(parents=True)
    write_triples(folder / "orgs.nt", 1)
    write_triples(folder / "sub" / "more.nt", 1)
    (folder / "notes.txt").write_text("not RDF")
    single = write_triples(tmp_path / "one.nt", 1)
    assert [name for name, _ in extra_files([folder, single])] == [
        "local/generated/orgs.nt", "local/generated/sub/more.nt", "local/one.nt"]
    with pytest.raises(ValueError, match="notes.txt: not an RDF file"):
        extra_files([folder / "notes.txt"])


def _serve(store: Path, data: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "peersupport.cli", "serve", "--port", str(port), "--store", str(store), "--data", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return f"http://127.0.0.1:{port}", process


def _kill_while_loading(process: subprocess.Popen, name: str) -> None:
    """SIGKILL as soon as the server logs that it starts loading ``name``, and check from the rest
    of its log that it was killed before that load ended (no ``name: N triples`` line): the
    kill is known to land inside the load, whatever the machine's speed."""
    for line in process.stderr:
        if f"loading {name}" in line:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            rest = process.stderr.read()
            # The in-memory copy may be ready: what must not be is the generation on disk.
            assert f"{name}: " not in rest and "store gen-" not in rest, f"the load ended before the kill: {rest}"
            return
    pytest.fail("the server never started loading " + name)


def _generation_holds(store_dir: Path, data: Path) -> bool:
    """Whether the generation CURRENT names holds every file of ``data`` as it is now (the server
    answers from memory before that generation is complete)."""
    generation = current_generation(store_dir)
    if generation is None:
        return False
    manifest = json.loads(generation.with_suffix(".json").read_text())
    held = {name: entry["sha256"] for name, entry in manifest.items() if name.startswith("local/")}
    return held == {f"local/data/{path.name}": hashlib.sha256(path.read_bytes()).hexdigest() for path in data.iterdir()}


def _serve_until_up(store_dir: Path, data: Path) -> str:
    """Run the server until it answers and its generation on disk is complete, stop it, and
    return what it logged."""
    base, process = _serve(store_dir, data)
    try:
        wait_until_up(base + "/healthz", process, seconds=120)
        until(lambda: _generation_holds(store_dir, data), seconds=120, what="the generation on disk")
    finally:
        stop(process)
    return process.stderr.read()


def test_kill_9_during_a_load_leaves_no_half_loaded_graph(tmp_path):
    data, store_dir = tmp_path / "data", tmp_path / "store"
    data.mkdir()
    small = write_triples(data / "a-small.nt", 10)
    _serve_until_up(store_dir, data)

    # A big file arrives; the server is killed while loading it.
    big = write_triples(data / "b-big.nt", 400_000)
    _, process = _serve(store_dir, data)
    _kill_while_loading(process, "local/data/b-big.nt")
    store = served(store_dir)
    assert triples_in(store, "local/data/a-small.nt") == 10
    assert not store.contains_named_graph(graph_name("local/data/b-big.nt"))
    del store
    assert "deleted gen-00002 (left by a load that was cut short)" in _serve_until_up(store_dir, data)

    # Both files change and that reload is killed too: the old versions stay, whole.
    write_triples(big, 400_000, tag="v2")
    small.write_text("")
    _, process = _serve(store_dir, data)
    _kill_while_loading(process, "local/data/b-big.nt")
    store = served(store_dir)
    assert (triples_in(store, "local/data/a-small.nt"), triples_in(store, "local/data/b-big.nt")) == (10, 400_000)
    assert list(store.quads_for_pattern(None, None, ox.Literal("v1 7"), graph_name("local/data/b-big.nt")))
    assert not list(store.quads_for_pattern(None, None, ox.Literal("v2 7"), graph_name("local/data/b-big.nt")))
    del store

    # The restart serves the new versions, whole.
    base, process = _serve(store_dir, data)
    try:
        wait_until_up(base + "/healthz", process, seconds=120)
        query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o FILTER(STRSTARTS(?o, 'v2')) } } GROUP BY ?g")
        fresh = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, trust_env=False)
        assert fresh.text.splitlines() == ["g,n", f"{graph_name('local/data/b-big.nt').value},400000"]
    finally:
        stop(process)


def test_kill_9_while_serving_keeps_every_graph(tmp_path):
    data, store_dir = tmp_path / "data", tmp_path / "store"
    data.mkdir()
    write_triples(data / "a.nt", 1000)
    base, process = _serve(store_dir, data)
    wait_until_up(base + "/healthz", process)
    until(lambda: _generation_holds(store_dir, data), what="the generation on disk")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    base, process = _serve(store_dir, data)
    try:
        wait_until_up(base + "/healthz", process)
        stop(process)
        _, err = process.communicate()
        assert "loading local/data/a.nt" not in err  # nothing needed reloading
    finally:
        if process.poll() is None:
            stop(process)
    store = served(store_dir)
    assert triples_in(store, "local/data/a.nt") == 1000
