"""The engine's graph in batches of focus nodes, for validation (``store.batched_validation``):
the nodes are paged through with read-only SELECTs, and each batch's neighbourhood, the triples
the shapes and the vocabulary's axioms can read about those nodes, is read with two CONSTRUCTs.

The batch's nodes are the IRIs that are subjects in the graphs, in the order of their string
(keyset paging: ``STR(?s) > last``, ``LIMIT size``), so each is in exactly one batch; the shapes'
targets are then found locally in each batch, by the engine that validates it. Blank nodes are
not paged (an engine's blank node labels need not name the same node in the next query): they are
read as neighbours, and a graph in which a blank node has a type is refused (``blank_subjects``).

The neighbourhood is a fixed bound, which the shapes and the vocabulary stay within
(``tests/sparql/test_engines_batches.py`` reads the shapes and the axioms to check it):
- the node's triples, and the triples of every node it points to (depth 2: an organisation's
  kinds for ``org:postIn some SelfOrganisedGroup``, a value's types for ``sh:class`` and for the
  ranges of functional properties, an organisation's label in the report);
- the triples of every organisation above it along ``(org:postIn|org:organization)/
  org:subOrganizationOf*`` (``pssh:UserLedBaseShape``) and of every practice along
  ``ps:declaredPractice/skos:broader*`` (the target ``pssh:PeerSupportClaims``);
- the statements pointing to it along ``^org:postIn`` and ``^org:subOrganizationOf/^org:postIn``
  (``pssh:OrganisationRolesShape``), those statements only;
- the triples of the classes above the types read and of the properties it uses
  (``rdfs:subClassOf*``: a class the data defines, a functional property, a range), asked for in a
  second query once those terms are known.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from peersupport.store.remote_graphs import EngineReader

DEFAULT_BATCH = 5000
# Subjects listed per query; Virtuoso sorts at most 10,000 rows for a LIMIT (its error SR353).
LISTED = {"virtuoso": 10_000}
LISTED_DEFAULT = 50_000
PREFIXES = ("PREFIX org: <http://www.w3.org/ns/org#> PREFIX ps: <https://w3id.org/peer-support/> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
# Each part binds ?s ?p ?o (a triple of the neighbourhood) or the two statements of a sub-organisation's role.
_PARTS = (
    "?this ?p ?o . BIND (?this AS ?s)",
    "?this ?via ?s . ?s ?p ?o",
    "?this (org:postIn|org:organization)/org:subOrganizationOf* ?s . ?s ?p ?o",
    "?this ps:declaredPractice/skos:broader* ?s . ?s ?p ?o",
    "?s org:postIn ?this . BIND (org:postIn AS ?p) BIND (?this AS ?o)",
    "?sub org:subOrganizationOf ?this . ?role org:postIn ?sub",
)
_TEMPLATE = "?s ?p ?o . ?sub org:subOrganizationOf ?this . ?role org:postIn ?sub"
# Then the definitions of the classes and properties those triples use, read once they are known
# (a few terms: asked of the whole graph with the path unbound, rdfs:subClassOf* took minutes).
_DEFINITIONS = "?term rdfs:subClassOf* ?s . ?s ?p ?o"


def pages(reader: EngineReader, size: int) -> Iterator[list[ox.NamedNode]]:
    """The IRIs that are subjects of the graphs, ``size`` at a time, in the order of their string.
    They are listed 50,000 at a time (Virtuoso: 10,000), or ``size`` if more: each listing sorts
    all the subjects, which took as long for 50,000 as for 5,000 (19 s at 10^6 triples on Oxigraph server)."""
    last, listed = None, max(size, LISTED.get(reader.engine.name, LISTED_DEFAULT))
    while True:
        after = f"&& STR(?s) > {ox.Literal(last.value)}" if last is not None else ""
        query = (f"SELECT ?s {reader.dataset} WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (isIRI(?s) {after}) }} }} }} "
                 f"ORDER BY STR(?s) LIMIT {listed}")
        rows = reader.select(query, "the subjects of the graphs")
        nodes = [ox.NamedNode(row["s"]["value"]) for row in rows if row.get("s", {}).get("type") == "uri"]
        for start in range(0, len(nodes), size):
            yield nodes[start:start + size]
        if len(rows) < listed or not nodes:
            return
        last = nodes[-1]


def blank_subjects(reader: EngineReader) -> int:
    """How many blank nodes have a type in the graphs (those cannot be paged, so are refused)."""
    query = (f"SELECT (COUNT(DISTINCT ?b) AS ?n) {reader.dataset} WHERE {{ ?b a ?type FILTER (isBlank(?b)) }}")
    rows = reader.select(query, "the blank nodes of the graphs")
    return int(rows[0]["n"]["value"]) if rows else 0


def neighbourhood(reader: EngineReader, nodes: list[ox.NamedNode]) -> Graph:
    """The triples the shapes and the axioms can read about ``nodes`` (the bound of the module's docstring)."""
    values = " ".join(str(node) for node in nodes)
    union = " UNION ".join("{ " + part + " }" for part in _PARTS)
    query = f"{PREFIXES}CONSTRUCT {{ {_TEMPLATE} }} {reader.dataset} WHERE {{ VALUES ?this {{ {values} }} {union} }}"
    data = reader.construct(query, f"the neighbourhood of {len(nodes)} nodes")
    own = {URIRef(node.value) for node in nodes}
    terms = {p for s, p, _ in data if s in own} | set(data.objects(None, RDF.type))
    if terms:
        values = " ".join(term.n3() for term in sorted(terms) if isinstance(term, URIRef))
        query = f"{PREFIXES}CONSTRUCT {{ ?s ?p ?o }} {reader.dataset} WHERE {{ VALUES ?term {{ {values} }} {_DEFINITIONS} }}"
        data += reader.construct(query, f"the classes and properties of {len(nodes)} nodes")
    return data
