"""Pages written as files, to open without the service, and the vocabulary's documentation.

``peersupport docs`` writes ``index.html`` (the OWL classes and properties, by pyLODE, left as
pyLODE makes it) and ``schemes.html`` (every SKOS concept scheme and concept: pyLODE 3.3.4 has
no section for them). A page written as a file has the site's layout with the stylesheet inline
and no links that only work on the service (``standalone``); ``peersupport validate --output
html`` writes its report so too.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import RDFS, Graph, Literal
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


def _english_only(graph: Graph) -> Graph:
    """A copy without non-English labels: pyLODE picks any label for its anchors and headings."""
    copy = bind_prefixes(Graph())
    for s, p, o in graph:
        if p in _LABELS and isinstance(o, Literal) and o.language not in (None, "en"):
            continue
        copy.add((s, p, o))
    return copy


def write_docs(graph: Graph, destination: Path) -> Path:
    """Write ``index.html`` (pyLODE) and ``schemes.html`` into ``destination``; returns index.html."""
    from pylode import OntPub

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE logs at INFO on the root logger
    destination.mkdir(parents=True, exist_ok=True)
    index = destination / "index.html"
    OntPub(ontology=_english_only(graph)).make_html(destination=index)
    (destination / "schemes.html").write_text(schemes_html(graph), encoding="utf-8")
    return index
