"""A query worker's own memory: how much of it is private (no longer shared with the holder it was
forked from), and giving back to the kernel what the allocator keeps after a query.

Why a worker's private memory grows, as measured (``docs/memory.md``): Oxigraph's in-memory store
writes on its read paths (each quad visited has its reference count raised and dropped, and its
version lock taken and released), so every page of quads a query walks is copied on write into
the worker, even though the copy ends up byte for byte the holder's page. The query's working
memory comes on top, and glibc's allocator keeps part of it after the query.

So the copies cannot be avoided from Python (pyoxigraph 0.5 holds the GIL while a query runs and
cannot cancel one, so threads over one store are no way out), only dropped: a worker whose
private memory passed its ``Budget`` after a query retires, and a fresh fork, sharing everything
again, takes its place (a fork costs milliseconds; a query's first run in a fresh worker was
measured no slower than its second, at 10^6 triples). ``malloc_trim`` after each heavy query gives
the query's working memory back between retirements.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from pathlib import Path

_libc = None
# Of the store a worker was forked with (its RSS then), the share it may copy before it retires.
SHARE = 0.1
FLOOR_MB = 32.0  # nor retire below this: the interpreter's own pages are private too
# A query quicker than this cannot have copied much, and reading smaps_rollup costs about 3 ms
# per 10^6 triples of store (the kernel walks the page tables): it is not read after such queries.
CHECK_AFTER_SECONDS = 0.02


@dataclass
class Retiring:
    """A worker's reply when it retires after this answer: the pool sends the answer on and starts
    a fresh worker in this one's place, instead of taking it back as idle."""

    answer: object
    private_mb: float


def rollup(pid: int | str = "self") -> dict[str, int]:
    """The kB fields of ``/proc/PID/smaps_rollup`` (Rss, Pss, Private_Dirty, …); {} when gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    fields = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            fields[name] = int(parts[0])
    return fields


def private_mb(pid: int | str = "self") -> float:
    """MiB this process holds alone: pages it wrote since its fork, and those it allocated."""
    fields = rollup(pid)
    return round((fields.get("Private_Dirty", 0) + fields.get("Private_Clean", 0)) / 1024, 1)


def give_back() -> bool:
    """``malloc_trim(0)``: return to the kernel the free memory glibc's allocator keeps, in every
    arena and inside the heap, not only at its top. True when some was released; False too where
    there is no glibc."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _libc = False
    return bool(_libc and _libc.malloc_trim(0))


class Budget:
    """The private memory a worker may hold after a query before it retires: ``SHARE`` of what it
    was forked with (so about that share of the store per worker), at least ``FLOOR_MB``; or
    ``limit_mb`` when given (0: never retire)."""

    def __init__(self, limit_mb: float | None = None):
        if limit_mb is None:
            limit_mb = max(FLOOR_MB, SHARE * rollup().get("Rss", 0) / 1024)
        self.limit_mb = limit_mb

    def after(self, answer, seconds: float):
        """What the worker sends for ``answer`` of a query that ran ``seconds``: the answer, or
        ``Retiring(answer)`` when its private memory is over the budget."""
        if not self.limit_mb or seconds < CHECK_AFTER_SECONDS:
            return answer
        give_back()
        held = private_mb()
        return Retiring(answer, held) if held > self.limit_mb else answer
