"""The query pool awaited on the event loop (``QueryPool.execute_async``), on the standard
library's loop and on uvloop (which uvicorn runs when installed): the same answers, time limit,
row and byte caps as ``execute``, a stopped or cancelled worker replaced, the loop free while a
worker runs, and large answers arriving in parts while other queries run read whole (uvloop
leaves a watched descriptor non-blocking: read as if blocking, such an answer failed half-way and
was answered as a worker that stopped, a 503)."""

import asyncio
import json
import logging
import os
import re
import signal
import socket
import struct

import pytest
import uvloop

from peersupport.errors import AnswerTooLarge, Busy, Timeout
from peersupport.sparql.awaited_reply import whole_message_waiting
from peersupport.sparql.execution import MAX_ROWS_HEADER
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.pool import INLINE_QUERY_CHARS, QueryPool
from peersupport.store.loading import prepare_store

JSON = "application/sparql-results+json"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = QueryJob("ASK { ?s ?p ?o }", JSON)
LOOPS = {"asyncio": asyncio.run, "uvloop": uvloop.run}
BIG_COUNT, BIG_CHARS = 3000, 4000  # an answer of about 12 MB: more than a socket's buffer (4 MiB here)


@pytest.fixture(params=sorted(LOOPS))
def run(request):
    return LOOPS[request.param]


def store_of(folder, lines: str):
    data = folder / "triples.nt"
    data.write_text(lines)
    files = [("local/triples.nt", data)]
    return str(prepare_store(folder / "store", files)), files


@pytest.fixture(scope="module")
def generation(tmp_path_factory):  # 2,000 triples: SLOW joins 8·10^9 rows
    return store_of(tmp_path_factory.mktemp("async-pool"),
                    "".join(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n' for i in range(2000)))


def big_value(i: int) -> str:
    return f"{i:05d}" + "x" * (BIG_CHARS - 5)


@pytest.fixture(scope="module")
def big_generation(tmp_path_factory):
    return store_of(tmp_path_factory.mktemp("async-pool-big"),
                    "".join(f'<http://example.org/s{i}> <http://example.org/p> "{big_value(i)}" .\n' for i in range(BIG_COUNT)))


def make_pool(generation, **options) -> QueryPool:
    location, files = generation
    return QueryPool(location, files, **{"workers": 1, "timeout": 30, **options})


def test_answers_as_execute_does_with_the_row_cap(generation, run):
    pool = make_pool(generation, max_rows=2)
    try:
        job = QueryJob("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", JSON)
        awaited = run(pool.execute_async(job))
        assert awaited == pool.execute(job)
        assert [b["s"]["value"] for b in json.loads(awaited.body)["results"]["bindings"]] == \
            ["http://example.org/s0", "http://example.org/s1"]
        assert awaited.headers == {MAX_ROWS_HEADER: "2"}
    finally:
        pool.close()


def test_an_answer_over_the_byte_cap_is_refused(generation, run):
    pool = make_pool(generation, max_bytes=500)
    try:
        with pytest.raises(AnswerTooLarge, match=r"more than this service sends \(500 bytes"):
            run(pool.execute_async(QueryJob('SELECT ?v WHERE { VALUES ?v { "' + "x" * 600 + '" } }', JSON)))
        assert json.loads(run(pool.execute_async(ASK)).body) == {"head": {}, "boolean": True}
    finally:
        pool.close()


def test_the_time_limit_stops_the_worker_and_the_loop_runs_meanwhile(generation, run):
    pool = make_pool(generation, timeout=1)

    async def timed():
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(tick())
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(Timeout, match="ran longer than the time limit of 1 s"):
            await pool.execute_async(QueryJob(SLOW, JSON))
        waited = loop.time() - started
        ticker.cancel()
        return waited, ticks, await pool.execute_async(ASK)

    try:
        waited, ticks, after = run(timed())
        assert 1.0 <= waited < 1.5
        assert ticks >= 10  # the loop was not held while the worker ran
        assert json.loads(after.body)["boolean"] is True
    finally:
        pool.close()


def test_a_worker_that_dies_is_a_503_to_retry(generation, caplog, run):
    with caplog.at_level(logging.INFO, logger="peersupport.sparql.pool"):
        pool = make_pool(generation)

        async def killed():
            worker = int(re.search(r"query worker (\d+) started", caplog.text).group(1))
            asyncio.get_running_loop().call_later(0.3, os.kill, worker, signal.SIGKILL)
            with pytest.raises(Busy, match="the query worker stopped while running this query") as died:
                await pool.execute_async(QueryJob(SLOW, JSON))
            return died.value

        try:
            error = run(killed())
            assert (error.status, error.headers) == (503, {"Retry-After": "1"})
            assert json.loads(pool.execute(ASK).body)["boolean"] is True
        finally:
            pool.close()


def test_a_cancelled_query_does_not_answer_the_next_one(generation, caplog, run):
    pool = make_pool(generation)

    async def cancelled():
        running = asyncio.create_task(pool.execute_async(QueryJob(SLOW, JSON)))
        await asyncio.sleep(0.3)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        return await pool.execute_async(QueryJob("SELECT ?n WHERE { VALUES ?n { 7 } }", JSON))

    try:
        with caplog.at_level(logging.INFO, logger="peersupport.sparql.pool"):
            reply = run(cancelled())
        assert [b["n"]["value"] for b in json.loads(reply.body)["results"]["bindings"]] == ["7"]
        assert "was stopped when its request was cancelled" in caplog.text
    finally:
        pool.close()


def small(n: int) -> QueryJob:
    return QueryJob(f"SELECT ?n WHERE {{ VALUES ?n {{ {n} }} }}", JSON)


def value_of(reply) -> str:
    return json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]


def test_with_no_worker_idle_a_query_waits_for_one(generation, run):
    pool = make_pool(generation)

    async def together():
        return await asyncio.gather(*(pool.execute_async(small(n)) for n in range(3)))

    try:
        assert [value_of(reply) for reply in run(together())] == ["0", "1", "2"]
    finally:
        pool.close()


def test_a_long_query_text_is_answered_too(generation, run):
    pool = make_pool(generation)
    try:
        long_query = "ASK { ?s ?p ?o }" + " " * INLINE_QUERY_CHARS
        assert json.loads(run(pool.execute_async(QueryJob(long_query, JSON))).body)["boolean"] is True
    finally:
        pool.close()


def test_large_answers_of_concurrent_heavy_queries_arrive_whole_beside_small_queries(big_generation, caplog, run):
    pool = make_pool(big_generation, workers=4, max_rows=10_000)
    heavy = [QueryJob(f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} # heavy {n}", JSON) for n in range(4)]
    expected = sorted((f"http://example.org/s{i}", big_value(i)) for i in range(BIG_COUNT))

    async def mix():
        return await asyncio.gather(*(pool.execute_async(job) for job in heavy),
                                    *(pool.execute_async(small(n)) for n in range(12)), return_exceptions=True)

    try:
        with caplog.at_level(logging.INFO, logger="peersupport.sparql.pool"):
            replies = run(mix())
        failures = [f"{type(reply).__name__}: {reply}" for reply in replies if isinstance(reply, BaseException)]
        assert failures == []
        for reply in replies[:4]:
            assert len(reply.body) > 4 << 20
            bindings = json.loads(reply.body)["results"]["bindings"]
            assert sorted((b["s"]["value"], b["o"]["value"]) for b in bindings) == expected
        assert [value_of(reply) for reply in replies[4:]] == [str(n) for n in range(12)]
        assert "stopped while running a query" not in caplog.text
        assert all(os.get_blocking(worker.connection.fileno()) for worker in pool._all)  # execute (a thread) reads them next
        assert value_of(pool.execute(small(99))) == "99"
    finally:
        pool.close()


def test_a_message_is_whole_only_once_all_its_bytes_have_arrived():
    ours, theirs = socket.socketpair()
    try:
        descriptor = ours.fileno()
        assert whole_message_waiting(descriptor) is False
        theirs.sendall(struct.pack("!i", 100) + b"x" * 50)
        assert whole_message_waiting(descriptor) is False
        theirs.sendall(b"x" * 50)
        assert whole_message_waiting(descriptor) is True
        ours.recv(104)
        theirs.sendall(struct.pack("!i", -1) + struct.pack("!Q", 10) + b"y" * 9)  # the long form of the length
        assert whole_message_waiting(descriptor) is False
        theirs.sendall(b"y")
        assert whole_message_waiting(descriptor) is True
        assert os.get_blocking(descriptor) is True  # looked at without changing the descriptor
    finally:
        ours.close()
        theirs.close()
