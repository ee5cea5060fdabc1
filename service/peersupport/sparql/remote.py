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
"""

from __future__ import annotations

import io
import time

import httpx
import pyoxigraph as ox

from peersupport.sparql.pool import QueryJob, Reply, serialize_result, text_reply
from peersupport.sparql.text import names_dataset

_RESULT_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                   "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                   "text/tab-separated-values": ox.QueryResultsFormat.TSV}
_GRAPH_FORMATS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
                  "application/rdf+xml": ox.RdfFormat.RDF_XML}
_ASK_FOR = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5"


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
            return text_reply(503, f"query stopped: the SPARQL endpoint did not answer within {self.timeout:g} s")
        except httpx.HTTPError:
            return text_reply(502, "the SPARQL endpoint behind this service did not answer")

    def _relay(self, response: httpx.Response, job: QueryJob, deadline: float) -> Reply:
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code != 200:
            response.read()
            return Reply(response.status_code, response.headers.get("content-type", "text/plain"), response.content)
        body = io.BufferedReader(_ResponseStream(response, deadline))
        try:
            if media_type in _RESULT_FORMATS:
                result = ox.parse_query_results(body, format=_RESULT_FORMATS[media_type])
            elif media_type in _GRAPH_FORMATS:
                result = (quad.triple for quad in ox.parse(body, format=_GRAPH_FORMATS[media_type]))
            else:
                return text_reply(502, f"the SPARQL endpoint behind this service answered in an unexpected format: {media_type or 'none'}")
            return serialize_result(result, job.accept, self.max_rows)
        except SyntaxError as error:
            return text_reply(502, f"the SPARQL endpoint behind this service sent a malformed answer: {error}")

    def close(self) -> None:
        self._client.close()
