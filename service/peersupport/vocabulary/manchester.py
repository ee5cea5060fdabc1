"""OWL class expressions in Manchester syntax, as parts a template renders: what a defined class
means, read as ``DescribedRole and (roleHolderReceivesSupport value true)``.

An expression is a list of parts ``{"kind", "text"}`` (``"".join`` of the texts is the plain
Manchester text); ``kind`` is ``name`` (a named class, property or individual, with ``href``: its
anchor on the page for a term of the vocabulary, else its IRI; and ``title``: its label),
``keyword`` (``and``, ``some``, ``min``…), ``literal`` or ``text`` (brackets, commas, spaces).
Constructs: ``unionOf`` (or), ``intersectionOf`` (and), ``complementOf`` (not), ``oneOf``
({a, b}), restrictions with ``someValuesFrom`` (some), ``allValuesFrom`` (only), ``hasValue``
(value), ``hasSelf`` (Self), (min/max/exact) cardinalities, qualified (``onClass``,
``onDataRange``) or not, on a property or its inverse (``inverse p``). Every expression nested in
another, other than a name or a ``{…}``, is put in brackets, so precedence never has to be known.
"""

from __future__ import annotations

from rdflib import OWL, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from peersupport.vocabulary.graph import is_term_iri, local_name
from peersupport.vocabulary.labels import label

_CONNECTIVES = ((OWL.intersectionOf, "and"), (OWL.unionOf, "or"))
_QUANTIFIERS = ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value"))
_CARDINALITIES = ((OWL.minCardinality, "min"), (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly"),
                  (OWL.minQualifiedCardinality, "min"), (OWL.maxQualifiedCardinality, "max"),
                  (OWL.qualifiedCardinality, "exactly"))
_BARE = (XSD.boolean, XSD.integer, XSD.decimal, XSD.double, XSD.nonNegativeInteger)


def _text(text: str) -> dict:
    return {"kind": "text", "text": text}


def _keyword(text: str) -> dict:
    return {"kind": "keyword", "text": text}


def name(graph: Graph, node: URIRef, lang: str = "en") -> dict:
    """A named term: the vocabulary's by local name (linked to its anchor), others by prefixed name."""
    if is_term_iri(node):
        return {"kind": "name", "text": local_name(node), "href": "#" + local_name(node), "title": label(graph, node, lang)}
    text = graph.namespace_manager.normalizeUri(node)
    return {"kind": "name", "text": text.strip("<>"), "href": str(node), "title": str(node)}


def literal(value: Literal) -> dict:
    if value.datatype in _BARE:
        return {"kind": "literal", "text": str(value).lower() if value.datatype == XSD.boolean else str(value)}
    quoted = '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value.language:
        quoted += "@" + value.language
    elif value.datatype is not None:
        quoted += "^^" + Graph().namespace_manager.normalizeUri(value.datatype)
    return {"kind": "literal", "text": quoted}


def _joined(pieces: list[list[dict]], separator: list[dict]) -> list[dict]:
    parts: list[dict] = []
    for index, piece in enumerate(pieces):
        if index:
            parts += separator
        parts += piece
    return parts


def _property(graph: Graph, node, lang: str) -> list[dict]:
    inverse = graph.value(node, OWL.inverseOf) if isinstance(node, BNode) else None
    if inverse is not None:
        return [_keyword("inverse"), _text(" "), name(graph, inverse, lang)]
    return [name(graph, node, lang)]


def _restriction(graph: Graph, node: BNode, lang: str) -> list[dict] | None:
    on = graph.value(node, OWL.onProperty)
    if on is None:
        return None
    head = _property(graph, on, lang) + [_text(" ")]
    for predicate, word in _QUANTIFIERS:
        filler = graph.value(node, predicate)
        if filler is not None:
            return head + [_keyword(word), _text(" ")] + _term(graph, filler, lang, nested=True)
    if graph.value(node, OWL.hasSelf) is not None:
        return head + [_keyword("Self")]
    for predicate, word in _CARDINALITIES:
        count = graph.value(node, predicate)
        if count is not None:
            parts = head + [_keyword(word), _text(" "), {"kind": "literal", "text": str(count)}]
            qualifier = graph.value(node, OWL.onClass) or graph.value(node, OWL.onDataRange)
            return parts + ([_text(" ")] + _term(graph, qualifier, lang, nested=True) if qualifier is not None else [])
    return None


def _compound(graph: Graph, node: BNode, lang: str) -> list[dict] | None:
    for predicate, word in _CONNECTIVES:
        members = graph.value(node, predicate)
        if members is not None:
            pieces = [_term(graph, m, lang, nested=True) for m in Collection(graph, members)]
            return _joined(pieces, [_text(" "), _keyword(word), _text(" ")])
    complement = graph.value(node, OWL.complementOf)
    if complement is not None:
        return [_keyword("not"), _text(" ")] + _term(graph, complement, lang, nested=True)
    return _restriction(graph, node, lang)


def _term(graph: Graph, node, lang: str, nested: bool) -> list[dict]:
    if isinstance(node, URIRef):
        return [name(graph, node, lang)]
    if isinstance(node, Literal):
        return [literal(node)]
    members = graph.value(node, OWL.oneOf)
    if members is not None:
        pieces = [_term(graph, m, lang, nested=True) for m in Collection(graph, members)]
        return [_text("{")] + _joined(pieces, [_text(", ")]) + [_text("}")]
    parts = _compound(graph, node, lang)
    if parts is None:
        return [_text("(an expression this page cannot show)")]
    return [_text("(")] + parts + [_text(")")] if nested else parts


def expression(graph: Graph, node, lang: str = "en") -> list[dict]:
    """``node`` (a named class or a class expression) in Manchester syntax, as parts."""
    return _term(graph, node, lang, nested=False)


def plain(parts: list[dict]) -> str:
    """The parts as the plain Manchester text."""
    return "".join(part["text"] for part in parts)
