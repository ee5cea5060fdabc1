"""Real SPARQL engines for the tests, each started once per test session on loopback ports with a
throw-away database and loaded with the bundled graphs (one named graph per file) by
``peersupport load``'s own loader: Virtuoso (Debian's ``virtuoso-opensource``) and Oxigraph
server (the ``oxigraph`` PyPI package).

Where Virtuoso is not installed its tests skip, except in CI (``PEERSUPPORT_REQUIRE_VIRTUOSO=1``),
where its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from peersupport.sparql.engines import ENGINES
from peersupport.store.graph_store import load_files
from peersupport.store.loading import project_files
from peersupport.store.virtuoso_bulk import virtuoso_ini

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


def virtuoso_client() -> httpx.Client:
    return httpx.Client(timeout=120, trust_env=False, auth=httpx.DigestAuth(VIRTUOSO_USER, VIRTUOSO_PASSWORD))


def start_oxigraph(folder: Path) -> tuple[str, subprocess.Popen]:
    """Oxigraph server, writable, with an empty store in ``folder``; returns its query endpoint."""
    port = free_port()
    oxigraph = Path(sys.executable).with_name("oxigraph")
    process = subprocess.Popen([str(oxigraph), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    endpoint = f"http://127.0.0.1:{port}/query"
    wait_until_up(endpoint + "?query=ASK%7B%7D", process)
    return endpoint, process


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """The SPARQL endpoint of a Virtuoso holding the bundled graphs."""
    require_virtuoso()
    endpoint, process = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        with virtuoso_client() as client:
            load_files(endpoint, ENGINES["virtuoso"], project_files(), client, progress=lambda line: None)
        yield endpoint
    finally:
        stop(process)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The query endpoint of an Oxigraph server holding the bundled graphs."""
    endpoint, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        with httpx.Client(timeout=120, trust_env=False) as client:
            load_files(endpoint, ENGINES["oxigraph"], project_files(), client, progress=lambda line: None)
        yield endpoint
    finally:
        stop(process)
