"""Reading graphs out of a remote SPARQL engine, to validate them (``peersupport validate
--endpoint URL [--graph G]``), with read-only queries only: nothing is written to the engine.
Without ``--graph``, every graph the engine holds is read (its system graphs and the load
manifest left out, as ``RemoteEndpoint.graphs`` lists them).

``EngineReader`` asks the engine SELECT and CONSTRUCT queries over the merge of the graphs read
(``FROM`` each of them), as validating them locally merges them; ``read_graphs`` reads them whole
into one local graph (``PEERSUPPORT_REMOTE_BATCH=0``), while ``store.batched_validation`` reads
them batch by batch. ``EngineReader.stream`` reads a SELECT's rows as they arrive, for a
listing longer than memory should hold (``remote_batches.pages``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pyoxigraph as ox
from rdflib import Graph

from peersupport.sparql.engines import GRAPH_ACCEPT, RESULTS_ACCEPT, credentials
from peersupport.sparql.remote import RemoteEndpoint, ResponseStream

_STREAMED_RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                     "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                     "text/tab-separated-values": ox.QueryResultsFormat.TSV}

_RDF_FORMATS = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle",
                "application/rdf+xml": "xml"}


class RemoteReadError(Exception):
    """The engine could not be reached, or refused to give a graph; the message names it."""


class EngineUnreachable(RemoteReadError):
    """The engine did not answer at all (down, or past the client's time limit): worth trying again."""


def iri(text: str) -> ox.NamedNode:
    """``text`` as an IRI term, checked (written into queries only so, as web/store_reads.iri_term does)."""
    try:
        return ox.NamedNode(text)
    except ValueError:
        raise RemoteReadError(f"{text!r} is not an IRI") from None


class EngineReader:
    """Read-only queries to the engine at ``endpoint`` over the merge of ``graphs`` (all of the
    engine's when empty); a context manager holding one HTTP client."""

    def __init__(self, endpoint: str, graphs: list[str], engine_name: str = "auto", timeout: float = 120.0):
        self.endpoint = endpoint
        names = [iri(name).value for name in graphs]  # refused before the engine is asked anything
        remote = RemoteEndpoint(endpoint, timeout=timeout, engine=engine_name)
        try:
            self.engine = remote.engine
            try:
                self.graphs = names or remote.graphs()
            except Exception as error:  # Timeout or UpstreamFailure, said for the command line
                raise RemoteReadError(f"cannot list the graphs of {endpoint}: {error}") from None
        finally:
            remote.close()
        auth, headers = credentials(scheme=self.engine.auth)
        self.client = httpx.Client(timeout=timeout, trust_env=False, auth=auth, headers=headers)
        self.dataset = " ".join(f"FROM {iri(name)}" for name in self.graphs)

    def __enter__(self) -> "EngineReader":
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def _ask(self, query: str, accept: str, what: str) -> httpx.Response:
        try:
            response = self.client.post(self.endpoint, data={"query": query}, headers={"Accept": accept})
        except httpx.HTTPError as error:
            raise self._unreachable(error) from None
        self._check(response, what, cut_is_error=True)
        return response

    def _unreachable(self, error: httpx.HTTPError) -> EngineUnreachable:
        return EngineUnreachable(f"the engine at {self.endpoint} did not answer ({type(error).__name__})")

    def _check(self, response: httpx.Response, what: str, cut_is_error: bool) -> None:
        if response.status_code != 200:
            response.read()
            raise RemoteReadError(f"the engine at {self.endpoint} refused to give {what}: "
                                  f"{response.status_code} {response.text[:200].strip()}")
        if cut_is_error and "X-SPARQL-MaxRows" in response.headers:  # Virtuoso's sign that it cut the answer short
            raise RemoteReadError(f"the engine at {self.endpoint} cut its answer for {what} at "
                                  f"{response.headers['X-SPARQL-MaxRows']} rows: raise its limit (Virtuoso: "
                                  f"ResultSetMaxRows) or lower PEERSUPPORT_REMOTE_BATCH")

    @contextmanager
    def stream(self, query: str, what: str) -> Iterator[tuple[str | None, Iterator[ox.QuerySolution]]]:
        """The rows of a SELECT as they arrive, parsed as they stream in (nothing but the row being
        read is held), with the row cap the engine says it cut the answer at (Virtuoso's
        ``X-SPARQL-MaxRows``), else None; the rows are left unread when the answer was cut."""
        try:
            with self.client.stream("POST", self.endpoint, data={"query": query},
                                    headers={"Accept": RESULTS_ACCEPT}) as response:
                self._check(response, what, cut_is_error=False)
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind not in _STREAMED_RESULTS:
                    raise RemoteReadError(f"the engine's answer for {what} is not SPARQL results ({kind or 'no type'})")
                body = io.BufferedReader(ResponseStream(response, float("inf")))
                yield response.headers.get("X-SPARQL-MaxRows"), _solutions(body, _STREAMED_RESULTS[kind], what)
        except httpx.HTTPError as error:
            raise self._unreachable(error) from None

    def select(self, query: str, what: str) -> list[dict]:
        """The rows of a SELECT (SPARQL JSON results): variable -> its binding, as the JSON gives it."""
        response = self._ask(query, RESULTS_ACCEPT, what)
        try:
            return response.json()["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise RemoteReadError(f"the engine's answer for {what} is not SPARQL JSON results") from None

    def construct(self, query: str, what: str) -> Graph:
        response = self._ask(query, GRAPH_ACCEPT, what)
        kind = response.headers.get("content-type", "text/turtle").split(";")[0].strip().lower()
        try:
            return Graph().parse(data=response.content, format=_RDF_FORMATS.get(kind, "turtle"))
        except Exception as error:  # rdflib raises several types for a malformed answer
            raise RemoteReadError(f"the engine's answer for {what} is not RDF: {error}") from None


def _solutions(body, kind: ox.QueryResultsFormat, what: str) -> Iterator[ox.QuerySolution]:
    try:
        yield from ox.parse_query_results(body, kind)
    except (SyntaxError, ValueError) as error:
        raise RemoteReadError(f"the engine's answer for {what} is not SPARQL results: {error}") from None


def read_graphs(endpoint: str, graphs: list[str], engine_name: str = "auto", timeout: float = 120.0) -> tuple[Graph, list[str]]:
    """The triples of ``graphs`` (all of the engine's when empty) in one graph, and the graphs read."""
    data = Graph()
    with EngineReader(endpoint, graphs, engine_name, timeout) as reader:
        for name in reader.graphs:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(name)} {{ ?s ?p ?o }} }}"
            data += reader.construct(query, f"the graph <{name}>")
    return data, reader.graphs
