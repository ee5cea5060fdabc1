"""The query pool awaited on the event loop (``QueryPool.execute_async``): the same answers,
time limit, row and byte caps as ``execute``, a stopped or cancelled worker replaced, and the
loop free while a worker runs."""

import asyncio
import json
import logging
import os
import re
import signal

import pytest

from peersupport.errors import AnswerTooLarge, Busy, Timeout
from peersupport.sparql.execution import MAX_ROWS_HEADER
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.pool import INLINE_QUERY_CHARS, QueryPool
from peersupport.store.loading import prepare_store

JSON = "application/sparql-results+json"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = QueryJob("ASK { ?s ?p ?o }", JSON)


@pytest.fixture(scope="module")
def generation(tmp_path_factory):
    folder = tmp_path_factory.mktemp("async-pool")  # 2,000 triples: SLOW joins 8·10^9 rows
    data = folder / "triples.nt"
    data.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n' for i in range(2000)))
    files = [("local/triples.nt", data)]
    return str(prepare_store(folder / "store", files)), files


def make_pool(generation, **options) -> QueryPool:
    location, files = generation
    return QueryPool(location, files, **{"workers": 1, "timeout": 30, **options})


def test_answers_as_execute_does_with_the_row_cap(generation):
    pool = make_pool(generation, max_rows=2)
    try:
        job = QueryJob("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", JSON)
        awaited = asyncio.run(pool.execute_async(job))
        assert awaited == pool.execute(job)
        assert [b["s"]["value"] for b in json.loads(awaited.body)["results"]["bindings"]] == \
            ["http://example.org/s0", "http://example.org/s1"]
        assert awaited.headers == {MAX_ROWS_HEADER: "2"}
    finally:
        pool.close()


def test_an_answer_over_the_byte_cap_is_refused(generation):
    pool = make_pool(generation, max_bytes=500)
    try:
        with pytest.raises(AnswerTooLarge, match=r"more than this service sends \(500 bytes"):
            asyncio.run(pool.execute_async(QueryJob('SELECT ?v WHERE { VALUES ?v { "' + "x" * 600 + '" } }', JSON)))
        assert json.loads(asyncio.run(pool.execute_async(ASK)).body) == {"head": {}, "boolean": True}
    finally:
        pool.close()


def test_the_time_limit_stops_the_worker_and_the_loop_runs_meanwhile(generation):
    pool = make_pool(generation, timeout=1)

    async def run():
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
        waited, ticks, after = asyncio.run(run())
        assert 1.0 <= waited < 1.5
        assert ticks >= 10  # the loop was not held while the worker ran
        assert json.loads(after.body)["boolean"] is True
    finally:
        pool.close()


def test_a_worker_that_dies_is_a_503_to_retry(generation, caplog):
    with caplog.at_level(logging.INFO, logger="peersupport.sparql.pool"):
        pool = make_pool(generation)

        async def run():
            worker = int(re.search(r"query worker (\d+) started", caplog.text).group(1))
            asyncio.get_running_loop().call_later(0.3, os.kill, worker, signal.SIGKILL)
            with pytest.raises(Busy, match="the query worker stopped while running this query") as died:
                await pool.execute_async(QueryJob(SLOW, JSON))
            return died.value

        try:
            error = asyncio.run(run())
            assert (error.status, error.headers) == (503, {"Retry-After": "1"})
            assert json.loads(pool.execute(ASK).body)["boolean"] is True
        finally:
            pool.close()


def test_a_cancelled_query_does_not_answer_the_next_one(generation, caplog):
    pool = make_pool(generation)

    async def run():
        running = asyncio.create_task(pool.execute_async(QueryJob(SLOW, JSON)))
        await asyncio.sleep(0.3)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        return await pool.execute_async(QueryJob("SELECT ?n WHERE { VALUES ?n { 7 } }", JSON))

    try:
        with caplog.at_level(logging.INFO, logger="peersupport.sparql.pool"):
            reply = asyncio.run(run())
        assert [b["n"]["value"] for b in json.loads(reply.body)["results"]["bindings"]] == ["7"]
        assert "was stopped when its request was cancelled" in caplog.text
    finally:
        pool.close()


def test_with_no_worker_idle_a_query_waits_for_one(generation):
    pool = make_pool(generation)

    async def run():
        jobs = [QueryJob(f"SELECT ?n WHERE {{ VALUES ?n {{ {n} }} }}", JSON) for n in range(3)]
        return await asyncio.gather(*(pool.execute_async(job) for job in jobs))

    try:
        replies = asyncio.run(run())
        assert [json.loads(r.body)["results"]["bindings"][0]["n"]["value"] for r in replies] == ["0", "1", "2"]
    finally:
        pool.close()


def test_a_long_query_text_is_answered_too(generation):
    pool = make_pool(generation)
    try:
        long_query = "ASK { ?s ?p ?o }" + " " * INLINE_QUERY_CHARS
        assert json.loads(asyncio.run(pool.execute_async(QueryJob(long_query, JSON))).body)["boolean"] is True
    finally:
        pool.close()
