"""Running SPARQL queries in worker processes that can be stopped.

pyoxigraph cannot cancel a query from another thread, so each query runs in a worker process
holding the store open read-only; when a query outlives the time limit its worker is killed and
a fresh one takes its place. With several workers a fast query is answered while a slow one runs.
This module imports no rdflib, so workers start quickly.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from .negotiation import negotiate
from .results import GRAPH_TYPES, SELECT_TYPES, ask_bytes, collect_rows, graph_bytes, select_bytes
from .sparql_text import names_dataset


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
    """Run one query on ``store`` and serialise its results as ``job.accept`` prefers."""
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
    try:
        result = store.query(job.query, **options)
    except SyntaxError as error:
        return text_reply(400, f"SPARQL syntax error: {error}")
    except ValueError as error:
        return text_reply(400, f"invalid request: {error}")
    try:
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
    """Linux: have the kernel kill this worker when the server process dies, even by kill -9, so
    no worker is left running a query for nobody."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_main(connection, store_path: str, max_rows: int) -> None:
    _die_with_parent()
    store = ox.Store.read_only(store_path)
    connection.send("ready")
    while True:
        job = connection.recv()
        if job is None:
            return
        connection.send(run_query(store, job, max_rows))


class QueryTimeout(Exception):
    pass


class _Worker:
    def __init__(self, context, store_path: str, max_rows: int):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, store_path, max_rows), daemon=True)
        self.process.start()
        child.close()
        # Wait until the store is open, so start-up never counts against a query's time limit.
        if not self.connection.poll(60) or self.connection.recv() != "ready":
            self.stop(kill=True)
            raise RuntimeError("a query worker could not open the store")

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class QueryPool:
    """A fixed number of worker processes over one read-only store. A query waits for an idle
    worker up to the time limit, then has the time limit to run. A worker stopped for running
    too long is replaced in the background, so its 503 is answered at once."""

    def __init__(self, store_path: str, workers: int = 4, timeout: float = 10.0, max_rows: int = 10_000):
        self.store_path, self.timeout, self.max_rows = store_path, timeout, max_rows
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._add_worker()
        # Workers die with the thread that started them (PR_SET_PDEATHSIG), so replacements are
        # started by one long-lived thread, never by a short-lived request thread.
        self._to_replace: queue.Queue[_Worker | None] = queue.Queue()
        self._replacer = threading.Thread(target=self._replace_workers, name="query-worker-replacer", daemon=True)
        self._replacer.start()

    def _add_worker(self) -> None:
        worker = _Worker(self._context, self.store_path, self.max_rows)
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
                pass  # the store cannot be opened: the pool shrinks rather than the thread dying

    def execute(self, job: QueryJob) -> Reply:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return text_reply(503, f"all query workers are busy; try again (time limit {self.timeout:g} s)")
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self.timeout):
                worker.process.kill()  # stop the work now; the replacer starts a fresh worker
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
