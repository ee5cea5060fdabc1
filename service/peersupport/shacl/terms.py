"""RDF terms between rdflib (which reads the shapes and reports the results) and Oxigraph (which
holds the data the engine queries), and terms and SHACL paths written as SPARQL text.

Oxigraph stores some literals in another form than they were written (``"01"^^xsd:integer`` as
``"1"``); loading returns those literals' written forms, so results can name them as the data
did, and refuses data in which two written forms are one term to Oxigraph (``Unsupported``).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from peersupport.shacl.model import InvalidShapes, Unsupported

_XSD, _XSD_STRING, _XSD_BOOLEAN, _XSD_INTEGER = str(XSD), str(XSD.string), str(XSD.boolean), str(XSD.integer)
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_UNARY_PATHS = ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?"))


def to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))) if term.datatype else ox.Literal(str(term))


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return Literal(term.value, normalize=False)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


def load_graph(store: ox.Store, graph: Graph) -> dict:
    """Add an rdflib graph's triples to the store's default graph, blank node ids kept. Returns
    the literals Oxigraph does not keep as written (see ``written_forms``)."""
    suspects = {}
    quads = []
    try:
        for s, p, o in graph:
            obj = to_ox(o)
            if isinstance(o, Literal) and o.datatype is not None and not _kept_as_written(str(o.datatype), str(o)):
                suspects[obj] = o
            quads.append(ox.Quad(to_ox(s), to_ox(p), obj))
    except ValueError as error:  # rdflib lets through IRIs without a scheme, Oxigraph does not
        raise Unsupported(f"a term Oxigraph refuses: {error}") from None
    store.extend(quads)
    originals = written_forms(suspects.values())
    for stored, written in originals.items():
        if (None, None, to_rdflib(stored)) in graph:
            raise Unsupported(f"the data has both {written.n3()} and {stored}, one term in Oxigraph")
    return originals


def load_rdf(store: ox.Store, data: bytes, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> dict:
    """Parse ``data`` with Oxigraph into the store's default graph, without rdflib; returns the
    written forms of the literals the store changes, as ``load_graph`` does."""
    quads, suspects, typed = [], {}, set()
    for quad in ox.parse(data, format=format):
        obj = quad.object
        if isinstance(obj, ox.Literal) and not obj.language and obj not in typed:
            typed.add(obj)
            if not _kept_as_written(obj.datatype.value, obj.value):
                suspects[obj] = to_rdflib(obj)
        quads.append(quad)
    store.extend(quads)
    originals = written_forms(suspects.values())
    for stored, written in originals.items():
        if stored in typed:
            raise Unsupported(f"the data has both {written.n3()} and {stored}, one term in Oxigraph")
    return originals


def _kept_as_written(datatype: str, text: str) -> bool:
    """Fast path for the literals Oxigraph stores unchanged (most of them)."""
    return (datatype == _XSD_STRING or (datatype == _XSD_BOOLEAN and text in ("true", "false"))
            or (datatype == _XSD_INTEGER and _CANONICAL_INTEGER.fullmatch(text) is not None)
            or not datatype.startswith(_XSD))


def written_forms(literals) -> dict:
    """{stored: written} for those rdflib ``literals`` Oxigraph stores in another form: it writes
    numbers, booleans and dates in canonical form ("01"^^xsd:integer as "1") and derived integer
    types as xsd:integer. Two written forms of one stored term would make the data's values differ
    from pySHACL's reading: refused as Unsupported."""
    store, subject, originals = ox.Store(), ox.NamedNode("urn:x:s"), {}
    literals = list(dict.fromkeys(literals))
    store.extend(ox.Quad(subject, ox.NamedNode(f"urn:x:{i}"), to_ox(lit)) for i, lit in enumerate(literals))
    for quad in store.quads_for_pattern(subject, None, None):
        written = literals[int(quad.predicate.value[6:])]
        if quad.object != to_ox(written):
            if originals.get(quad.object, written) != written:
                raise Unsupported(f"{written.n3()} and {originals[quad.object].n3()} are one term in Oxigraph")
            originals[quad.object] = written
    return originals


def term_text(term) -> str:
    """An rdflib IRI or literal in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{lexical}"@{term.language}'
        return f'"{lexical}"^^<{term.datatype}>' if term.datatype else f'"{lexical}"'
    raise Unsupported(f"a blank node ({term}) cannot be put into a SPARQL query's text")


def path_sparql(graph: Graph, path, name=term_text, grouped: bool = True) -> str:
    """The SHACL path ``path`` of ``graph`` in SPARQL syntax, each IRI written by ``name`` (in
    full by default). ``grouped``: every sequence and every inverse or repeated path in
    parentheses, as a query needs; without, a shorter label (``^org:postIn``)."""

    def text(node) -> str:
        if isinstance(node, URIRef):
            return name(node)
        if graph.value(node, RDF.first) is not None:
            members = list(Collection(graph, node))
            if len(members) < 2:
                raise InvalidShapes(f"a sequence path needs two members or more: {node}")
            sequence = "/".join(text(member) for member in members)
            return f"({sequence})" if grouped else sequence
        for predicate, template in _UNARY_PATHS:
            inner = graph.value(node, predicate)
            if inner is not None:
                return template.format(f"({text(inner)})" if grouped else text(inner))
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(text(member) for member in Collection(graph, alternatives)) + ")"
        raise InvalidShapes(f"not a SHACL path: {node}")

    return text(path)
