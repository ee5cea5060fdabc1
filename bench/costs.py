"""The three costs issue 20 sets targets for, measured at each size (sections ``served-load``,
``memory`` and ``fixed-cost``):

* load until served: our service started on the files (``peersupport serve`` on an empty store
  folder: the RocksDB generation, then the workers' in-memory copy) until ``/healthz`` answers 200,
  against Virtuoso's bulk loader (``bench.virtuoso``) and ``oxigraph load`` (``bench.servers``) on
  the same files, one named graph per file;
* memory: the total PSS of our service's processes, as ``/healthz?deep=1`` reports it, after the
  bench's query mix (every benchmark query from as many concurrent clients as the pool has
  workers, so that every worker answers heavy queries), against one in-memory copy of the same
  files (``bench.one_copy``: PSS after loading minus PSS before);
* fixed cost: the median of small queries (an ASK and a LIMIT 1 lookup, about 0.1 ms
  in-process) over HTTP on one kept-alive connection, each request a new text so that the result
  cache does not answer, against the in-process floor of the same queries (``bench.one_copy``).
"""

from __future__ import annotations

import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from peersupport.web.health import process_memory

from .measure import Timing, descendants, run_child
from .servers import REPO, QueryClient, Server, start_ours
from .virtuoso import BulkLoad

SMALL_QUERIES = [
    ("ask-organisation", "ASK { <https://example.org/generated/organisation/1> a <http://www.w3.org/ns/org#Organization> }"),
    ("lookup-limit-1", "SELECT ?organisation WHERE { <https://example.org/generated/role/1-1> "
                       "<http://www.w3.org/ns/org#postIn> ?organisation } LIMIT 1"),
]
SMALL_REPEAT = 300  # requests per small query (after 20 warm-up requests)


@dataclass
class Costs:
    """What the three new sections measured at one size (None: not measured)."""

    served_seconds: float | None = None  # our service: start until /healthz answers 200
    virtuoso: BulkLoad | None = None
    oxigraph_seconds: float | None = None
    memory: dict | None = None  # /healthz?deep=1 "memory" after the query mix
    tree_pss_mb: float | None = None  # PSS summed over the service's whole process tree, read by the bench
    mix_note: str = ""
    one_copy: dict | None = None  # bench.one_copy's reply
    http_small: dict = field(default_factory=dict)  # name -> Timing
    floor_small: dict = field(default_factory=dict)  # name -> Timing

    @property
    def one_copy_mb(self) -> float | None:
        if not self.one_copy:
            return None
        return self.one_copy["pss_after_mb"] - self.one_copy["pss_before_mb"]


def start_served(store: Path, data: Path, cap: float, log: Path) -> tuple[Server, float]:
    """Our service on an empty ``store`` folder, and the seconds from its start until ``/healthz``
    answered 200 (``start_ours`` waits for that)."""
    started = time.perf_counter()
    server = start_ours(store, data, cap, log)
    return server, time.perf_counter() - started


# What our service logs when it builds the store generation on disk after serving, and when that is done.
BUILDING = "building the store generation on disk"
BUILT = re.compile(r"store gen-\d+ ready|the store generation was not built")


def wait_for_generation(log: Path, seconds: float = 1800) -> float:
    """Wait until the generation on disk our service builds after it answers is complete (it runs
    at nice 19 beside the service, so it would weigh on the sections measured meanwhile); the
    seconds waited, 0 when none was being built."""
    started = time.perf_counter()
    while BUILDING in log.read_text(errors="replace"):
        if BUILT.search(log.read_text(errors="replace")):
            return time.perf_counter() - started
        if time.perf_counter() - started > seconds:
            raise RuntimeError(f"the store generation was not built within {seconds:g} s (see {log})")
        time.sleep(0.5)
    return 0.0


def _base(server: Server) -> str:
    return server.url.rsplit("/", 1)[0]


def deep_health(server: Server) -> dict:
    response = httpx.get(_base(server) + "/healthz", params={"deep": "1"}, timeout=600, trust_env=False)
    response.raise_for_status()
    return response.json()


def query_mix(server: Server, queries: list[tuple[str, str]], cap: float, clients: int) -> str:
    """Every query once from each of ``clients`` concurrent clients (each starting at a different
    query); returns what did not answer 200, if anything."""
    def one_client(offset: int) -> list[str]:
        client, failed = QueryClient(timeout=cap + 5), []
        try:
            for index in range(len(queries)):
                name, text = queries[(offset + index) % len(queries)]
                try:
                    status, _ = server.post(client, text)
                except (TimeoutError, ConnectionError) as error:
                    status = type(error).__name__
                if status != 200:
                    failed.append(f"{name}: {status}")
        finally:
            client.close()
        return failed

    with ThreadPoolExecutor(clients) as pool:
        failed = [entry for found in pool.map(one_client, range(clients)) for entry in found]
    return "; ".join(failed)


def measure_memory(server: Server, queries, cap: float, costs: Costs) -> None:
    workers = len(server_workers(deep_health(server))) or 1
    costs.mix_note = query_mix(server, queries, cap, workers)
    costs.memory = deep_health(server)["memory"]
    pids = [server.process.pid] + descendants(server.process.pid)
    costs.tree_pss_mb = round(sum(found["pss_mb"] for pid in pids if (found := process_memory(pid, "")) is not None), 1)


def server_workers(health: dict) -> list[dict]:
    return [p for p in health.get("memory", {}).get("processes", []) if p["role"] == "query worker"]


def http_small(server: Server, repeat: int = SMALL_REPEAT) -> dict[str, Timing]:
    """{small query: Timing} over HTTP, one kept-alive connection, a new text each request."""
    client, timings = QueryClient(timeout=30), {}
    try:
        for name, text in SMALL_QUERIES:
            timing = Timing(cap=30)
            for index in range(repeat + 20):
                started = time.perf_counter()
                status, body = server.post(client, text)
                seconds = time.perf_counter() - started
                if status != 200:
                    timing.note = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
                    break
                if index >= 20:
                    timing.samples.append(seconds)
            timings[name] = timing
    finally:
        client.close()
    return timings


def one_copy(files_json: list, costs: Costs, repeat: int = SMALL_REPEAT) -> None:
    """Run ``bench.one_copy``: one in-memory copy's PSS and the small queries' in-process floor."""
    job = {"files": files_json, "queries": SMALL_QUERIES, "repeat": repeat}
    run = run_child([sys.executable, "-m", "bench.one_copy"], cwd=str(REPO), timeout=3600, stdin_text=json.dumps(job))
    if run.returncode != 0 or not run.lines:
        costs.one_copy = None
        costs.floor_small = {name: Timing(note=f"child exit {run.returncode}: {run.stderr[-200:]}")
                             for name, _ in SMALL_QUERIES}
        return
    costs.one_copy = json.loads(run.lines[-1])
    costs.floor_small = {name: Timing(entry["samples"], rows=entry["rows"])
                         for name, entry in costs.one_copy.pop("floor").items()}

