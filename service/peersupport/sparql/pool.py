"""Running SPARQL queries in worker processes that can be stopped.

pyoxigraph cannot cancel a query from another thread, so each query runs in a worker process;
when a query outlives the time limit its worker is killed and another takes its place. With
several workers a fast query is answered while a slow one runs.

The workers are forked from one holder process. By default the holder loads the served
generation into an in-memory store once (Oxigraph answers from memory 5 to 10 times faster than
from its RocksDB store, measured on the benchmark queries at 10^5 triples), and every worker
forked from it starts sharing those pages copy-on-write, so a worker replacing a killed one is
ready in milliseconds. Oxigraph's reads update reference counts, so a worker copies the pages its
queries touch (measured: two thirds of the store after the catalogue queries), which also makes a
worker's first run of a query slower. Idle workers are therefore taken most recently used first:
under light load one warm worker answers, and the others stay shared until there is concurrency.
With ``in_memory=False`` each worker opens the on-disk generation read-only instead, for data
larger than memory. The holder is single-threaded (a fork keeps only the calling thread) and this
module imports no rdflib, so it starts quickly.

A supervisor thread watches the holder and the idle workers: a worker found dead is replaced,
and a holder found dead (the workers die with it) is started again, reloading the store, and
every worker with it; a replacement that fails is logged and tried again with a growing delay.
``health`` says how many workers are alive.

Each worker may take ``memory_mb`` of address space beyond what it was forked with (RLIMIT_AS):
Oxigraph aborts a process whose allocation fails, so a query needing more stops its own worker,
which is replaced, and the query gets a 503 saying so, rather than the machine running out of
memory. Answers are capped in bytes too (``max_bytes``).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import queue
import resource
import signal
import socket
import struct
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from peersupport.errors import Busy, InternalError, ServiceError, Timeout
from peersupport.sparql.awaited_reply import await_reply
from peersupport.sparql.execution import run_query
from peersupport.sparql.jobs import QueryJob, Reply
from peersupport.sparql.worker_memory import Budget, Retiring
from peersupport.sparql import holder_load
from peersupport.store.loading import LoadError, load_in_memory, parse_in_memory

log = logging.getLogger(__name__)
# A longer query text is written to a worker's pipe from a thread, not from the event loop.
INLINE_QUERY_CHARS = 64 * 1024


def _die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies, even by kill -9, so no
    worker is left running a query for nobody (workers die with the holder, the holder with the
    server)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_memory(memory_mb: float) -> None:
    """Let this process grow by ``memory_mb`` MiB of address space at the most (0: no limit)."""
    if memory_mb <= 0:
        return
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = size + int(memory_mb * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve_jobs(connection: Connection, store: ox.Store, limits: tuple) -> None:
    """A worker's loop: run each job sent and send back its reply, or the error that stopped it
    (the errors are picklable, and the pool raises them again)."""
    max_rows, max_bytes, memory_mb = limits
    _limit_memory(memory_mb)
    budget = Budget()
    connection.send("ready")
    while True:
        job = connection.recv()
        if job is None:
            return
        started = time.monotonic()
        try:
            answer = run_query(store, job, max_rows, max_bytes)
        except ServiceError as error:
            answer = error
        except Exception:  # the query is not answered, but the store is read-only: the worker goes on
            log.exception("query worker %d: the query failed", os.getpid())
            answer = InternalError("the query failed in the query engine; it was not answered")
        reply = budget.after(answer, time.monotonic() - started)
        connection.send(reply)
        if isinstance(reply, Retiring):
            return  # its copies of the store's pages go with it: a fresh fork takes its place


def _holder_main(control: socket.socket, generation: str | None, files: list, in_memory: bool, limits: tuple,
                 checksums: dict | None = None) -> None:
    """The holder: load the store (in memory) once, from ``generation`` and the files unchanged
    since it, or with no generation yet from the files alone, passing its progress to the pool;
    then fork a worker for each socket the pool sends, and tell the pool the worker's pid."""
    _die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps exited workers
    store = None
    if in_memory:
        report = holder_load.Forward(control)
        try:
            store = (load_in_memory(Path(generation), files, checksums, report) if generation is not None
                     else parse_in_memory(files, report))
        except (LoadError, OSError) as error:
            holder_load.send(control, ("failed", str(error)))
            return
    holder_load.send(control, ("ready",))
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1, 1)
        except OSError:
            return
        if not message or not fds:
            return  # the pool closed, or the server died
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                control.close()
                _die_with_parent()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _serve_jobs(Connection(fds[0]), store if store is not None else ox.Store.read_only(generation), limits)
                status = 0
            finally:
                os._exit(status)  # never return into the holder's loop
        os.close(fds[0])
        control.sendall(struct.pack("!i", pid))


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise RuntimeError("the query worker holder stopped")
        data += chunk
    return data


class _Holder:
    """The pool's side of the holder process."""

    def __init__(self, context, generation: str | None, files: list, in_memory: bool, limits: tuple,
                 checksums: dict | None = None):
        self.control, theirs = socket.socketpair()
        self.process = context.Process(target=_holder_main, name="query-worker-holder", daemon=True,
                                       args=(theirs, generation, files, in_memory, limits, checksums))
        self.process.start()
        theirs.close()
        self._lock = threading.Lock()
        try:
            holder_load.follow(self.control, _receive_exactly)
        except BaseException:
            self.close()
            raise

    def fork_worker(self) -> tuple[Connection, int]:
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):  # answers of a few MB pass in one go rather than in 200 kB turns
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        try:
            with self._lock:
                socket.send_fds(self.control, [b"F"], [theirs.fileno()])
                pid = struct.unpack("!i", _receive_exactly(self.control, 4))[0]
        except OSError as error:
            ours.close()
            raise RuntimeError(f"the query worker holder stopped: {error}") from None
        finally:
            theirs.close()
        return Connection(ours.detach()), pid

    def close(self) -> None:
        self.control.close()  # the holder's recv sees the end and it exits
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class _Worker:
    def __init__(self, holder: _Holder):
        self.busy = False  # running a query: its death is the query's to report
        self.connection, self.pid = holder.fork_worker()
        # Wait until the store is open, so start-up never counts against a query's time limit.
        try:
            ready = self.connection.poll(60) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop(kill=True)
            raise RuntimeError(f"query worker {self.pid} could not open the store")

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)  # the holder reaps its workers, so a dead one is gone, not a zombie
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.kill()
        self.connection.close()


class QueryPool:
    """A fixed number of worker processes over one store generation. A query waits for an idle
    worker up to the time limit (else ``Busy``), then has the time limit to run (else
    ``Timeout``). A worker stopped for running too long, or that died, is replaced in the
    background, so the error is raised at once. Create it on a long-lived thread: the holder dies
    with the thread that started it (PR_SET_PDEATHSIG)."""

    def __init__(self, generation: str | None, files: list | None = None, workers: int = 4, timeout: float = 10.0,
                 max_rows: int = 10_000, in_memory: bool = True, max_bytes: int | None = None, memory_mb: float = 0,
                 checksums: dict | None = None):
        """``files``: the (name, path) pairs the generation was loaded from, which the in-memory
        copy is parsed from where they are unchanged (``checksums``: their SHA-256 when just
        computed); with ``generation`` None (in memory only: the generation is still being
        built) the copy is parsed from the files alone, and a file that does not parse raises
        LoadError. ``max_bytes``: the answers' byte cap; ``memory_mb``: what each worker may take
        beyond the store (0: no limit)."""
        self.timeout, self.max_rows, self.size, self.memory_mb = timeout, max_rows, workers, memory_mb
        self._holder_args = (generation, list(files or []), in_memory, (max_rows, max_bytes, memory_mb), checksums)
        self._holder = self._start_holder()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()  # the warmest worker first
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._add_worker()
        self._to_replace: queue.Queue[tuple[_Worker, int, str] | None] = queue.Queue()
        self._replacer = threading.Thread(target=self._replace_workers, name="query-worker-replacer", daemon=True)
        self._replacer.start()
        self._stopping = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, name="query-worker-supervisor", daemon=True)
        self._supervisor.start()

    def _start_holder(self) -> _Holder:
        generation, files, in_memory, limits, checksums = self._holder_args
        started = time.monotonic()
        try:
            holder = _Holder(multiprocessing.get_context("spawn"), generation, files, in_memory, limits, checksums)
        except RuntimeError as error:
            log.error("could not start the query workers: %s", error)
            raise
        except LoadError as error:
            if not hasattr(self, "_holder"):
                raise  # the first start: the caller reports the file
            raise RuntimeError(str(error)) from None  # a restart: tried again, as any failure to start
        log.info("query worker holder %d ready in %.1f s (store %s)", holder.process.pid, time.monotonic() - started,
                 "in memory" if in_memory else "on disk")
        return holder

    def health(self) -> dict:
        """Whether queries can be answered: the holder alive and how many workers are."""
        with self._lock:
            live = sum(1 for worker in self._all if worker.alive())
        holder = self._holder.process.is_alive()
        return {"ok": holder and live > 0, "workers": live, "of": self.size, "holder": holder}

    def worker_pids(self) -> dict:
        """The pool's processes, for reading their memory: ``{"holder": pid, "workers": [pid, …]}``."""
        with self._lock:
            workers = sorted(worker.pid for worker in self._all)
        return {"holder": self._holder.process.pid, "workers": workers}

    def _supervise(self, every: float = 0.25) -> None:
        while not self._stopping.wait(every):
            if self._holder_dead():
                self._to_replace.put("holder")
                self._stopping.wait(1.0)  # the replacer restarts it; look again after
                continue
            with self._lock:
                dead = [worker for worker in self._all if not worker.busy and not worker.alive()]
            for worker in dead:  # the replacer skips a worker replaced already
                self._to_replace.put((worker, logging.WARNING, "had died"))

    def _add_worker(self) -> _Worker | None:
        try:
            worker = _Worker(self._holder)
        except RuntimeError as error:
            log.error("could not start a query worker: %s", error)
            raise
        with self._lock:
            if self._closed:
                worker.stop(kill=True)
                return None
            self._all.add(worker)
        log.info("query worker %d started", worker.pid)
        self._idle.put(worker)
        return worker

    def _replace(self, worker: _Worker, level: int, why: str) -> None:
        """Have the replacer thread stop ``worker`` and start another in its place."""
        self._to_replace.put((worker, level, why))

    def _replace_workers(self) -> None:
        while (item := self._to_replace.get()) is not None:
            if item == "holder":
                self._restart_holder()
                continue
            worker, level, why = item
            with self._lock:
                if worker not in self._all:
                    continue  # replaced already, or its holder restarted
                self._all.discard(worker)
            worker.stop(kill=True)
            # A dead holder cannot fork: restart it (and with it every worker) rather than wait on it.
            new = self._with_retries(self._add_worker, f"replacing query worker {worker.pid} (which {why})",
                                     give_up=self._holder_dead)
            if new is None and self._holder_dead():
                self._restart_holder()
            elif new is not None:
                log.log(level, "query worker %d replaced worker %d, which %s", new.pid, worker.pid, why)

    def _with_retries(self, start, what: str, give_up=lambda: False):
        """``start()``, tried again with a growing delay (0.1 s doubling to 30 s) until it works, the
        pool closes or ``give_up()`` says to stop; each failure logged."""
        delay = 0.1
        while not self._closed:
            try:
                return start()
            except RuntimeError as error:
                log.error("%s failed: %s; trying again in %.1f s (%d of %d workers alive)", what, error, delay,
                          len(self._all), self.size)
                if self._stopping.wait(delay) or give_up():
                    return None
                delay = min(delay * 2, 30.0)
        return None

    def _holder_dead(self) -> bool:
        return not self._holder.process.is_alive()

    def _restart_holder(self) -> None:
        """The holder died and its workers with it: start it again, then every worker."""
        if not self._holder_dead() or self._closed:
            return
        log.error("the query worker holder %d stopped (exit code %s): starting it again", self._holder.process.pid,
                  self._holder.process.exitcode)
        with self._lock:
            dead, self._all = list(self._all), set()
        for worker in dead:
            worker.stop(kill=True)
        while not self._idle.empty():  # the dead workers queued as idle
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        holder = self._with_retries(self._start_holder, "starting the query worker holder again")
        if holder is None:
            return
        old, self._holder = self._holder, holder
        old.control.close()
        for _ in range(self.size):
            self._with_retries(self._add_worker, "starting a query worker")
        log.warning("query worker holder %d restarted with %d workers", holder.process.pid, len(self._all))

    def execute(self, job: QueryJob) -> Reply:
        worker = self._take_worker(block=True)
        try:
            worker.connection.send(job)
            answered = worker.connection.poll(self.timeout)
            answer = worker.connection.recv() if answered else None
        except (EOFError, OSError):
            raise self._stopped_while_running(worker) from None
        return self._settle(worker, answered, answer)

    async def execute_async(self, job: QueryJob) -> Reply:
        """``execute`` awaited on the event loop: the loop watches the worker's pipe, so a small
        query costs no thread hop (which costs more than the query). A long query text, or no
        worker idle at once, takes ``execute`` on a thread instead: a long write to the pipe, or
        the wait for a worker, must not hold up the loop (see ``awaited_reply``)."""
        worker = self._take_worker(block=False) if len(job.query) <= INLINE_QUERY_CHARS else None
        if worker is None:
            import anyio

            return await anyio.to_thread.run_sync(self.execute, job)
        try:
            worker.connection.send(job)  # a short text into an idle worker's empty pipe: no wait
            answered, answer = await await_reply(worker.connection, self.timeout)
        except (EOFError, OSError):
            raise self._stopped_while_running(worker) from None
        except BaseException:  # cancelled: the worker's late reply would answer the next job
            worker.kill()
            self._replace(worker, logging.INFO, "was stopped when its request was cancelled")
            raise
        return self._settle(worker, answered, answer)

    def _take_worker(self, block: bool) -> _Worker | None:
        """An idle live worker, marked busy; without ``block`` None when none is idle now, else
        ``Busy`` when none came free within the time limit."""
        try:
            worker = self._idle.get(block, self.timeout)
            while not worker.alive():  # died while idle: the supervisor replaces it
                self._replace(worker, logging.WARNING, "had died")
                worker = self._idle.get(block, self.timeout)
        except queue.Empty:
            if not block:
                return None
            raise Busy(f"all {self.size} query workers are busy: none came free within the time limit of {self.timeout:g} s",
                       headers={"Retry-After": str(max(1, math.ceil(self.timeout)))}) from None
        worker.busy = True
        return worker

    def _stopped_while_running(self, worker: _Worker) -> Busy:
        self._replace(worker, logging.WARNING, "stopped while running a query")
        return Busy(self._died_message(), "Send the query again; if it stops again, ask for less (LIMIT, fewer columns).",
                    headers={"Retry-After": "1"})

    def _settle(self, worker: _Worker, answered: bool, answer) -> Reply:
        """The job's outcome: past the time limit the worker is killed (the replacer starts a
        fresh one) and ``Timeout`` raised; else the worker is idle again and its answer returned,
        or the error it sent raised."""
        if not answered:
            worker.kill()
            self._replace(worker, logging.INFO, f"was stopped at the time limit of {self.timeout:g} s")
            raise Timeout(f"query stopped: it ran longer than the time limit of {self.timeout:g} s")
        if isinstance(answer, Retiring):
            self._replace(worker, logging.INFO, f"retired holding {answer.private_mb:.0f} MB of its own memory")
            answer = answer.answer
        else:
            worker.busy = False
            self._idle.put(worker)
        if isinstance(answer, ServiceError):
            raise answer
        return answer

    def _died_message(self) -> str:
        why = (f"it may have needed more memory than a query worker may use ({self.memory_mb:g} MiB, "
               f"PEERSUPPORT_WORKER_MEMORY_MB), or it was stopped" if self.memory_mb else "it was stopped")
        return f"the query worker stopped while running this query ({why}); it is being replaced, and the query was not answered"

    def close(self) -> None:
        self._stopping.set()
        self._supervisor.join(5)
        self._to_replace.put(None)
        self._replacer.join(30)
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()
        self._holder.close()
        log.info("query workers stopped (%d) and their holder", len(workers))
