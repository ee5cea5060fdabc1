"""What a query executor is given and gives back, shared by the protocol router, the catalogue,
the worker pool, the result cache and the remote endpoint.

A ``Reply`` is always an answer: an executor that cannot answer raises one of the errors of
``peersupport.errors`` (which a worker process can send back through its pipe), and the web
application's error handler turns it into the HTTP answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import anyio


@dataclass(frozen=True)
class QueryJob:
    query: str
    accept: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def __reduce__(self):  # pickled as its fields: a dataclass's default pickling costs 7 µs a way, per query
        return QueryJob, (self.query, self.accept, self.default_graphs, self.named_graphs)


@dataclass(frozen=True)
class Reply:
    media_type: str
    body: bytes
    headers: dict = field(default_factory=dict)

    def __reduce__(self):  # as QueryJob's
        return Reply, (self.media_type, self.body, self.headers)


class Executor(Protocol):
    def execute(self, job: QueryJob) -> Reply: ...

    def health(self) -> dict:
        """``{"ok": bool, ...}``: whether queries can be answered now, with what the executor
        knows of why (``/healthz`` answers 503 when not ok)."""

    def close(self) -> None: ...


async def execute(executor: Executor, job: QueryJob) -> Reply:
    """The executor's reply, awaited: on the event loop where the executor can be awaited
    (``execute_async``: the query pool, the result cache in front of it), else on a thread."""
    awaitable = getattr(executor, "execute_async", None)
    if awaitable is not None:
        return await awaitable(job)
    return await anyio.to_thread.run_sync(executor.execute, job)
