"""The documents the vocabulary and shapes cite, as the ontology describes them
(``dct:BibliographicResource`` under ``https://w3id.org/peer-support/source/``): title, short
title, author, publisher, year, citation and what each is; and, per source, the sections the
vocabulary and the shapes cite (``dct:source <…/003_….txt#voluntary>``) with the terms and
shapes citing each. A source's id is its file's three-digit number (``003``) or the local name
of its IRI (``naps-2013``); its page is ``/sources/{id}``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

from peersupport.resources import data_dir
from peersupport.vocabulary.docs import label, shared_vocabulary
from peersupport.vocabulary.graph import NAMESPACE, SOURCE_NAMESPACE, is_term_iri, local_name, section_name, source_id

SHAPES_NAMESPACE = NAMESPACE + "shapes/"


@dataclass(frozen=True)
class Source:
    id: str  # "003" or "naps-2013"
    iri: str
    title: str
    short_title: str
    creator: str | None
    publisher: str | None
    year: str | None
    citation: str
    descriptions: dict  # language -> what it is

    def description(self, lang: str = "en") -> str | None:
        return self.descriptions.get(lang) or self.descriptions.get("en")

    def by(self) -> str | None:
        """Author and publisher as one phrase ("Vikki Price, Peer Hub CIC"), or None."""
        names = [n for n in (self.creator, self.publisher) if n]
        return ", ".join(names) or None


def _text(graph: Graph, node, predicate) -> str | None:
    value = graph.value(node, predicate)
    return str(value) if value is not None else None


@lru_cache(maxsize=1)
def sources() -> dict[str, Source]:
    """Every source the ontology describes, by id, in the ontology's order of ids."""
    graph = shared_vocabulary()
    found = {}
    for node in graph.subjects(RDF.type, DCTERMS.BibliographicResource):
        ident = source_id(str(node))
        if ident is None:
            continue
        title = _text(graph, node, DCTERMS.title) or ident
        issued = _text(graph, node, DCTERMS.issued)
        found[ident] = Source(
            id=ident, iri=str(node), title=title, short_title=_text(graph, node, DCTERMS.alternative) or title,
            creator=_text(graph, node, DCTERMS.creator), publisher=_text(graph, node, DCTERMS.publisher),
            year=issued[:4] if issued else None, citation=_text(graph, node, DCTERMS.bibliographicCitation) or title,
            descriptions={l.language or "en": str(l) for l in graph.objects(node, DCTERMS.description) if isinstance(l, Literal)})
    return dict(sorted(found.items()))


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    graph = Graph()
    for path in sorted(data_dir("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _citer(graph: Graph, node, lang: str) -> dict | None:
    if is_term_iri(node):
        return {"kind": "term", "id": local_name(node), "label": label(graph, node, lang)}
    if isinstance(node, URIRef) and str(node).startswith(SHAPES_NAMESPACE):
        names = [n for n in [*graph.objects(node, SH.name), *graph.objects(node, RDFS.label)] if getattr(n, "language", None) == lang]
        return {"kind": "shape", "id": str(node)[len(SHAPES_NAMESPACE):], "label": str(names[0]) if names else str(node)[len(SHAPES_NAMESPACE):]}
    return None


def sections(ident: str, lang: str = "en") -> list[dict]:
    """The sections of a source the vocabulary and the shapes cite, each with its citers:
    ``[{"anchor", "name", "terms": [...], "shapes": [...]}]``; the source cited whole comes first
    with the anchor ``""``."""
    cited: dict[str, dict] = {}
    for graph in (shared_vocabulary(), _shapes()):
        for subject, target in graph.subject_objects(DCTERMS.source):
            if source_id(str(target)) != ident:
                continue
            citer = _citer(graph, subject, lang)
            if citer is None:
                continue
            anchor = str(target).split("#", 1)[1] if "#" in str(target) else ""
            entry = cited.setdefault(anchor, {"anchor": anchor, "name": section_name(anchor), "terms": [], "shapes": []})
            bucket = entry["terms"] if citer["kind"] == "term" else entry["shapes"]
            if citer not in bucket:
                bucket.append(citer)
    for entry in cited.values():
        entry["terms"].sort(key=lambda c: c["label"].casefold())
        entry["shapes"].sort(key=lambda c: c["label"].casefold())
    return sorted(cited.values(), key=lambda e: (e["anchor"] != "", _natural(e["anchor"])))


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def anchor_for(ident: str, words: str) -> str:
    """The cited section of ``ident`` a message's words name ("on voluntary participation" ->
    ``voluntary``, "five common features" -> ``common-features``), or "" if none does."""
    said = set(re.findall(r"[\w.]+", words.casefold()))
    for anchor in _anchors(ident):
        if set(anchor.split("-")) <= said:
            return anchor
    return ""


@lru_cache(maxsize=64)
def _anchors(ident: str) -> tuple[str, ...]:
    """The cited sections' anchors, longest first (the most specific match wins)."""
    return tuple(sorted({e["anchor"] for e in sections(ident) if e["anchor"]}, key=len, reverse=True))
