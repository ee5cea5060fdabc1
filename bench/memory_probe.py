"""Why a forked query worker's private memory grows (issue 20), measured on one worker:
``python -m bench.memory_probe FILE.nt [--trim] [--no-pages] [--gil]`` loads the project's files and FILE into
memory as the pool's holder does (``parse_in_memory``), forks one worker as the holder does, runs
each benchmark query in it twice (the second run on pages already copied) and, after each,
reads from outside the worker:

* its ``/proc/PID/smaps``, split into the anonymous mappings it inherited from the holder (where
  the store lives), the anonymous mappings created since the fork (the query's working memory,
  whatever the allocator kept of it) and the file mappings (libraries);
* which inherited pages are no longer the holder's (``/proc/PID/pagemap``: another physical
  frame, so copied on write) and, of those, how many are still byte for byte the holder's page
  (``/proc/PID/mem``): a page copied only because a read path wrote a value and then put it back
  (a reference count raised and dropped, a lock taken and released) is identical;
* with ``--trim``, what ``malloc_trim(0)`` in the worker then gives back.

``--gil`` instead times one heavy query alone, two after each other and two on two threads of one
process (about 1x when pyoxigraph releases the GIL on two cores, 2x when it does not).
Prints one JSON object per step. Needs root, or the right to read the child's pagemap.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import threading
import time
from multiprocessing.connection import Connection, Pipe
from pathlib import Path

from peersupport.sparql.execution import run_query
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.worker_memory import give_back, private_mb
from peersupport.store.loading import extra_files, parse_in_memory, project_files

from .sparql import benchmark_queries

PAGE = os.sysconf("SC_PAGE_SIZE")
JSON = "application/sparql-results+json"


def mappings(pid: int) -> list[dict]:
    """Each mapping of ``pid``: start, end, path ('' for anonymous) and its smaps kB fields."""
    found, current = [], None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if "-" in head[0] and not head[0].endswith(":"):
            start, end = (int(x, 16) for x in head[0].split("-"))
            current = {"start": start, "end": end, "path": head[5] if len(head) > 5 else ""}
            found.append(current)
        elif head[0].endswith(":") and len(head) == 3 and head[2] == "kB":
            current[head[0][:-1]] = int(head[1])
    return found


def anonymous(mapping: dict) -> bool:
    return mapping["path"] in ("", "[heap]")


def split(worker: list[dict], inherited: set[int]) -> dict:
    """MB of Private_Dirty and PSS in the inherited anonymous, new anonymous and file mappings."""
    groups = {"inherited": [0, 0], "new": [0, 0], "files": [0, 0]}
    for mapping in worker:
        group = ("inherited" if mapping["start"] in inherited else "new") if anonymous(mapping) else "files"
        groups[group][0] += mapping.get("Private_Dirty", 0)
        groups[group][1] += mapping.get("Pss", 0)
    return {name: {"private_dirty_mb": round(dirty / 1024, 1), "pss_mb": round(pss / 1024, 1)}
            for name, (dirty, pss) in groups.items()}


def frames(pid: int, start: int, end: int) -> list[int]:
    """The physical frame of each page in [start, end) (0 when not present)."""
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        pagemap.seek(start // PAGE * 8)
        data = pagemap.read((end - start) // PAGE * 8)
    return [entry & ((1 << 55) - 1) if entry >> 63 else 0 for entry in struct.unpack(f"{len(data) // 8}Q", data)]


def copied_pages(worker: int, holder_maps: list[dict]) -> dict:
    """Of the holder's anonymous pages, how many the worker holds in another frame (copied), and
    how many of those are identical to the holder's page."""
    copied = identical = 0
    with open(f"/proc/{worker}/mem", "rb") as theirs, open("/proc/self/mem", "rb") as ours:
        for mapping in holder_maps:
            if not anonymous(mapping):
                continue
            start, end = mapping["start"], mapping["end"]
            for index, (mine, its) in enumerate(zip(frames(os.getpid(), start, end), frames(worker, start, end))):
                if not mine or not its or mine == its:
                    continue
                copied += 1
                address = start + index * PAGE
                theirs.seek(address)
                ours.seek(address)
                identical += theirs.read(PAGE) == ours.read(PAGE)
    return {"copied_mb": round(copied * PAGE / 2**20, 1), "identical_mb": round(identical * PAGE / 2**20, 1)}


def worker_loop(connection: Connection, store) -> None:
    while (job := connection.recv()) is not None:
        if job == "trim":
            before = private_mb()
            give_back()
            connection.send({"trimmed_mb": round(before - private_mb(), 1)})
            continue
        started = time.perf_counter()
        reply = run_query(store, QueryJob(job, accept=JSON), 10_000, None)
        connection.send({"ms": round((time.perf_counter() - started) * 1000, 1), "bytes": len(reply.body)})


def probe(store, trim: bool, pages: bool) -> None:
    ours, theirs = Pipe()
    holder_maps = mappings(os.getpid())
    pid = os.fork()
    if pid == 0:
        ours.close()
        try:
            worker_loop(theirs, store)
        finally:
            os._exit(0)
    inherited = {m["start"] for m in holder_maps if anonymous(m)}

    def report(step: str, extra: dict) -> None:
        line = {"step": step, **extra, **split(mappings(pid), inherited), "private_mb": private_mb(pid)}
        if pages:
            line.update(copied_pages(pid, holder_maps))
        print(json.dumps(line), flush=True)

    report("forked", {})
    for name, text in benchmark_queries() + [(name + " again", text) for name, text in benchmark_queries()]:
        ours.send(text)
        report(name, ours.recv())
        if trim:
            ours.send("trim")
            report(name + " +trim", ours.recv())
    ours.send(None)
    os.waitpid(pid, 0)


def gil(store) -> None:
    text = dict(benchmark_queries())["roles-by-remuneration"]

    def once() -> None:
        run_query(store, QueryJob(text, accept=JSON), 10_000, None)

    def timed(run) -> float:
        started = time.perf_counter()
        run()
        return round(time.perf_counter() - started, 3)

    def two_threads() -> None:
        threads = [threading.Thread(target=once) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    once()
    read = timed(lambda: [private_mb() for _ in range(100)]) * 10
    trim = timed(lambda: [give_back() for _ in range(100)]) * 10
    print(json.dumps({"private_mb_ms": read, "give_back_ms": trim, "one_s": timed(once), "two_in_turn_s": timed(lambda: (once(), once())),
                      "two_threads_s": timed(two_threads), "cpus": os.cpu_count(),
                      "load": os.getloadavg()[0]}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) in the worker after each query")
    parser.add_argument("--no-pages", action="store_true", help="skip the page-by-page comparison (slow)")
    parser.add_argument("--gil", action="store_true", help="time two queries on two threads instead")
    args = parser.parse_args()
    started = time.perf_counter()
    store = parse_in_memory(project_files() + extra_files([args.data]))
    print(json.dumps({"loaded_s": round(time.perf_counter() - started, 1), "triples": len(store),
                      "holder_private_mb": private_mb(os.getpid())}), flush=True)
    if args.gil:
        gil(store)
    else:
        probe(store, args.trim, not args.no_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
