"""Reading graphs out of a remote SPARQL engine, to validate them (``peersupport validate
--endpoint URL [--graph G]``): each graph is asked for with a read-only ``CONSTRUCT`` over
``GRAPH <G>`` and read into one local graph, so nothing is written to the engine. Without
``--graph``, every graph the engine holds is read (its system graphs and the load manifest left
out, as ``RemoteEndpoint.graphs`` lists them).

The triples are held in local memory: this suits the graphs a service validates (10^6 triples read
in seconds), not an engine holding 10^7 roles, which would need the shapes run as SPARQL against the
engine itself.
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
from rdflib import Graph

from peersupport.sparql.engines import credentials
from peersupport.sparql.remote import RemoteEndpoint


class RemoteReadError(Exception):
    """The engine could not be reached, or refused to give a graph; the message names it."""


def read_graphs(endpoint: str, graphs: list[str], engine_name: str = "auto", timeout: float = 120.0) -> tuple[Graph, list[str]]:
    """The triples of ``graphs`` (all of the engine's when empty) in one graph, and the graphs read."""
    remote = RemoteEndpoint(endpoint, timeout=timeout, engine=engine_name)
    try:
        engine = remote.engine
        try:
            names = graphs or remote.graphs()
        except Exception as error:  # Timeout or UpstreamFailure, said for the command line
            raise RemoteReadError(f"cannot list the graphs of {endpoint}: {error}") from None
    finally:
        remote.close()
    auth, headers = credentials(scheme=engine.auth)
    data = Graph()
    with httpx.Client(timeout=timeout, trust_env=False, auth=auth, headers=headers) as client:
        for name in names:
            data += _read(client, endpoint, name)
    return data, names


def _read(client: httpx.Client, endpoint: str, graph: str) -> Graph:
    try:  # written into the query only as a checked IRI term, as web/store_reads.iri_term does
        term = ox.NamedNode(graph)
    except ValueError:
        raise RemoteReadError(f"{graph!r} is not an IRI") from None
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term} {{ ?s ?p ?o }} }}"
    try:
        response = client.post(endpoint, data={"query": query}, headers={"Accept": "text/turtle"})
    except httpx.HTTPError as error:
        raise RemoteReadError(f"the engine at {endpoint} did not answer ({type(error).__name__})") from None
    if response.status_code != 200:
        raise RemoteReadError(f"the engine at {endpoint} refused to give the graph <{graph}>: "
                              f"{response.status_code} {response.text[:200].strip()}")
    try:
        return Graph().parse(data=response.content, format="turtle")
    except Exception as error:  # rdflib raises several types for a malformed answer
        raise RemoteReadError(f"the engine's answer for <{graph}> is not Turtle: {error}") from None
