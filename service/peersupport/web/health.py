"""``/healthz``: whether queries can be answered (503 with the reason when not), and with
``deep=1`` what an operator looks at next: the store's latency for ``ASK {}``, the triples of each
graph, the query pool's state and the memory of the service's processes.

Memory is read from ``/proc/<pid>/smaps_rollup``: PSS (each shared page divided among the
processes sharing it, so the figures of the service and its forked workers add up) and RSS, in MB.
"""

from __future__ import annotations

import json
import os
import time

from peersupport.errors import ServiceError
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.worker_memory import rollup

COUNT_SECONDS = 5.0  # for counting the triples of every graph, in all
_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def process_memory(pid: int, role: str) -> dict | None:
    """``{pid, role, pss_mb, rss_mb}`` of a live process, None when it cannot be read (gone)."""
    kilobytes = rollup(pid)
    if not kilobytes:
        return None
    return {"pid": pid, "role": role, "pss_mb": round(kilobytes.get("Pss", 0) / 1024, 1),
            "rss_mb": round(kilobytes.get("Rss", 0) / 1024, 1)}


def memory(pool) -> dict:
    """The service's process and, when there is a query pool, its holder and workers."""
    roles = [(os.getpid(), "service")]
    if pool is not None and hasattr(pool, "worker_pids"):
        pids = pool.worker_pids()
        roles += [(pids["holder"], "worker holder")] + [(pid, "query worker") for pid in pids["workers"]]
    processes = [found for pid, role in roles if (found := process_memory(pid, role)) is not None]
    return {"processes": processes, "total_pss_mb": round(sum(p["pss_mb"] for p in processes), 1),
            "total_rss_mb": round(sum(p["rss_mb"] for p in processes), 1)}


def _select(executor, query: str) -> list[dict]:
    reply = executor.execute(QueryJob(query, accept="application/sparql-results+json"))
    return json.loads(reply.body)["results"]["bindings"]


def latency(executor) -> dict:
    started = time.monotonic()
    try:
        executor.execute(QueryJob("ASK {}", accept="application/sparql-results+json"))
    except ServiceError as error:
        return {"ok": False, "error": error.message}
    return {"ok": True, "ask_ms": round((time.monotonic() - started) * 1000, 1)}


def triples_per_graph(executor, graphs: list[str] | None, seconds: float = COUNT_SECONDS) -> dict:
    """``{graph: triples}``. ``graphs`` None (the embedded store): one grouped count; otherwise
    (a remote engine, where one grouped count over 10^7 triples may never end) one COUNT per
    graph until ``seconds`` have passed, the graphs not reached given as None."""
    try:
        if graphs is None:
            return {row["g"]["value"]: int(row["n"]["value"]) for row in _select(executor, _COUNTS)}
        counts, deadline = {}, time.monotonic() + seconds
        for graph in graphs:
            if time.monotonic() > deadline:
                counts[graph] = None
                continue
            rows = _select(executor, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
            counts[graph] = int(rows[0]["n"]["value"])
        return counts
    except ServiceError as error:
        return {"error": error.message}


def deep(executor, remote: bool) -> dict:
    """The deep part of ``/healthz?deep=1``."""
    pool = getattr(executor, "executor", executor)  # under the result cache
    body = {"engine": latency(executor)}
    graphs = None
    if remote:
        try:
            graphs = executor.graphs()
        except ServiceError as error:
            graphs = []
            body["engine"]["graphs"] = error.message
    body["triples"] = triples_per_graph(executor, graphs) if body["engine"]["ok"] else {}
    body["pool"] = None if remote else pool.health()
    body["memory"] = memory(None if remote else pool)
    return body
