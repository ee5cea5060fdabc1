"""Sending queries to a remote SPARQL 1.1 endpoint instead of the embedded store (Oxigraph
server, Fuseki, Virtuoso, QLever): the same protocol checks run first, then the query is passed
on as a form-encoded POST, shaped for the engine's profile (``sparql.engines``: how the default
graph is the union of the named graphs, what to ask for, how parameters are bound).

The answer is asked for in formats we parse as it streams in (SPARQL JSON results, or
N-Triples for graphs), so the result-row cap holds as for the embedded store: reading stops at
the cap and the connection is closed, and the rows are then written in the media type the client
negotiated (a boolean in its canonical form ``true``/``false``: Virtuoso writes every boolean as
``1``/``0``). The time limit covers the whole answer. The SPARQL protocol has no way to cancel a
query: closing the connection stops a server that streams its results (Oxigraph server does,
row by row), but a query that produces nothing until it ends (an aggregate) runs on there until
that server's own limit.

Failures are raised as errors of ``peersupport.errors``: the time limit as ``Timeout``, an
endpoint that cannot be reached at all (connection refused, no connection within the time limit)
as ``EngineUnavailable`` (503, ``Retry-After``, as the validator says it), one that answers badly
(a 5xx, a malformed answer, a connection broken off) as ``UpstreamFailure`` (502), and a query the
endpoint refuses (a 4xx answer) as ``BadRequest`` with the endpoint's own message. No message names
the endpoint's address: the person asking has no use for it, and it is the operators' business.
"""

from __future__ import annotations

import io
import json
import logging
import time

import httpx
import pyoxigraph as ox

from peersupport.errors import BadRequest, Busy, EngineUnavailable, Timeout, UpstreamFailure
from peersupport.sparql import engines
from peersupport.sparql.execution import serialize_result
from peersupport.sparql.jobs import QueryJob, Reply
from peersupport.sparql.text import names_dataset
from peersupport.store.loading import LOADED_HASHES  # the hashes of the files loaded, not data

_RESULT_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                   "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                   "text/tab-separated-values": ox.QueryResultsFormat.TSV}
_GRAPH_FORMATS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
                  "application/rdf+xml": ox.RdfFormat.RDF_XML}
GRAPH_LIST_LIMIT = 10_000  # graphs named for an engine whose default graph is not their union, at the most
GRAPH_LIST_SECONDS = 5.0  # how long the engine's list of graphs is kept: a graph loaded later is soon nameable
GRAPH_LIST_BYTES = 16 * 1024 * 1024  # of the engine's answer listing its graphs, read at the most
# A graph no engine holds: the default graph of an engine holding no graph of its own is empty.
NO_GRAPH = "urn:peersupport:no-graph"
log = logging.getLogger(__name__)
ERROR_BODY_BYTES = 64 * 1024  # of an error answer, read at the most
# Answers about this service's access to the endpoint (its address, its credentials), not the query.
_NOT_THE_QUERY = {401, 403, 404, 405, 407}
# No connection was made: the engine is down or unreachable (ConnectTimeout is also a TimeoutException).
_UNREACHABLE = (httpx.ConnectError, httpx.ConnectTimeout)


class _Deadline(Exception):
    pass


class ResponseStream(io.RawIOBase):
    """The body of a streamed response as a file, read only as far as the parser asks, and
    refusing to read past the query's deadline."""

    def __init__(self, response: httpx.Response, deadline: float):
        self._chunks, self._deadline, self._pending = response.iter_bytes(), deadline, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            if time.monotonic() > self._deadline:
                raise _Deadline()
            self._pending = next(self._chunks, None)
            if self._pending is None:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size


class RemoteEndpoint:
    """``engine``: a name of ``engines.ENGINES``, or "auto" to tell it from the endpoint's first
    answer; ``auth`` and ``headers`` go with every request (``engines.credentials`` reads them
    from the environment when not given)."""

    def __init__(self, url: str, timeout: float = 10.0, max_rows: int = 10_000, engine: str = "auto",
                 auth: httpx.Auth | None = None, headers: dict[str, str] | None = None):
        self.url, self.timeout, self.max_rows = url, timeout, max_rows
        if auth is None and headers is None:
            auth, headers = engines.credentials()
        self._engine = engines.ENGINES.get(engine)
        self._graphs: tuple[float, list[str]] | None = None
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, auth=auth, headers=headers)

    @property
    def engine(self) -> engines.Engine:
        """The engine's profile, asked of the endpoint once when it was not given."""
        if self._engine is None:
            # A GET without a query (a service description, a page or an error): only its
            # headers are read, so no query runs and an endless body is never waited for.
            try:
                with self._client.stream("GET", self.url, headers={"Accept": "text/turtle"},
                                         timeout=min(self.timeout, 5.0)) as response:
                    server = response.headers.get("server")
            except httpx.HTTPError:
                return engines.ENGINES["generic"]  # for now: asked again next time
            self._engine = engines.detect(server)
            log.info("the SPARQL endpoint %s is taken for %s", self.url, self._engine.name)
        return self._engine

    def graphs(self) -> list[str]:
        """The graphs the engine holds (its system graphs left out), at most ``GRAPH_LIST_LIMIT``,
        kept ``GRAPH_LIST_SECONDS``."""
        if self._graphs is not None and time.monotonic() - self._graphs[0] < GRAPH_LIST_SECONDS:
            return self._graphs[1]
        query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {GRAPH_LIST_LIMIT + 100}"
        deadline = time.monotonic() + self.timeout
        try:  # streamed, read within the time limit and up to a size: an endpoint may never stop sending
            with self._client.stream("POST", self.url, data={"query": query},
                                     headers={"Accept": "application/sparql-results+json"}) as response:
                if response.status_code != 200:
                    raise _failure(response, _error_text(response, deadline))
                body = io.BufferedReader(ResponseStream(response, deadline)).read(GRAPH_LIST_BYTES + 1)
        except _UNREACHABLE as error:
            raise _unreachable(error) from None
        except (httpx.TimeoutException, _Deadline):
            raise Timeout(f"the SPARQL endpoint did not list its graphs within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise _broken_off(error) from None
        try:
            if len(body) > GRAPH_LIST_BYTES:
                raise ValueError("too long")
            rows = json.loads(body)["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise UpstreamFailure("the SPARQL endpoint behind this service sent a malformed list of its graphs") from None
        found = sorted(row["g"]["value"] for row in rows if "g" in row and row["g"]["value"] != LOADED_HASHES
                       and not self.engine.is_system_graph(row["g"]["value"]))
        self._graphs = (time.monotonic(), found[:GRAPH_LIST_LIMIT])
        return self._graphs[1]

    def form(self, job: QueryJob) -> dict:
        """The form posted for ``job``, shaped for the engine."""
        engine = self.engine
        query = engines.bind_in_place(job.query) if engine.bind_in_place else job.query
        form = {"query": query, "default-graph-uri": list(job.default_graphs), "named-graph-uri": list(job.named_graphs)}
        if not job.default_graphs and not job.named_graphs and not names_dataset(job.query):
            # As in the embedded store, the default graph is the union of the named graphs.
            if engine.union == "parameter":
                form["union-default-graph"] = ""
            else:  # named, so that the engine's own graphs (Virtuoso's virtrdf#) are not counted
                graphs = self.graphs() or [NO_GRAPH]
                form["default-graph-uri"], form["named-graph-uri"] = graphs, graphs
        return form

    def execute(self, job: QueryJob) -> Reply:
        form = self.form(job)
        deadline = time.monotonic() + self.timeout
        try:
            with self._client.stream("POST", self.url, data=form, headers={"Accept": self.engine.accept(job.query)}) as response:
                return self._relay(response, job, deadline)
        except _UNREACHABLE as error:
            raise _unreachable(error) from None
        except (httpx.TimeoutException, _Deadline):
            raise Timeout(f"query stopped: the SPARQL endpoint did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise _broken_off(error) from None

    def health(self, seconds: float = 2.0) -> dict:
        """Whether the endpoint answers a trivial query within ``seconds``."""
        try:
            response = self._client.post(self.url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                                         timeout=seconds)
        except (*_UNREACHABLE, httpx.TimeoutException) as error:  # 503 from the proxy too
            return {"ok": False, "endpoint": f"did not answer: {type(error).__name__}"}
        except httpx.HTTPError as error:  # a 502 from the proxy
            return {"ok": False, "endpoint": f"broke off its answer: {type(error).__name__}"}
        if response.status_code != 200:
            return {"ok": False, "endpoint": f"answered {response.status_code}"}
        return {"ok": True, "endpoint": "answers"}

    def _relay(self, response: httpx.Response, job: QueryJob, deadline: float) -> Reply:
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code != 200:
            raise _failure(response, _error_text(response, deadline))
        body = io.BufferedReader(ResponseStream(response, deadline))
        try:
            if media_type in _RESULT_FORMATS:
                result = ox.parse_query_results(body, format=_RESULT_FORMATS[media_type])
            elif media_type in _GRAPH_FORMATS:
                result = (quad.triple for quad in ox.parse(body, format=_GRAPH_FORMATS[media_type]))
            else:
                raise UpstreamFailure(f"the SPARQL endpoint behind this service answered in an unexpected format: {media_type or 'none'}")
            return serialize_result(result, job.accept, self.max_rows, canonical=True)
        except SyntaxError as error:
            raise UpstreamFailure(f"the SPARQL endpoint behind this service sent a malformed answer: {error}") from None

    def close(self) -> None:
        self._client.close()


def _unreachable(error: httpx.HTTPError) -> EngineUnavailable:
    log.warning("the SPARQL endpoint cannot be reached: %s: %s", type(error).__name__, error)
    return EngineUnavailable(f"the SPARQL engine behind this service did not answer ({type(error).__name__})")


def _broken_off(error: httpx.HTTPError) -> UpstreamFailure:
    """A connection made, then broken before a whole answer (the engine closed it, or crashed)."""
    log.warning("the SPARQL endpoint broke off its answer: %s: %s", type(error).__name__, error)
    return UpstreamFailure(f"the SPARQL endpoint behind this service broke off its answer ({type(error).__name__})")


def _error_text(response: httpx.Response, deadline: float) -> str:
    """The start of an error answer's body (``ERROR_BODY_BYTES`` at the most), as text."""
    body = io.BufferedReader(ResponseStream(response, deadline)).read(ERROR_BODY_BYTES)
    return body.decode(response.encoding or "utf-8", errors="replace").strip()


def _failure(response: httpx.Response, text: str):
    """The error for an answer other than 200: the endpoint refusing the query is the client's
    to correct (400, with the endpoint's message); anything else is the endpoint's failure."""
    status = response.status_code
    if 400 <= status < 500 and status not in _NOT_THE_QUERY:
        if status == 429:
            retry = response.headers.get("retry-after")
            return Busy("the SPARQL endpoint behind this service is busy", headers={"Retry-After": retry} if retry else None)
        return BadRequest(f"the SPARQL endpoint refused the query: {text or status}")
    log.warning("the SPARQL endpoint %s answered with status %d: %s", response.url, status, text)
    return UpstreamFailure(f"the SPARQL endpoint behind this service failed (it answered with status {status})")
