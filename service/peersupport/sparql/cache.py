"""Answers to repeated queries, kept in memory while the server runs.

The embedded store is read-only while served (a new load means a new generation and a restart),
so an answer never goes stale: the same query text, dataset and ``Accept`` get the same bytes.
Only answers are kept (a failure is raised, so it never reaches the cache), least recently used
first out, within a byte budget that counts everything an entry holds: a job is kept as the
SHA-256 digest of its query text, ``Accept`` and dataset, never as the text (up to the size cap of
a query, 11 MB measured), and each entry is counted with its bookkeeping. The endpoint and the
catalogue share it; a remote endpoint's answers are not cached, as its data may change under us.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import replace

from peersupport.sparql.jobs import QueryJob, Reply, execute

# What an entry holds besides its answer's body (the digest, the headers, the dictionary's slot),
# so that many tiny answers cannot exceed the budget either.
ENTRY_OVERHEAD = 200


def job_key(job: QueryJob) -> bytes:
    """The job's digest: every part that changes the answer, each prefixed by its length."""
    digest = hashlib.sha256()
    for part in (job.query, job.accept or "", *job.default_graphs, "\0", *job.named_graphs):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.digest()


def _size(reply: Reply) -> int:
    return len(reply.body) + ENTRY_OVERHEAD + sum(len(k) + len(v) for k, v in reply.headers.items())


class CachedExecutor:
    """An executor answering repeated jobs from memory, and others through ``executor``. An
    answer larger than a quarter of the budget is not kept, so one result cannot flush the rest."""

    def __init__(self, executor, max_bytes: int):
        self.executor, self.max_bytes = executor, max_bytes
        self._answers: OrderedDict[bytes, Reply] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def held_bytes(self) -> int:
        """What the kept answers count against the budget."""
        return self._bytes

    def execute(self, job: QueryJob) -> Reply:
        key, reply = self._kept(job)
        if reply is not None:
            return reply
        return self._keep(key, self.executor.execute(job))  # a failure raises: nothing to keep

    async def execute_async(self, job: QueryJob) -> Reply:
        """As ``execute``, awaiting the executor without a thread where it can be awaited."""
        key, reply = self._kept(job)
        if reply is not None:
            return reply
        return self._keep(key, await execute(self.executor, job))

    def _kept(self, job: QueryJob) -> tuple[bytes, Reply | None]:
        """The job's key, and its kept answer marked ``X-Cache: hit`` (None when not kept)."""
        key = job_key(job)
        with self._lock:
            reply = self._answers.get(key)
            if reply is None:
                return key, None
            self._answers.move_to_end(key)
            return key, replace(reply, headers={**reply.headers, "X-Cache": "hit"})

    def _keep(self, key: bytes, reply: Reply) -> Reply:
        if _size(reply) <= self.max_bytes // 4:
            with self._lock:
                if key not in self._answers:
                    self._answers[key] = reply
                    self._bytes += _size(reply)
                while self._bytes > self.max_bytes:
                    _, dropped = self._answers.popitem(last=False)
                    self._bytes -= _size(dropped)
        return reply

    def health(self) -> dict:
        return self.executor.health()

    def close(self) -> None:
        self.executor.close()
