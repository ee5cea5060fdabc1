"""A worker's private memory: read from smaps_rollup, grown by writing to pages shared since a fork,
and the budget past which a worker retires after a query."""

import os

import pytest

from peersupport.sparql import worker_memory
from peersupport.sparql.worker_memory import Budget, Retiring, give_back, private_mb, rollup


def test_rollup_reads_the_kilobyte_fields():
    fields = rollup()
    assert fields["Rss"] > 0 and fields["Pss"] > 0
    assert rollup(2**22 + 12345) == {}  # no such process


def test_writing_shared_pages_after_a_fork_makes_them_private():
    block = bytearray(64 * 2**20)  # written once: resident and private to this process
    block[::4096] = b"\1" * len(block[::4096])
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        before = private_mb()
        block[::4096] = b"\1" * len(block[::4096])  # the same bytes again: every page is copied
        after = private_mb()
        os.write(writing, f"{before} {after}".encode())
        os._exit(0)
    os.close(writing)
    before, after = (float(x) for x in os.read(reading, 100).split())
    os.waitpid(pid, 0)
    assert before < 16
    assert 63 <= after - before <= 66


def test_give_back_answers_a_boolean():
    assert give_back() in (True, False)


def test_a_quick_query_is_not_measured(monkeypatch):
    monkeypatch.setattr(worker_memory, "private_mb", lambda: pytest.fail("read after a quick query"))
    assert Budget(1.0).after("answer", 0.001) == "answer"


def test_over_budget_retires_with_the_answer(monkeypatch):
    monkeypatch.setattr(worker_memory, "private_mb", lambda: 40.0)
    assert Budget(32.0).after("answer", 1.0) == Retiring("answer", 40.0)
    assert Budget(64.0).after("answer", 1.0) == "answer"
    assert Budget(0).after("answer", 1.0) == "answer"  # 0: never retires


def test_the_default_budget_is_a_share_of_what_the_worker_was_forked_with(monkeypatch):
    monkeypatch.setattr(worker_memory, "rollup", lambda: {"Rss": 3_000 * 1024})
    assert Budget().limit_mb == pytest.approx(300.0)
    monkeypatch.setattr(worker_memory, "rollup", lambda: {"Rss": 100 * 1024})
    assert Budget().limit_mb == worker_memory.FLOOR_MB
