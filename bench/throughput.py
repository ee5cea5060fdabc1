"""Throughput: completed requests per second with 1, 4 and 16 concurrent clients, each posting
the benchmark queries round robin (each client starting at a different query) for a fixed
duration, against our endpoint and against Oxigraph server holding the same named graphs. When
the queries are slow (10^6 triples), a window of a few completions would mostly measure where it
happens to end, so the window runs on, up to six times the duration, until a minimum number of
requests completed; the table gives each window's length.

The clients are asyncio tasks sharing one ``httpx.AsyncClient`` in this process (one connection
per client). Only requests completed within the window count; requests still running at its
end are awaited, uncounted, so that the next measurement starts on an idle server. Anything but
a 200 counts as an error. The client's own CPU use over the window is reported: on a two-core
machine the client competes with the server, and near 100% it, not the server, is the limit.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx

from .measure import percentile
from .servers import SPARQL_JSON, Server


@dataclass
class Throughput:
    clients: int
    seconds: float
    completed: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    client_cpu: float = 0.0  # share of one core used by this process during the window

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds

    @property
    def median_latency(self) -> float | None:
        return percentile(self.latencies, 50) if self.latencies else None

    @property
    def p95_latency(self) -> float | None:
        return percentile(self.latencies, 95) if self.latencies else None


async def _client(http: httpx.AsyncClient, server: Server, queries: list[str], offset: int, window: list[float],
                  result: Throughput) -> None:
    index = offset
    while time.perf_counter() < window[0]:
        query = queries[index % len(queries)]
        index += 1
        started = time.perf_counter()
        try:
            response = await http.post(server.url, data=server.form(query), headers={"Accept": SPARQL_JSON})
            await response.aread()
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        finished = time.perf_counter()
        if finished > window[0]:
            return
        if ok:
            result.completed += 1
            result.latencies.append(finished - started)
        else:
            result.errors += 1


async def _stretch(window: list[float], start: float, duration: float, min_completed: int, result: Throughput) -> None:
    """Push the window's end back, up to six times ``duration``, until ``min_completed`` requests completed."""
    while time.perf_counter() < window[0]:
        await asyncio.sleep(0.05)
        if time.perf_counter() >= window[0] - 0.1 and result.completed < min_completed:
            window[0] = min(start + 6 * duration, window[0] + 0.5)


async def _measure(server: Server, queries: list[str], clients: int, duration: float, timeout: float,
                   min_completed: int) -> Throughput:
    result = Throughput(clients, duration)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=timeout, limits=limits, trust_env=False) as http:
        cpu_before = time.process_time()
        start = time.perf_counter()
        window = [start + duration]  # its end, which _stretch may push back
        offsets = [i * len(queries) // clients for i in range(clients)]
        await asyncio.gather(_stretch(window, start, duration, min_completed, result),
                             *(_client(http, server, queries, offset, window, result) for offset in offsets))
        result.seconds = window[0] - start
        result.client_cpu = (time.process_time() - cpu_before) / (time.perf_counter() - start)
    return result


def throughput(server: Server, queries: list[str], clients: int, duration: float, timeout: float,
               min_completed: int = 0) -> Throughput:
    return asyncio.run(_measure(server, queries, clients, duration, timeout, min_completed))
