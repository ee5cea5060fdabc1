"""Virtuoso's bulk loader on the benchmark's files, for the "load until served" comparison.

A throw-away Virtuoso (Debian's ``virtuoso-t``) is started on loopback ports with an empty
database in a temporary folder, with the ini ``tests/engines.py`` gives it
(``store.virtuoso_bulk.virtuoso_ini``) but the buffers Virtuoso's documentation recommends for a
4 GB share of memory (so that the loader is not starved at 10^7 triples). The timed part is one ``isql`` session: ``ld_add(file, graph)`` for each file (one
named graph per file, as our service holds them), ``rdf_loader_run()`` and ``checkpoint``, from
the command's start to its end; starting the server is not counted. The triples are then counted
over SPARQL, so a load that dropped triples shows.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from peersupport.store.loading import graph_name
from peersupport.store.virtuoso_bulk import virtuoso_ini

from .servers import _stop, free_port, wait_until_up

SERVER = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
USER, PASSWORD = "dba", "dba"  # a fresh database's administrator; the database is deleted afterwards
# Virtuoso's guide for a 4 GB share of memory; longer queries than the tests allow (the count at 10^7).
_BUFFERS = {"buffers": 340000, "dirty_buffers": 250000, "http_threads": 4, "query_seconds": 600}


@dataclass
class BulkLoad:
    seconds: float | None = None
    triples: int | None = None  # counted afterwards over SPARQL, in the loaded graphs
    note: str = ""


def available() -> str:
    """Why Virtuoso cannot be measured here ("" when it can)."""
    if SERVER is None or ISQL is None:
        return "Virtuoso is not installed (apt-get install virtuoso-opensource)"
    return ""


def _script(files) -> str:
    lines = [f"ld_add('{path}', '{graph_name(name).value}');" for name, path in files]
    lines += ["rdf_loader_run();", "checkpoint;",
              "SELECT 'LOAD-ERRORS', COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"]
    return "\n".join(lines) + "\n"


def _count(endpoint: str, files) -> int:
    graphs = " ".join(f"<{graph_name(name).value}>" for name, _ in files)
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    response = httpx.post(endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                          timeout=600, trust_env=False)
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def bulk_load(files, work: Path) -> BulkLoad:
    """Virtuoso's bulk load of ``files`` (``(graph name, path)`` pairs) into a fresh database under ``work``."""
    reason = available()
    if reason:
        return BulkLoad(note=reason)
    folder = Path(tempfile.mkdtemp(prefix="virtuoso-", dir=work))
    isql_port, http_port = free_port(), free_port()
    allowed = tuple(sorted({str(Path(path).resolve().parent) for _, path in files}))
    (folder / "virtuoso.ini").write_text(virtuoso_ini(folder, isql_port, http_port, dirs_allowed=allowed, **_BUFFERS))
    process = subprocess.Popen([SERVER, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_until_up(endpoint + "?query=ASK%7B%7D", process, seconds=120)
        script = folder / "load.sql"
        script.write_text(_script([(name, Path(path).resolve()) for name, path in files]))
        started = time.perf_counter()
        run = subprocess.run([ISQL, f"127.0.0.1:{isql_port}", USER, PASSWORD, str(script)],
                             capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - started
        errors = [line for line in run.stdout.splitlines() + run.stderr.splitlines() if "Error" in line]
        reported = [line.split() for line in run.stdout.splitlines() if line.startswith("LOAD-ERRORS")]
        failed = int(reported[0][-1]) if reported and reported[0][-1].isdigit() else None
        if run.returncode != 0 or errors or failed:
            note = f"isql exit {run.returncode}, {failed} files with load errors: {' '.join(errors)[:300]}"
            return BulkLoad(seconds=None, note=note)
        return BulkLoad(seconds=seconds, triples=_count(endpoint, files))
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)
