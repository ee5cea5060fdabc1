"""Load: triples per second from the files into a store on disk, our way against pyoxigraph's.

* ``prepare_store``: ``peersupport.store.loading.prepare_store`` on a fresh folder (hashing each file,
  a new generation, one named graph per file, counting each graph's triples, the manifest and
  the atomic switch), which is what ``peersupport serve`` does on a first start;
* ``bulk_load``: ``pyoxigraph.Store(folder).bulk_load`` of the same files into the same named
  graphs of a fresh store, then ``flush``.

Each load is repeated up to ``--repeat`` times, at least three, stopping early once the loads
used twice the query cap. Each run is a child process (``python -m bench.load prepare|bulk FOLDER`` with the files as JSON
on stdin) that times only the load, so its peak memory (``ru_maxrss``) is that of the load alone.
The last ``prepare_store`` folder is kept: our endpoint then serves it without loading again.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from .measure import Timing, run_child
from .servers import REPO


def _prepare(folder: Path, files: list[tuple[str, Path]]) -> None:
    from peersupport.store.loading import prepare_store

    prepare_store(folder, files)  # its progress goes to logging, which the bench leaves unconfigured


def _bulk(folder: Path, files: list[tuple[str, Path]]) -> None:
    import pyoxigraph as ox

    from peersupport.store.loading import RDF_FORMATS, graph_name

    store = ox.Store(str(folder))
    for name, path in files:
        store.bulk_load(path=str(path), format=RDF_FORMATS[path.suffix], to_graph=graph_name(name))
    store.flush()
    del store


def child_main(kind: str, folder: str) -> int:
    files = [(name, Path(path)) for name, path in json.loads(sys.stdin.read())]
    started = time.perf_counter()
    (_prepare if kind == "prepare" else _bulk)(Path(folder), files)
    print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)
    return 0


def measure_load(kind: str, files_json: list, work: Path, repeat: int, budget: float, keep_last: bool = False
                 ) -> tuple[Timing, int, Path | None]:
    """(Timing of the loads, the largest peak kB of a load child, the folder kept): up to
    ``repeat`` loads, at least 3, stopping after the third once the loads used ``budget`` seconds."""
    timing, peak, kept = Timing(), 0, None
    last = None
    for index in range(repeat):
        if index >= 3 and sum(timing.samples) >= budget:
            break
        if last is not None:
            shutil.rmtree(last, ignore_errors=True)
        folder = last = work / f"{kind}-{index}"
        shutil.rmtree(folder, ignore_errors=True)
        run = run_child([sys.executable, "-m", "bench.load", kind, str(folder)], cwd=str(REPO),
                        timeout=3600, stdin_text=json.dumps(files_json))
        if run.returncode != 0 or not run.lines:
            timing.note = f"{kind} failed (exit {run.returncode}): {run.stderr[-300:]}"
            break
        timing.samples.append(json.loads(run.lines[-1])["seconds"])
        peak = max(peak, run.maxrss_kb)
    if keep_last and timing.samples:
        kept = last
    elif last is not None:
        shutil.rmtree(last, ignore_errors=True)
    return timing, peak, kept


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1], sys.argv[2]))
