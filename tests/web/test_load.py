"""The load test (``make load``; deselected from ``make test``): many concurrent clients mixing
catalogue queries, ad-hoc SPARQL and validations against the real server on 127.0.0.1, while one
pathological query a second runs into the time limit.

What it checks, each a test of its own over one shared run:

* no error on a normal request (anything but 2xx, a client timeout or a dropped connection);
* every pathological query is answered 503, within the time limit plus a margin;
* normal requests keep being answered while the pathological ones run (every 2-second window of
  the run holds completed normal requests, and completed catalogue or ad-hoc queries);
* the memory of the server and its children (query workers, the Java reasoner) ends below its
  start plus a bound;
* once the server is stopped, none of its children is left running (any found are killed).

The figures are printed as markdown tables (run pytest with ``-s``), so ``make load`` output is
the report. Sizes come from the environment:

``LOAD_CLIENTS`` (50), ``LOAD_SECONDS`` (60), ``LOAD_QUERY_TIMEOUT`` (2, the server's time limit),
``LOAD_REQUEST_TIMEOUT`` (30, per request, client side), ``LOAD_MARGIN`` (3, seconds allowed past
the time limit for a pathological query's 503), ``LOAD_RSS_GROWTH_MB`` (500),
``LOAD_MIX`` (``catalogue=4,sparql=4,validate=2``: relative weights of the normal kinds).
``PEERSUPPORT_QUERY_WORKERS`` and ``PEERSUPPORT_MAX_ROWS`` are passed through to the server.

The server is started by ``start_service`` on the shipped files (about 4,000 triples); it takes
no ``--data``, so no generated data is added.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import random
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ..service_fixtures import cmdline, descendants, start_service, stop, survivors

pytestmark = pytest.mark.load

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "data" / "examples" / "valid").glob("*.ttl")) + sorted((REPO / "data" / "examples" / "invalid").glob("*.ttl"))


def _env_number(name: str, default: float, kind=float):
    value = os.environ.get(name)
    return kind(value) if value not in (None, "") else kind(default)


CLIENTS = _env_number("LOAD_CLIENTS", 50, int)
SECONDS = _env_number("LOAD_SECONDS", 60)
QUERY_TIMEOUT = _env_number("LOAD_QUERY_TIMEOUT", 2)
REQUEST_TIMEOUT = _env_number("LOAD_REQUEST_TIMEOUT", 30)
MARGIN = _env_number("LOAD_MARGIN", 3)
RSS_GROWTH_MB = _env_number("LOAD_RSS_GROWTH_MB", 500)
WINDOW = 2.0

PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SPARQL_JSON = "application/sparql-results+json"
# (method, query, Accept): SELECT, ASK and CONSTRUCT, by GET, form POST and direct POST.
ADHOC = [
    ("GET", "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20", SPARQL_JSON),
    ("POST-form", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", SPARQL_JSON),
    ("GET", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "SELECT ?c ?label WHERE { ?c skos:prefLabel ?label FILTER(langMatches(lang(?label), 'en')) } ORDER BY ?label LIMIT 50",
     "text/csv"),
    ("POST-direct", "ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }", SPARQL_JSON),
    ("GET", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 100", "text/turtle"),
    ("POST-form", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                  "CONSTRUCT { ?c rdfs:subClassOf ?d } WHERE { ?c rdfs:subClassOf ?d }", "application/n-triples"),
]


def _mix() -> list[tuple[str, int]]:
    text = os.environ.get("LOAD_MIX") or "catalogue=4,sparql=4,validate=2"
    weights = []
    for part in text.split(","):
        name, _, weight = part.partition("=")
        assert name.strip() in ("catalogue", "sparql", "validate"), f"LOAD_MIX: unknown kind {name!r}"
        weights.append((name.strip(), int(weight)))
    return weights


# ---------------------------------------------------------------- memory of a process tree

def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


@dataclass
class MemorySample:
    at: float
    main_kb: int
    children_kb: int
    children: int

    @property
    def total_mb(self) -> float:
        return (self.main_kb + self.children_kb) / 1024


def sample_memory(pid: int, at: float) -> MemorySample:
    children = descendants(pid)
    return MemorySample(at, _rss_kb(pid), sum(_rss_kb(c) for c in children), len(children))


# ---------------------------------------------------------------- the run

@dataclass
class Outcome:
    kind: str
    started: float  # seconds since the load started
    finished: float
    status: int | None  # None: no response (timeout, connection error)
    detail: str = ""

    @property
    def latency(self) -> float:
        return self.finished - self.started

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Run:
    clients: int
    seconds: float
    elapsed: float = 0.0  # wall time of the load, stragglers included
    outcomes: list[Outcome] = field(default_factory=list)
    pathological: list[Outcome] = field(default_factory=list)
    memory: list[MemorySample] = field(default_factory=list)
    catalogue: list[str] = field(default_factory=list)
    server_alive: bool = True
    t0: float = 0.0  # time.perf_counter() when the load started
    stop_seconds: float = 0.0  # how long stop() took
    stop_returncode: int | None = None  # -9: the server did not stop on SIGTERM within 10 s and was killed
    left_behind: dict[int, str] = field(default_factory=dict)  # children still running after the server stopped
    stderr: list[tuple[float, str]] = field(default_factory=list)  # (perf_counter, line) written by the server

    def __repr__(self) -> str:
        return f"Run({self.clients} clients, {self.seconds:g} s, {len(self.outcomes)} requests)"

    def server_errors(self) -> list[str]:
        """The last line of each traceback the server wrote, with when (seconds since the load started)."""
        found, inside = [], False
        for at, line in self.stderr:
            if line.startswith("Traceback"):
                inside = True
            elif inside and line and not line[0].isspace():
                found.append(f"{at - self.t0:.1f} s: {line.strip()[:160]}")
                inside = False
        return found


async def _timed(client: httpx.AsyncClient, kind: str, t0: float, send) -> Outcome:
    started = time.perf_counter() - t0
    try:
        response = await send(client)
        status, detail = response.status_code, "" if response.is_success else response.text[:160].strip()
    except httpx.TimeoutException as error:
        status, detail = None, f"client timeout ({type(error).__name__}, {client.timeout.read:g} s)"
    except httpx.HTTPError as error:
        status, detail = None, f"{type(error).__name__}: {error}"[:160]
    return Outcome(kind, started, time.perf_counter() - t0, status, detail)


def _request_for(kind: str, rng: random.Random, catalogue: list[str], examples: list[bytes]):
    if kind == "catalogue":
        name = rng.choice(catalogue)
        return lambda c: c.get(f"/queries/{name}", headers={"Accept": SPARQL_JSON})
    if kind == "sparql":
        method, query, accept = rng.choice(ADHOC)
        if method == "GET":
            return lambda c: c.get("/sparql", params={"query": query}, headers={"Accept": accept})
        if method == "POST-form":
            return lambda c: c.post("/sparql", data={"query": query}, headers={"Accept": accept})
        return lambda c: c.post("/sparql", content=query.encode(),
                                headers={"Content-Type": "application/sparql-query", "Accept": accept})
    body = rng.choice(examples)
    return lambda c: c.post("/validate", content=body, headers={"Content-Type": "text/turtle", "Accept": "application/json"})


async def _client(client: httpx.AsyncClient, number: int, t0: float, deadline: float, catalogue: list[str],
                  examples: list[bytes], outcomes: list[Outcome]) -> None:
    rng = random.Random(number)
    kinds, weights = zip(*_mix())
    while time.perf_counter() < deadline:
        kind = rng.choices(kinds, weights)[0]
        outcomes.append(await _timed(client, kind, t0, _request_for(kind, rng, catalogue, examples)))


async def _pathological(client: httpx.AsyncClient, t0: float, deadline: float, outcomes: list[Outcome]) -> None:
    """One pathological query a second, on a fixed schedule: each is sent on time whether or not
    the previous one has been answered."""
    tasks, tick = [], 0
    while True:
        due = t0 + 0.5 + tick  # the first half second to the normal clients alone
        if due >= deadline:
            break
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        send = lambda c: c.post("/sparql", data={"query": PATHOLOGICAL}, headers={"Accept": SPARQL_JSON})  # noqa: E731
        tasks.append(asyncio.create_task(_timed(client, "pathological", t0, send)))
        tick += 1
    outcomes.extend(await asyncio.gather(*tasks))


async def _sample(pid: int, t0: float, stop_event: asyncio.Event, samples: list[MemorySample]) -> None:
    while not stop_event.is_set():
        samples.append(sample_memory(pid, time.perf_counter() - t0))
        try:
            await asyncio.wait_for(stop_event.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


async def run_load(base: str, pid: int, run: Run) -> None:
    examples = [path.read_bytes() for path in EXAMPLES]
    assert examples, "no example Turtle files"
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=REQUEST_TIMEOUT) as client:
        listing = (await client.get("/queries")).raise_for_status().json()
    run.catalogue = [entry["name"] for entry in listing]
    assert run.catalogue, "GET /queries lists no query"
    async with contextlib.AsyncExitStack() as stack:
        # The clients are made before the clock starts: making 50 takes about a second of CPU.
        clients = [await stack.enter_async_context(httpx.AsyncClient(base_url=base, trust_env=False, timeout=REQUEST_TIMEOUT))
                   for _ in range(run.clients)]
        pathological = await stack.enter_async_context(httpx.AsyncClient(
            base_url=base, trust_env=False, timeout=QUERY_TIMEOUT * 2 + MARGIN + 10,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=20)))
        t0 = run.t0 = time.perf_counter()
        run.memory.append(sample_memory(pid, 0.0))
        deadline = t0 + run.seconds
        stop_event = asyncio.Event()
        sampler = asyncio.create_task(_sample(pid, t0, stop_event, run.memory))
        work = [_client(client, n, t0, deadline, run.catalogue, examples, run.outcomes) for n, client in enumerate(clients)]
        work.append(_pathological(pathological, t0, deadline, run.pathological))
        try:
            # Bounded: no request is started after the deadline and each has its own time limit.
            await asyncio.wait_for(asyncio.gather(*work), run.seconds + REQUEST_TIMEOUT + QUERY_TIMEOUT * 2 + MARGIN + 30)
        finally:
            run.elapsed = time.perf_counter() - t0
            stop_event.set()
            await sampler
    await asyncio.sleep(1.0)  # let the last reasoner or respawned worker settle before the final sample
    run.memory.append(sample_memory(pid, time.perf_counter() - t0))


# ---------------------------------------------------------------- the report

def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def max_gap(finishes: list[float], start: float, end: float) -> float:
    """The longest stretch of [start, end] with no completion in it."""
    points = [start] + sorted(f for f in finishes if start <= f <= end) + [end]
    return max(b - a for a, b in zip(points, points[1:]))


def empty_windows(finishes: list[float], seconds: float) -> list[float]:
    """Starts of the whole WINDOW-second windows of the run in which nothing completed."""
    counts = Counter(int(f // WINDOW) for f in finishes if 0 <= f < seconds)
    return [i * WINDOW for i in range(int(seconds // WINDOW)) if counts[i] == 0]


def report(run: Run) -> str:
    ms = lambda v: f"{v * 1000:.0f}"  # noqa: E731
    lines = [f"\n### Load: {run.clients} clients, {run.seconds:g} s (took {run.elapsed:.1f} s), "
             f"query time limit {QUERY_TIMEOUT:g} s, {os.environ.get('PEERSUPPORT_QUERY_WORKERS', '4 (default)')} query workers, "
             f"{os.cpu_count()} CPUs, mix {os.environ.get('LOAD_MIX') or 'catalogue=4,sparql=4,validate=2'}\n",
             "| kind | requests | req/s | errors | p50 ms | p95 ms | p99 ms | max ms | longest gap s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    kinds = ["catalogue", "sparql", "validate"]
    groups = [(k, [o for o in run.outcomes if o.kind == k]) for k in kinds] + [("all normal", run.outcomes)]
    groups.append(("pathological", run.pathological))
    for name, outcomes in groups:
        latencies = [o.latency for o in outcomes]
        if name == "pathological":
            errors = sum(1 for o in outcomes if o.status != 503)
            gap = "-"
        else:
            errors = sum(1 for o in outcomes if not o.ok)
            gap = f"{max_gap([o.finished for o in outcomes if o.ok], 0.0, run.seconds):.1f}" if outcomes else "-"
        lines.append(f"| {name} | {len(outcomes)} | {len(outcomes) / run.seconds:.1f} | {errors} | "
                     f"{ms(percentile(latencies, .50))} | {ms(percentile(latencies, .95))} | {ms(percentile(latencies, .99))} | "
                     f"{ms(max(latencies, default=float('nan')))} | {gap} |")
    lines.append("\n(pathological: \"errors\" are answers other than 503)\n")
    statuses = Counter((o.kind, o.status, o.detail[:100]) for o in run.outcomes + run.pathological
                       if (o.kind == "pathological") or not o.ok)
    if statuses:
        lines += ["| kind | status | answer (first 100 characters) | count |", "|---|---|---|---:|"]
        for (kind, status, detail), count in statuses.most_common(12):
            lines.append(f"| {kind} | {status if status is not None else 'none'} | {detail.replace('|', '/')} | {count} |")
        lines.append("")
    start, end = run.memory[0], run.memory[-1]
    peak = max(run.memory, key=lambda s: s.total_mb)
    lines += ["| RSS (MB) | start | peak | end |", "|---|---:|---:|---:|",
              f"| server + children | {start.total_mb:.0f} | {peak.total_mb:.0f} (at {peak.at:.0f} s) | {end.total_mb:.0f} |",
              f"| server process | {start.main_kb / 1024:.0f} | {max(s.main_kb for s in run.memory) / 1024:.0f} | {end.main_kb / 1024:.0f} |",
              f"| children (count) | {start.children_kb / 1024:.0f} ({start.children}) | "
              f"{max(s.children_kb for s in run.memory) / 1024:.0f} ({max(s.children for s in run.memory)}) | "
              f"{end.children_kb / 1024:.0f} ({end.children}) |",
              f"\nbound: end < start + {RSS_GROWTH_MB:g} MB = {start.total_mb + RSS_GROWTH_MB:.0f} MB; "
              f"server alive after the run: {run.server_alive}\n"]
    lines.append(f"server stop: {run.stop_seconds:.1f} s, exit status {run.stop_returncode}"
                 f"{' (killed: SIGTERM was not enough within 10 s)' if run.stop_returncode == -signal.SIGKILL else ''}; "
                 f"children left running after it: {len(run.left_behind)}"
                 + "".join(f"\n- {pid}: {cmd[:120]}" for pid, cmd in run.left_behind.items()) + "\n")
    errors = run.server_errors()
    lines.append(f"server tracebacks (stderr, seconds since the load started): {len(errors)}")
    lines += [f"- {e}" for e in errors[:10]]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the tests

@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    base, process = start_service(tmp_path_factory.mktemp("load-store"), {}, timeout=QUERY_TIMEOUT)
    result = Run(CLIENTS, SECONDS)

    def drain():  # follow the server's log file as it grows, timing each line
        with open(process.log_path, encoding="utf-8", errors="replace") as log:
            while True:
                line = log.readline()
                if line:
                    result.stderr.append((time.perf_counter(), line.rstrip("\n")))
                elif process.poll() is not None:
                    return
                else:
                    time.sleep(0.05)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        asyncio.run(run_load(base, process.pid, result))
        result.server_alive = process.poll() is None
    finally:
        children = {pid: cmdline(pid) for pid in descendants(process.pid)}
        began = time.perf_counter()
        stop(process)  # SIGTERM, then SIGKILL after 10 s
        result.stop_seconds, result.stop_returncode = time.perf_counter() - began, process.returncode
        reader.join(10)
        result.left_behind = survivors(children)
        for pid in result.left_behind:  # they are this test's: do not let them run on into the next tests
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    print(report(result))
    return result


def test_no_errors_on_normal_requests(run):
    failed = [o for o in run.outcomes if not o.ok]
    assert run.server_alive, "the server died under load: " + "\n".join(line for _, line in run.stderr[-30:])
    assert run.outcomes, "no request was made"
    assert not failed, (f"{len(failed)} of {len(run.outcomes)} normal requests failed; first: "
                        + "; ".join(f"{o.kind} {o.status} at {o.started:.1f} s: {o.detail}" for o in failed[:5]))


def test_pathological_queries_answered_503_in_time(run):
    expected = max(0, math.ceil(run.seconds - 0.5))  # one at 0.5 s, 1.5 s, ... before the end
    assert len(run.pathological) == expected, f"{len(run.pathological)} pathological queries sent, {expected} expected"
    wrong = [o for o in run.pathological if o.status != 503]
    late = [o for o in run.pathological if o.latency > QUERY_TIMEOUT + MARGIN]
    assert not wrong, f"{len(wrong)} pathological queries not answered 503: " + "; ".join(
        f"{o.status} after {o.latency:.1f} s: {o.detail}" for o in wrong[:5])
    assert not late, (f"{len(late)} of {len(run.pathological)} pathological queries answered later than "
                      f"{QUERY_TIMEOUT:g} + {MARGIN:g} s; slowest {max(o.latency for o in late):.1f} s")


def test_normal_requests_not_starved(run):
    done = [o.finished for o in run.outcomes if o.ok]
    queries = [o.finished for o in run.outcomes if o.ok and o.kind in ("catalogue", "sparql")]
    empty, empty_queries = empty_windows(done, run.seconds), empty_windows(queries, run.seconds)
    assert not empty, f"{len(empty)} {WINDOW:g}-second windows without a completed normal request, starting at {empty[:10]} s"
    assert not empty_queries, (f"{len(empty_queries)} {WINDOW:g}-second windows without a completed catalogue or ad-hoc "
                               f"query, starting at {empty_queries[:10]} s")


def test_memory_bounded(run):
    start, end = run.memory[0], run.memory[-1]
    assert end.total_mb < start.total_mb + RSS_GROWTH_MB, (
        f"RSS of the server and its children grew from {start.total_mb:.0f} MB to {end.total_mb:.0f} MB "
        f"(bound {start.total_mb + RSS_GROWTH_MB:.0f} MB)")


def test_no_processes_left_behind(run):
    """Stopping the server stops its query workers and reasoner too (a worker left running a
    pathological query would keep a core busy for ever)."""
    assert not run.left_behind, (
        f"{len(run.left_behind)} children of the server still running 3 s after it stopped "
        f"(stop took {run.stop_seconds:.1f} s, exit status {run.stop_returncode}): "
        + "; ".join(f"{pid} {cmd[:80]}" for pid, cmd in run.left_behind.items()))
