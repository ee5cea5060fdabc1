"""Starting the embedded store for serving: the query pool, with the store generation on disk
built beside it rather than in front of it.

With the in-memory store (the default) queries never read the generation, so when the files
changed the pool's holder parses them into memory and the service answers as soon as that copy
is in; then another process (niced: queries come first) builds the new generation with
``prepare_store``, which keeps its guarantees: ``CURRENT`` names it only once it is complete, and
what a crash left is deleted at the next start. The builder dies with the server
(PR_SET_PDEATHSIG), so it never switches ``CURRENT`` behind a newer start; a server stopped
before the generation is complete builds it again at its next start. A file that does not parse
stops the start (LoadError, naming its line and column) before any generation is begun. Building
the generation beside the parse rather than after it was measured slower to serve on 2 cores
(10^6 triples: 3.8-4.5 s against 3.6 s until /healthz answers). When the generation is up to
date the holder reads it as before, and with ``--query-store disk`` the generation is built
first, since the workers read it. The files' SHA-256 (the manifest's) are computed while the
holder parses when no generation holds the same files (none could then be up to date; 10^7
triples, a 1.4 GB file, took 4.3 s to hash on a busy machine), and before the parse only when
one does, since only they can tell whether it is up to date.

``peersupport serve`` starts the pool before the web server (``prestart``), so that a broken
file is reported plainly rather than as a failed start-up, and the app's lifespan takes that
pool (``pool_for``), or starts one itself when it was made another way.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from peersupport.settings import Settings
from peersupport.sparql.pool import QueryPool, _die_with_parent
from peersupport.store.loading import LoadError, checksums_of, prepare_store, same_files_generation, up_to_date

log = logging.getLogger(__name__)
BUILDER_NICENESS = 19
_prestarted: dict[int, QueryPool] = {}


def prestart(settings: Settings) -> None:
    """Start the pool for ``settings`` now, for ``pool_for`` to hand to the app. Raises LoadError."""
    _prestarted[id(settings)] = start_pool(settings)


def pool_for(settings: Settings) -> QueryPool:
    """The pool ``prestart`` started for these settings, else a new one."""
    return _prestarted.pop(id(settings), None) or start_pool(settings)


def start_pool(settings: Settings) -> QueryPool:
    """The query pool over the files of ``settings``, serving as soon as it can (see the module)."""
    options = {"workers": settings.workers, "timeout": settings.timeout, "max_rows": settings.max_rows,
               "in_memory": settings.in_memory, "max_bytes": settings.max_result_bytes,
               "memory_mb": settings.worker_memory_mb}
    if not settings.in_memory:
        return QueryPool(str(prepare_store(settings.store, settings.files)), settings.files, **options)
    if same_files_generation(settings.store, settings.files) is None:
        # No content could make the generation up to date: the files are parsed without waiting
        # for their SHA-256 (the builder's), hashed here while the holder parses.
        generation = None
        with ThreadPoolExecutor(1, thread_name_prefix="checksums") as hashing:
            hashed = hashing.submit(checksums_of, settings.files)
            pool = QueryPool(None, settings.files, **options)
        checksums = hashed.result()
    else:
        generation, checksums = up_to_date(settings.store, settings.files)
        pool = QueryPool(str(generation) if generation else None, settings.files, checksums=checksums, **options)
    if generation is None:  # after the parse rather than beside it: 1e6 served in 3.6 s rather than 3.8-4.5 s
        builder = multiprocessing.get_context("spawn").Process(
            target=_build, name="store-generation-builder", daemon=True,
            args=(settings.store, settings.files, checksums, settings.log_level, settings.log_format))
        builder.start()
        log.info("building the store generation on disk in process %d, while the in-memory copy is served", builder.pid)
    return pool


def _build(location: Path, files: list, checksums: dict, log_level: str, log_format: str) -> None:
    """The builder process: ``prepare_store`` at a lower priority, logging as the server does."""
    from peersupport.logs import configure

    _die_with_parent()
    os.nice(BUILDER_NICENESS)
    configure(log_level, log_format)
    try:
        prepare_store(location, files, checksums)
    except LoadError as error:  # the file changed since the holder parsed it
        log.error("the store generation was not built: %s", error)
