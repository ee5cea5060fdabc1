"""Answers to repeated queries, kept in memory while the server runs.

The embedded store is read-only while served (a new load means a new generation and a restart),
so an answer never goes stale: the same query text, dataset and ``Accept`` get the same bytes.
Only answers are kept (a failure is raised, so it never reaches the cache), least recently used first out, within a byte budget. The
endpoint and the catalogue share it; a remote endpoint's answers are not cached, as its data may
change under us.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

from peersupport.sparql.jobs import QueryJob, Reply


class CachedExecutor:
    """An executor answering repeated jobs from memory, and others through ``executor``. An
    answer larger than a quarter of the budget is not kept, so one result cannot flush the rest."""

    def __init__(self, executor, max_bytes: int):
        self.executor, self.max_bytes = executor, max_bytes
        self._answers: OrderedDict[QueryJob, Reply] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def execute(self, job: QueryJob) -> Reply:
        with self._lock:
            reply = self._answers.get(job)
            if reply is not None:
                self._answers.move_to_end(job)
                return replace(reply, headers={**reply.headers, "X-Cache": "hit"})
        reply = self.executor.execute(job)  # a failure raises: nothing to keep
        if len(reply.body) <= self.max_bytes // 4:
            with self._lock:
                if job not in self._answers:
                    self._answers[job] = reply
                    self._bytes += len(reply.body)
                while self._bytes > self.max_bytes:
                    _, dropped = self._answers.popitem(last=False)
                    self._bytes -= len(dropped.body)
        return reply

    def close(self) -> None:
        self.executor.close()
