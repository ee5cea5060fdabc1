"""SPARQL latency: the same queries through our HTTP endpoint, in-process on pyoxigraph (on an
in-memory store, as our query workers hold it, and, for context, on the store generation on
disk), and through rdflib-endpoint on rdflib's in-memory Dataset.

The queries are the catalogue (``peersupport.sparql.catalogue.catalogue()``, parameters at their
defaults) and one join with negation over the generated data: roles claiming peer support (a
declared practice that is peer support or narrower) whose organisation is not user-led and that
lack ``ps:canDecline true``.

Every HTTP request is a form-encoded POST asking for SPARQL JSON results, sent one at a time on
a kept-alive connection (``servers.QueryClient``), timed until the whole body is read. Its text ends with a comment
numbering the request, so our result cache never answers it; a last pass repeats the same text,
to show what the cache answers in. A query is run once to warm up,
then measured up to ``repeat`` times; its repetitions stop early once its runs used ``cap``
seconds, and a run past ``cap`` (a client timeout, or our endpoint's 503 at its time limit)
makes it "> cap". rdflib-endpoint is then restarted, since it goes on running the query.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from peersupport.sparql.catalogue import catalogue

from .measure import OverCap, Timing, repeat_timed, run_child
from .servers import REPO, QueryClient, RdflibServer, Server

JOIN_WITH_NEGATION = """PREFIX ps: <https://w3id.org/peer-support/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?organisation WHERE {
  ?role org:postIn ?organisation ;
        ps:declaredPractice ?practice .
  ?practice skos:broader* ps:PeerSupport .
  FILTER NOT EXISTS { ?organisation a ps:UserLedOrganisation }
  FILTER NOT EXISTS { ?role ps:canDecline true }
}"""
JOIN_NAME = "join-with-negation"
MAX_ROWS = 10_000  # our endpoint's default row cap (PEERSUPPORT_MAX_ROWS)


def benchmark_queries() -> list[tuple[str, str]]:
    return [(query.name, query.with_defaults()) for query in catalogue()] + [(JOIN_NAME, JOIN_WITH_NEGATION)]


def _rows(body: bytes) -> int:
    results = json.loads(body)
    return 1 if "boolean" in results else len(results["results"]["bindings"])


def http_latency(server: Server, queries: list[tuple[str, str]], repeat: int, cap: float,
                 skip: dict[str, str] | None = None, progress=None, cached: bool = False) -> dict[str, Timing]:
    """{query name: Timing} for ``server``. ``skip`` maps query names to the reason they are
    not run (they went past the cap at a smaller size) and so are "> cap" here too. Each request
    is a new text, unless ``cached``: then the same text is repeated, for our result cache."""
    skip = skip or {}
    timings: dict[str, Timing] = {}
    client = QueryClient(timeout=cap + 5)
    for name, text in queries:
        if name in skip:
            timings[name] = Timing(over_cap=True, cap=cap, note=skip[name])
            continue
        rows: list = [None]

        def once() -> float:
            started = time.perf_counter()
            try:
                status, body = server.post(client, text, cached)
            except TimeoutError:
                raise OverCap() from None
            except ConnectionError as error:
                raise RuntimeError(str(error)) from None
            seconds = time.perf_counter() - started
            if status == 503 or seconds > cap:
                raise OverCap()
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}")
            rows[0] = _rows(body)
            return seconds

        try:
            timing = repeat_timed(once, repeat, budget=cap, cap=cap)
        except RuntimeError as error:
            timing = Timing(cap=cap, note=str(error))
        timing.rows = rows[0]
        timings[name] = timing
        if progress:
            progress(f"  {server.name + (' cached' if cached else ''):16s} {name:28s} {_brief(timing)}")
        if timing.over_cap:
            client.close()
            if isinstance(server, RdflibServer):
                server.restart()
    client.close()
    return timings


def in_process_latency(queries: list[tuple[str, str]], repeat: int, cap: float, generation: Path | None = None,
                       files: list | None = None, progress=None) -> tuple[dict[str, Timing], int]:
    """({query name: Timing}, peak kB) of the queries run by ``bench.inprocess`` on an in-memory
    store loaded from ``files`` (as our query workers hold it), or on the store generation on disk,
    opened read-only."""
    job = {"store": str(generation) if generation else None, "files": files, "queries": queries, "repeat": repeat,
           "cap": cap, "max_rows": MAX_ROWS}
    label = "on-disk" if generation else "in-process"
    run = run_child([sys.executable, "-m", "bench.inprocess"], cwd=str(REPO),
                    timeout=len(queries) * (cap * 2 + 10) + 600, stdin_text=json.dumps(job))
    timings = {}
    for line in run.lines:
        entry = json.loads(line)
        timings[entry["name"]] = Timing(entry["samples"], entry["over_cap"], entry["cap"], entry["note"], entry["rows"])
        if progress:
            progress(f"  {label:16s} {entry['name']:28s} {_brief(timings[entry['name']])}")
    for name, _ in queries:
        timings.setdefault(name, Timing(cap=cap, note=f"not measured (child exit {run.returncode}): {run.stderr[-200:]}"))
    return timings, run.maxrss_kb


def _brief(timing: Timing) -> str:
    if timing.over_cap:
        return f"> {timing.cap:g} s"
    if timing.median is None:
        return timing.note or "–"
    return f"median {timing.median * 1000:.1f} ms, n={timing.n}, rows={timing.rows}"
