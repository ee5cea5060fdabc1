"""Sending queries to a remote SPARQL 1.1 endpoint instead of the embedded store (Oxigraph
server, Fuseki, Virtuoso, QLever): the same protocol checks run first, then the query is passed
on as a form-encoded POST.

The answer is asked for in one format we parse as it streams in (SPARQL JSON results, or
N-Triples for graphs), so the result-row cap holds as for the embedded store: reading stops at
the cap and the connection is closed, and the rows are then written in the media type the client
negotiated. The time limit covers the whole answer. The SPARQL protocol has no way to cancel a
query: closing the connection stops a server that streams its results (Oxigraph server does,
row by row), but a query that produces nothing until it ends (an aggregate) runs on there until
that server's own limit.

Failures are raised as errors of ``peersupport.errors``: the time limit as ``Timeout``, an
endpoint that cannot be reached or answers badly as ``UpstreamFailure``, and a query the
endpoint refuses (a 4xx answer) as ``BadRequest`` with the endpoint's own message.
"""

from __future__ import annotations

import io
import logging
import time

import httpx
import pyoxigraph as ox

from peersupport.errors import BadRequest, Busy, Timeout, UpstreamFailure
from peersupport.sparql.execution import serialize_result
from peersupport.sparql.jobs import QueryJob, Reply
from peersupport.sparql.text import names_dataset

_RESULT_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                   "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                   "text/tab-separated-values": ox.QueryResultsFormat.TSV}
_GRAPH_FORMATS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
                  "application/rdf+xml": ox.RdfFormat.RDF_XML}
_ASK_FOR = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5"
log = logging.getLogger(__name__)
ERROR_BODY_BYTES = 64 * 1024  # of an error answer, read at the most
# Answers about this service's access to the endpoint (its address, its credentials), not the query.
_NOT_THE_QUERY = {401, 403, 404, 405, 407}


class _Deadline(Exception):
    pass


class _ResponseStream(io.RawIOBase):
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
    def __init__(self, url: str, timeout: float = 10.0, max_rows: int = 10_000):
        self.url, self.timeout, self.max_rows = url, timeout, max_rows
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)

    def execute(self, job: QueryJob) -> Reply:
        form = {"query": job.query, "default-graph-uri": list(job.default_graphs),
                "named-graph-uri": list(job.named_graphs)}
        if not job.default_graphs and not job.named_graphs and not names_dataset(job.query):
            # As in the embedded store, the default graph is the union of the named graphs.
            # Oxigraph server reads this parameter; other servers ignore it (configure their union instead).
            form["union-default-graph"] = ""
        deadline = time.monotonic() + self.timeout
        try:
            with self._client.stream("POST", self.url, data=form, headers={"Accept": _ASK_FOR}) as response:
                return self._relay(response, job, deadline)
        except (httpx.TimeoutException, _Deadline):
            raise Timeout(f"query stopped: the SPARQL endpoint did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError:
            raise UpstreamFailure("the SPARQL endpoint behind this service did not answer") from None

    def health(self, seconds: float = 2.0) -> dict:
        """Whether the endpoint answers a trivial query within ``seconds``."""
        try:
            response = self._client.post(self.url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                                         timeout=seconds)
        except httpx.HTTPError as error:
            return {"ok": False, "endpoint": f"did not answer: {type(error).__name__}"}
        if response.status_code != 200:
            return {"ok": False, "endpoint": f"answered {response.status_code}"}
        return {"ok": True, "endpoint": "answers"}

    def _relay(self, response: httpx.Response, job: QueryJob, deadline: float) -> Reply:
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code != 200:
            raise _failure(response, _error_text(response, deadline))
        body = io.BufferedReader(_ResponseStream(response, deadline))
        try:
            if media_type in _RESULT_FORMATS:
                result = ox.parse_query_results(body, format=_RESULT_FORMATS[media_type])
            elif media_type in _GRAPH_FORMATS:
                result = (quad.triple for quad in ox.parse(body, format=_GRAPH_FORMATS[media_type]))
            else:
                raise UpstreamFailure(f"the SPARQL endpoint behind this service answered in an unexpected format: {media_type or 'none'}")
            return serialize_result(result, job.accept, self.max_rows)
        except SyntaxError as error:
            raise UpstreamFailure(f"the SPARQL endpoint behind this service sent a malformed answer: {error}") from None

    def close(self) -> None:
        self._client.close()


def _error_text(response: httpx.Response, deadline: float) -> str:
    """The start of an error answer's body (``ERROR_BODY_BYTES`` at the most), as text."""
    body = io.BufferedReader(_ResponseStream(response, deadline)).read(ERROR_BODY_BYTES)
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
