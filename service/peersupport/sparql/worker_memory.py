"""A query worker's own memory: how much of it is private (no longer shared with the holder it was
forked from), and giving back to the kernel what the allocator keeps after a query.

Why a worker's private memory grows, as measured (``docs/memory.md``): Oxigraph's in-memory store
writes on its read paths (each quad visited has its reference count raised and dropped, and its
version lock taken and released), so every page of quads a query walks is copied on write into
the worker, even though the copy ends up byte for byte the holder's page. The query's working
memory comes on top, and glibc's allocator keeps part of it after the query.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from pathlib import Path

_libc = None


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
