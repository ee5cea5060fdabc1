"""One in-memory copy of the data, measured in a child process of its own:
``python -m bench.one_copy`` reads one JSON object from stdin (``files``: ``[graph name, path]``
pairs; ``queries``: ``[name, text]`` pairs of small queries; ``repeat``) and prints one JSON line.

* its memory: the PSS of this process (``/proc/self/smaps_rollup``, read as ``/healthz?deep=1``
  reads it) after loading the files into ``pyoxigraph.Store()`` in memory, as our query workers
  hold them, minus its PSS before loading (the interpreter and its libraries are not the copy);
* the in-process floor of the small queries on that store: each run a new text (a numbered
  comment, as the HTTP requests are), ``Store.query`` and reading every solution.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time

import pyoxigraph as ox

from peersupport.store.loading import RDF_FORMATS, graph_name
from peersupport.web.health import process_memory

from .inprocess import run_once


def pss_mb() -> float:
    return process_memory(os.getpid(), "one copy")["pss_mb"]


def main() -> int:
    job = json.loads(sys.stdin.read())
    gc.collect()
    before = pss_mb()
    started = time.perf_counter()
    store = ox.Store()
    for name, path in job["files"]:
        store.load(path=path, format=RDF_FORMATS["." + path.rsplit(".", 1)[1]], to_graph=graph_name(name))
    load_seconds = time.perf_counter() - started
    gc.collect()
    after = pss_mb()
    floor = {}
    for name, text in job["queries"]:
        samples, rows = [], [None]
        for index in range(job["repeat"] + 20):  # 20 warm-up runs, not counted
            seconds = run_once(store, f"{text}\n# request {index}\n", 10_000, 60.0, rows)
            if index >= 20:
                samples.append(seconds)
        floor[name] = {"samples": samples, "rows": rows[0]}
    print(json.dumps({"pss_before_mb": before, "pss_after_mb": after, "load_seconds": load_seconds,
                      "triples": len(store), "floor": floor}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
