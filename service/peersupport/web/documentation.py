"""Pages written as files, to open without the service, and the vocabulary's documentation.

``peersupport docs`` writes ``index.html`` (the OWL classes and properties, by pyLODE, left as
pyLODE makes it) and ``schemes.html`` (every SKOS concept scheme and concept: pyLODE 3.3.4 has
no section for them). pyLODE 3.3.4 fails on a union nested in an intersection (it builds a set of
lists): the copy it documents leaves such definitions out, their ``skos:definition`` saying the
same in words, and ``schemes.html`` is untouched. A page written as a file has the site's layout with the stylesheet inline
and no links that only work on the service (``standalone``); ``peersupport validate --output
html`` writes its report so too.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import OWL, RDFS, BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from peersupport.vocabulary import docs
from peersupport.vocabulary.graph import bind_prefixes
from peersupport.web.templating import render_text

STYLESHEET = Path(__file__).resolve().parent / "static" / "style.css"
_LABELS = (RDFS.label, SKOS.prefLabel)


def standalone(template: str, lang: str = "en", **context) -> str:
    """``template`` as a page to keep as a file: the stylesheet inline, no site menu."""
    return render_text(template, lang, standalone=True, stylesheet=STYLESHEET.read_text(encoding="utf-8"), **context)


def schemes_html(graph: Graph) -> str:
    """One page documenting every concept scheme and collection with its concepts."""
    return standalone("schemes.html", "en", **docs.schemes(graph))


_SET_CLASSES = (OWL.unionOf, OWL.intersectionOf)


def _nests_set_classes(graph: Graph, expression) -> bool:
    """Whether a class expression holds a union or intersection inside another."""
    for predicate in _SET_CLASSES:
        for members in graph.objects(expression, predicate):
            if any(isinstance(m, BNode) and any((m, q, None) in graph for q in _SET_CLASSES) for m in Collection(graph, members)):
                return True
    return False


def _for_pylode(graph: Graph) -> Graph:
    """The copy pyLODE documents: without non-English labels (it picks any label for its anchors
    and headings) and without the definitions it cannot render (see the module's docstring)."""
    copy = bind_prefixes(Graph())
    for s, p, o in graph:
        if p in _LABELS and isinstance(o, Literal) and o.language not in (None, "en"):
            continue
        if p == OWL.equivalentClass and isinstance(o, BNode) and _nests_set_classes(graph, o):
            continue
        copy.add((s, p, o))
    return copy


def write_docs(graph: Graph, destination: Path) -> Path:
    """Write ``index.html`` (pyLODE) and ``schemes.html`` into ``destination``; returns index.html."""
    from pylode import OntPub

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE logs at INFO on the root logger
    destination.mkdir(parents=True, exist_ok=True)
    index = destination / "index.html"
    OntPub(ontology=_for_pylode(graph)).make_html(destination=index)
    (destination / "schemes.html").write_text(schemes_html(graph), encoding="utf-8")
    return index
