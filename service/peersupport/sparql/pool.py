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
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import socket
import struct
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from peersupport.sparql.negotiation import negotiate
from peersupport.sparql.results import (GRAPH_TYPES, SELECT_TYPES, ask_bytes, collect_rows, graph_bytes, limited_select_bytes, select_bytes,
                      written_by_oxigraph)
from peersupport.sparql.text import names_dataset, with_row_limit
from peersupport.store.loading import load_in_memory


@dataclass(frozen=True)
class QueryJob:
    query: str
    accept: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


def text_reply(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode())


def run_query(store: ox.Store, job: QueryJob, max_rows: int) -> Reply:
    """Run one query on ``store`` and serialise its results as ``job.accept`` prefers. A SELECT
    query is run limited to one row past the cap, so the work stops there."""
    options = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif job.named_graphs:
        options["default_graph"] = []
    elif not names_dataset(job.query):
        # The store keeps one named graph per file; without a dataset the default graph is their union.
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    limited = with_row_limit(job.query, max_rows + 1)
    try:
        try:
            result = store.query(limited or job.query, **options)
        except SyntaxError:
            if limited is None:
                raise
            limited, result = None, store.query(job.query, **options)  # the user's own text, for its own error
    except SyntaxError as error:
        return text_reply(400, f"SPARQL syntax error: {error}")
    except ValueError as error:
        return text_reply(400, f"invalid request: {error}")
    try:
        if limited is not None and isinstance(result, ox.QuerySolutions):
            media_type = negotiate(job.accept, SELECT_TYPES)
            if media_type is not None and written_by_oxigraph(media_type):
                body, truncated = limited_select_bytes(result, media_type, max_rows)
                return Reply(200, media_type + "; charset=utf-8", body, {"X-SPARQL-MaxRows": str(max_rows)} if truncated else {})
        return serialize_result(result, job.accept, max_rows)
    except OSError as error:
        return text_reply(500, f"the query failed while reading the store: {error}")


def serialize_result(result, accept: str | None, max_rows: int) -> Reply:
    """The reply for a query result (a boolean, solutions, or an iterable of triples), in the
    media type ``accept`` prefers, with at most ``max_rows`` rows or triples."""
    offers = SELECT_TYPES if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)) else GRAPH_TYPES
    media_type = negotiate(accept, offers)
    if media_type is None:
        return text_reply(406, f"none of the accepted media types can be served; this result can be: {', '.join(offers)}")
    headers = {}
    if isinstance(result, ox.QueryBoolean):
        body = ask_bytes(bool(result), media_type)
    elif isinstance(result, ox.QuerySolutions):
        variables, rows, truncated = collect_rows(result, max_rows)
        body = select_bytes(variables, rows, media_type)
        if truncated:
            headers["X-SPARQL-MaxRows"] = str(max_rows)
    else:
        triples = []
        for triple in result:
            if len(triples) == max_rows:
                headers["X-SPARQL-MaxRows"] = str(max_rows)
                break
            triples.append(triple)
        body = graph_bytes(triples, media_type)
    charset = "; charset=utf-8" if media_type.startswith("text/") or "json" in media_type or "xml" in media_type else ""
    return Reply(200, media_type + charset, body, headers)


def _die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies, even by kill -9, so no
    worker is left running a query for nobody (workers die with the holder, the holder with the
    server)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve_jobs(connection: Connection, store: ox.Store, max_rows: int) -> None:
    connection.send("ready")
    while True:
        job = connection.recv()
        if job is None:
            return
        connection.send(run_query(store, job, max_rows))


def _holder_main(control: socket.socket, generation: str, files: list, in_memory: bool, max_rows: int) -> None:
    """The holder: load the store (in memory) once, then fork a worker for each socket the pool
    sends, and tell the pool the worker's pid."""
    _die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps exited workers
    store = load_in_memory(Path(generation), files) if in_memory else None
    control.sendall(b"R")
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
                _serve_jobs(Connection(fds[0]), store if store is not None else ox.Store.read_only(generation), max_rows)
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

    def __init__(self, context, generation: str, files: list, in_memory: bool, max_rows: int):
        self.control, theirs = socket.socketpair()
        self.process = context.Process(target=_holder_main, args=(theirs, generation, files, in_memory, max_rows),
                                       name="query-worker-holder", daemon=True)
        self.process.start()
        theirs.close()
        self._lock = threading.Lock()
        if _receive_exactly(self.control, 1) != b"R":
            raise RuntimeError("the query worker holder could not load the store")

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
        self.connection, self.pid = holder.fork_worker()
        # Wait until the store is open, so start-up never counts against a query's time limit.
        try:
            ready = self.connection.poll(60) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop(kill=True)
            raise RuntimeError("a query worker could not open the store")

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

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
    worker up to the time limit, then has the time limit to run. A worker stopped for running
    too long is replaced in the background, so its 503 is answered at once. Create it on a
    long-lived thread: the holder dies with the thread that started it (PR_SET_PDEATHSIG)."""

    def __init__(self, generation: str, files: list | None = None, workers: int = 4, timeout: float = 10.0,
                 max_rows: int = 10_000, in_memory: bool = True):
        """``files``: the (name, path) pairs the generation was loaded from, which the in-memory
        copy is parsed from where they are unchanged."""
        self.timeout, self.max_rows = timeout, max_rows
        self._holder = _Holder(multiprocessing.get_context("spawn"), generation, list(files or []), in_memory, max_rows)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()  # the warmest worker first
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._add_worker()
        self._to_replace: queue.Queue[_Worker | None] = queue.Queue()
        self._replacer = threading.Thread(target=self._replace_workers, name="query-worker-replacer", daemon=True)
        self._replacer.start()

    def _add_worker(self) -> None:
        worker = _Worker(self._holder)
        with self._lock:
            if self._closed:
                worker.stop(kill=True)
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace_workers(self) -> None:
        while (worker := self._to_replace.get()) is not None:
            with self._lock:
                self._all.discard(worker)
            worker.stop(kill=True)
            try:
                self._add_worker()
            except RuntimeError:
                pass  # no worker can be started: the pool shrinks rather than the thread dying

    def execute(self, job: QueryJob) -> Reply:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return text_reply(503, f"all query workers are busy; try again (time limit {self.timeout:g} s)")
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self.timeout):
                worker.kill()  # stop the work now; the replacer starts a fresh worker
                self._to_replace.put(worker)
                return text_reply(503, f"query stopped: it ran longer than the time limit of {self.timeout:g} s")
            reply = worker.connection.recv()
        except (EOFError, OSError):
            self._to_replace.put(worker)
            return text_reply(500, "the query worker stopped unexpectedly; the query was not answered")
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        self._to_replace.put(None)
        self._replacer.join(30)
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()
        self._holder.close()
