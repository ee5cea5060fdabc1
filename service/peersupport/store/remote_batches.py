"""The engine's graph in batches of focus nodes, for validation (``store.batched_validation``):
the nodes are listed with one read-only SELECT, and each batch's neighbourhood, the triples
the shapes and the vocabulary's axioms can read about those nodes, is read with two CONSTRUCTs.

The batch's nodes are the IRIs that are subjects in the graphs, listed in one pass: one ``SELECT
DISTINCT ?s`` without ``ORDER BY`` (a sort, or keyset paging on ``STR(?s)``, made every listing
read and sort all the subjects: at 10^6 triples on Oxigraph server, 86,530 subjects, the keyset
listing took 20.2 s and this one 3.7 s), read as it streams in and spooled to a local temporary
file, one IRI a line, so local memory stays small; the batches are then read from that file in the
engine's order. Each node is in exactly one batch (``DISTINCT``), and the merged report is sorted
by focus node afterwards, so the engine's order does not change the report. The shapes' targets are
then found locally in each batch, by the engine that validates it. Blank nodes are not listed (an
engine's blank node labels need not name the same node in the next query): they are read as
neighbours, and a graph in which a blank node has a type is refused (``blank_subjects``).

Virtuoso caps the rows of an answer (``ResultSetMaxRows``, 10,000 in Debian's ``virtuoso.ini``;
the tests' throw-away instance sets 1,000,000) and says so with ``X-SPARQL-MaxRows``. A cut
listing is dropped unread and the subjects are listed again in 16 parts, by the first hex digit of
``MD5(STR(?s))``, a part cut again in 16 by the next digit, and so on: every subject is in exactly
one part whatever order the engine answers in, which ``OFFSET`` paging without a sort does not
promise, and Virtuoso sorts at most 10,000 rows for a ``LIMIT`` (its error SR353). Each part is
a scan of the graphs, so with the cap at n rows listing S subjects takes about 1 + 16·S/n scans:
at 10^6 triples (86,530 subjects) with Debian's cap, 17 queries, 59 s on Virtuoso 7.2 (where the
keyset listing of 10,000 rows at a time was refused: an answer of exactly the cap is marked cut).
Raising ``ResultSetMaxRows`` above the number of subjects makes it one query.

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

import tempfile
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from peersupport.store.remote_graphs import EngineReader, RemoteReadError

_HEX = "0123456789abcdef"
_MD5_DIGITS = 32  # a listing cut with parts this fine is not cut by the parts' size
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
    """The IRIs that are subjects of the graphs, ``size`` at a time, each once, listed in one pass
    (in parts where the engine cuts its answers) and spooled to a temporary file."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        _spool(reader, "", spool)
        spool.seek(0)
        page = []
        for line in spool:
            page.append(ox.NamedNode(line[:-1]))
            if len(page) == size:
                yield page
                page = []
        if page:
            yield page


def _spool(reader: EngineReader, prefix: str, spool) -> None:
    """Write to ``spool`` the subjects whose ``MD5(STR(?s))`` begins with ``prefix`` (all when empty),
    one a line; a listing the engine cut is listed again in 16 parts, each one digit longer."""
    part = f' && STRSTARTS(MD5(STR(?s)), "{prefix}")' if prefix else ""
    query = f"SELECT DISTINCT ?s {reader.dataset} WHERE {{ ?s ?p ?o FILTER (isIRI(?s){part}) }}"
    what = "the subjects of the graphs" + (f" whose MD5 begins with {prefix}" if prefix else "")
    with reader.stream(query, what) as (cut, rows):
        if cut is None:
            for row in rows:
                node = row["s"]
                if isinstance(node, ox.NamedNode):  # IRIs hold no line break, so one a line reads back whole
                    spool.write(node.value + "\n")
            return
    if len(prefix) == _MD5_DIGITS:
        raise RemoteReadError(f"the engine at {reader.endpoint} cut its list of subjects at {cut} rows "
                              f"even in parts: raise its limit (Virtuoso: ResultSetMaxRows)")
    for digit in _HEX:
        _spool(reader, prefix + digit, spool)


def blank_subjects(reader: EngineReader) -> int:
    """How many blank nodes have a type in the graphs (those cannot be paged, so are refused)."""
    query = (f"SELECT (COUNT(DISTINCT ?b) AS ?n) {reader.dataset} WHERE {{ ?b a ?type FILTER (isBlank(?b)) }}")
    rows = reader.select(query, "the blank nodes of the graphs")
    return int(rows[0]["n"]["value"]) if rows else 0


VALUES_AT_MOST = 2000  # terms in one VALUES block (see _parts)


def neighbourhood(reader: EngineReader, nodes: list[ox.NamedNode]) -> Graph:
    """The triples the shapes and the axioms can read about ``nodes`` (the bound of the module's docstring)."""
    union = " UNION ".join("{ " + part + " }" for part in _PARTS)
    data = Graph()
    for part in _parts(nodes):
        values = " ".join(str(node) for node in part)
        query = f"{PREFIXES}CONSTRUCT {{ {_TEMPLATE} }} {reader.dataset} WHERE {{ VALUES ?this {{ {values} }} {union} }}"
        data += reader.construct(query, f"the neighbourhood of {len(nodes)} nodes")
    own = {URIRef(node.value) for node in nodes}
    terms = [term for term in sorted({p for s, p, _ in data if s in own} | set(data.objects(None, RDF.type)))
             if isinstance(term, URIRef)]
    for part in _parts(terms):
        values = " ".join(term.n3() for term in part)
        query = f"{PREFIXES}CONSTRUCT {{ ?s ?p ?o }} {reader.dataset} WHERE {{ VALUES ?term {{ {values} }} {_DEFINITIONS} }}"
        data += reader.construct(query, f"the classes and properties of {len(nodes)} nodes")
    return data


def _parts(terms: list) -> list[list]:
    """``terms`` in runs of at most ``VALUES_AT_MOST``: Virtuoso 7.2 refuses a ``VALUES`` block of
    4,095 IRIs or more ("SP030: Too many arguments for standard built-in function in operator()";
    4,094 pass), so a batch's nodes are asked for in parts, whose CONSTRUCTs together give the one
    query's triples."""
    return [terms[start:start + VALUES_AT_MOST] for start in range(0, len(terms), VALUES_AT_MOST)]
