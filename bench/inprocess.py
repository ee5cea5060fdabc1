"""The in-process side of the SPARQL latency comparison, run as a child process so that its
peak memory is its own: ``python -m bench.inprocess`` reads one JSON object from stdin
(``files``: ``[graph name, path]`` pairs to load into an in-memory ``Store``, or ``store``: the
store generation on disk, opened read-only; ``queries``: ``[name, text]`` pairs; ``repeat``,
``cap``, ``max_rows``) and prints one JSON line per query.

The in-memory store is what the comparison with HTTP is about: our query workers answer from one
(``peersupport.store.loading.load_in_memory``); the generation on disk shows, for context, what RocksDB
storage costs the same engine.

Each run is ``Store.query(text, use_default_graph_as_union=True)`` and reading the solutions,
every term of at most ``max_rows`` rows (the row cap our endpoint applies), so both sides do the
same work up to serialisation: the HTTP side also writes SPARQL JSON, passes it from the query
worker to the web process and over HTTP, which is the overhead being measured.
"""

from __future__ import annotations

import json
import sys
import time

import pyoxigraph as ox

from .measure import OverCap, repeat_timed


def run_once(store: ox.Store, text: str, max_rows: int, cap: float, rows: list) -> float:
    started = time.perf_counter()
    result = store.query(text, use_default_graph_as_union=True)
    count = 0
    if isinstance(result, ox.QueryBoolean):
        bool(result)
        count = 1
    else:
        for item in result:
            if count == max_rows:
                break
            list(item) if isinstance(result, ox.QuerySolutions) else item.subject
            count += 1
    seconds = time.perf_counter() - started
    rows[:] = [count]
    if seconds > cap:  # pyoxigraph cannot be interrupted: a run past the cap is known only afterwards
        raise OverCap()
    return seconds


def main() -> int:
    job = json.loads(sys.stdin.read())
    if job.get("store"):
        store = ox.Store.read_only(job["store"])
    else:
        from peersupport.store.loading import RDF_FORMATS, graph_name

        store = ox.Store()
        for name, path in job["files"]:
            store.load(path=path, format=RDF_FORMATS["." + path.rsplit(".", 1)[1]], to_graph=graph_name(name))
    for name, text in job["queries"]:
        rows: list = [None]
        timing = repeat_timed(lambda: run_once(store, text, job["max_rows"], job["cap"], rows),
                              job["repeat"], budget=job["cap"], cap=job["cap"])
        timing.rows = rows[0]
        print(json.dumps({"name": name, **timing.as_dict()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
