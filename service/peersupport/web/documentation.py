"""Pages written as files, to open without the service, and the vocabulary's documentation.

``peersupport docs`` writes the page the service serves at ``/peer-support/vocab.html`` (the
template ``vocabulary.html`` with the values of ``vocabulary.docs``: one generator for both), in
English (``index.html``) and French (``index.fr.html``), and beside them the files the page links
to: the vocabulary in each RDF format, the JSON-LD context, the shapes and the mapping set. The
classes' logic, the class diagram and the scheme trees are on that page. pyLODE is no longer used:
3.3.4 failed on a union nested in an intersection, so the definitions that matter most were left
out of the page it wrote, and it titled the vocabulary after a concept scheme.

A page written as a file has the site's layout with the stylesheet inline and no links that only
work on the service (``standalone``); ``peersupport validate --output html`` writes its report so too.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from peersupport.vocabulary import docs
from peersupport.web.downloads import DOWNLOADS
from peersupport.web.templating import render_text
from peersupport.web.vocabulary import RDFLIB_FORMATS

STYLESHEET = Path(__file__).resolve().parent / "static" / "style.css"
PAGES = {"en": "index.html", "fr": "index.fr.html"}
BESIDE = ("context.jsonld", "shapes.ttl", "mappings.sssom.tsv")  # written from the service's downloads


def standalone(template: str, lang: str = "en", **context) -> str:
    """``template`` as a page to keep as a file: the stylesheet inline, no site menu."""
    return render_text(template, lang, standalone=True, stylesheet=STYLESHEET.read_text(encoding="utf-8"), **context)


def write_docs(graph: Graph, destination: Path) -> Path:
    """Write the documentation of ``graph`` into ``destination`` (see the module's docstring);
    returns the English page."""
    destination.mkdir(parents=True, exist_ok=True)
    values = docs.vocabulary(graph)
    for lang, name in PAGES.items():
        (destination / name).write_text(standalone("vocabulary.html", lang, files=PAGES, **values), encoding="utf-8")
    for extension, rdflib_format in RDFLIB_FORMATS.items():
        (destination / f"vocab.{extension}").write_bytes(graph.serialize(format=rdflib_format, encoding="utf-8"))
    for name in BESIDE:
        (destination / name).write_bytes(DOWNLOADS[name]()[0])
    return destination / PAGES["en"]
