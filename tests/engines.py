"""Real SPARQL engines for the tests, each started once per test session on loopback ports with a
throw-away database and loaded with the bundled graphs (one named graph per file) by
``peersupport load``'s own loader: Virtuoso (Debian's ``virtuoso-opensource``) and Oxigraph
server (the ``oxigraph`` PyPI package). Also what the engine tests share about them: a client
that may write to one (``client_for``), the triples it holds (``triples_in``), data generated
to load (``generated_graph``) and loaded for one test only (``loaded_for_this_test``).

Where Virtuoso is not installed its tests skip, except in CI (``PEERSUPPORT_REQUIRE_VIRTUOSO=1``),
where its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bench.servers import oxigraph_binary  # the bench finds it so too: tests and bench run the same binary
from peersupport.sparql.engines import ENGINES
from peersupport.store.graph_store import load_files
from peersupport.store.loading import LOADED_HASHES, graph_name, project_files
from peersupport.store.virtuoso_bulk import virtuoso_ini

from .conftest import REPO
from .service_fixtures import free_port, stop, wait_until_up

VIRTUOSO = shutil.which("virtuoso-t")
# Virtuoso's administrator as a fresh database has it; the database lives only as long as the tests.
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


def require_virtuoso() -> None:
    if VIRTUOSO is None:
        message = "Virtuoso is not installed (apt-get install virtuoso-opensource)"
        if os.environ.get("PEERSUPPORT_REQUIRE_VIRTUOSO") == "1":
            pytest.fail(message)
        pytest.skip(message)


def start_virtuoso(folder: Path, dirs_allowed: tuple[str, ...] = (), sql_port: int | None = None
                   ) -> tuple[str, subprocess.Popen]:
    """Virtuoso with an empty database in ``folder`` (which it may read files from, as from
    ``dirs_allowed``), its SQL port ``sql_port`` (default: a free one); returns its SPARQL endpoint
    and process."""
    http = free_port()
    ini = virtuoso_ini(folder, sql_port or free_port(), http, dirs_allowed=dirs_allowed)
    (folder / "virtuoso.ini").write_text(ini)
    # Virtuoso may also read its temporary folder (TMPDIR, else /tmp): its own, so that DirsAllowed is all it reads.
    process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(folder)})
    endpoint = f"http://127.0.0.1:{http}/sparql"
    wait_until_up(endpoint + "?query=ASK%7B%7D", process)
    return endpoint, process


def client_for(engine: str) -> httpx.Client:
    """A client that may write to the engine (Virtuoso's Graph Store asks for its administrator)."""
    auth = httpx.DigestAuth(VIRTUOSO_USER, VIRTUOSO_PASSWORD) if engine == "virtuoso" else None
    return httpx.Client(timeout=120, trust_env=False, auth=auth)


def triples_in(client: httpx.Client, endpoint: str) -> int:
    """The triples of every named graph of the engine (to see that a test wrote nothing)."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = client.post(endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def generated_graph(path: Path, orgs: int, seed: int) -> Path:
    """``path``, written by ``peersupport generate`` with ``orgs`` organisations from ``seed``."""
    subprocess.run([sys.executable, "-m", "peersupport.cli", "generate", "--orgs", str(orgs), "--seed", str(seed),
                    "--output", str(path)], check=True, capture_output=True, cwd=REPO)
    return path


@contextmanager
def loaded_for_this_test(client: httpx.Client, endpoint: str, engine: str, files: list[tuple[str, Path]]):
    """``files`` loaded into the session's engine, then taken out again with the engine's list of
    loaded files as it was: the catalogue and protocol tests compare the engine's answers with the
    bundled graphs alone."""
    store_url = ENGINES[engine].graph_store_url(endpoint)
    manifest = client.get(store_url, params={"graph": LOADED_HASHES}, headers={"Accept": "application/n-triples"})
    try:
        load_files(endpoint, ENGINES[engine], files, client, progress=lambda line: None)
        yield
    finally:
        for name, _ in files:
            client.delete(store_url, params={"graph": graph_name(name).value})
        if manifest.status_code == 200:
            client.put(store_url, params={"graph": LOADED_HASHES}, content=manifest.content,
                       headers={"Content-Type": "application/n-triples"})


def start_oxigraph(folder: Path) -> tuple[str, subprocess.Popen]:
    """Oxigraph server, writable, with an empty store in ``folder``; returns its query endpoint."""
    port = free_port()
    process = subprocess.Popen([str(oxigraph_binary()), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    endpoint = f"http://127.0.0.1:{port}/query"
    wait_until_up(endpoint + "?query=ASK%7B%7D", process)
    return endpoint, process


def _holding_bundled_graphs(engine: str, started: tuple[str, subprocess.Popen]):
    """The endpoint of a just ``started`` engine once the bundled graphs are loaded; stopped afterwards."""
    endpoint, process = started
    try:
        with client_for(engine) as client:
            load_files(endpoint, ENGINES[engine], project_files(), client, progress=lambda line: None)
        yield endpoint
    finally:
        stop(process)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """The SPARQL endpoint of a Virtuoso holding the bundled graphs."""
    require_virtuoso()
    yield from _holding_bundled_graphs("virtuoso", start_virtuoso(tmp_path_factory.mktemp("virtuoso")))


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The query endpoint of an Oxigraph server holding the bundled graphs."""
    yield from _holding_bundled_graphs("oxigraph", start_oxigraph(tmp_path_factory.mktemp("oxigraph")))
