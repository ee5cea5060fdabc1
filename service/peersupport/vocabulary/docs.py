"""HTML documentation of the vocabulary.

``index.html`` documents the OWL classes and properties through pyLODE; pyLODE 3.3.4 has no
section for SKOS concepts, so ``schemes.html`` documents every concept scheme and concept, with
an anchor per term named by its local name (``schemes.html#Hope``).
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from peersupport.vocabulary.graph import ONTOLOGY_IRI, bind_prefixes, is_term_iri, local_name

_LABELS = (RDFS.label, SKOS.prefLabel)


def _english_only(graph: Graph) -> Graph:
    """A copy without non-English labels: pyLODE picks any label for its anchors and headings."""
    copy = bind_prefixes(Graph())
    for s, p, o in graph:
        if p in _LABELS and isinstance(o, Literal) and o.language not in (None, "en"):
            continue
        copy.add((s, p, o))
    return copy


def _label(graph: Graph, node, language: str = "en") -> str:
    for label in [*graph.objects(node, SKOS.prefLabel), *graph.objects(node, RDFS.label)]:
        if label.language == language:
            return str(label)
    return local_name(node) if is_term_iri(node) else str(node)


def _link(graph: Graph, node) -> str:
    if is_term_iri(node):
        return f'<a href="#{escape(local_name(node))}">{escape(_label(graph, node))}</a>'
    return f'<a href="{escape(str(node))}">{escape(graph.namespace_manager.normalizeUri(node))}</a>'


def _concept_html(graph: Graph, concept: URIRef) -> str:
    rows = [("IRI", f"<code>{escape(str(concept))}</code>")]
    french = _label(graph, concept, "fr")
    if french != local_name(concept):
        rows.append(("French", escape(french)))
    for alt in sorted(graph.objects(concept, SKOS.altLabel)):
        rows.append(("Also called", escape(str(alt))))
    for definition in graph.objects(concept, SKOS.definition):
        rows.append(("Definition", escape(str(definition))))
    for note in graph.objects(concept, SKOS.scopeNote):
        rows.append(("Scope note", escape(str(note))))
    relations = [(RDF.type, "Type"), (RDFS.subClassOf, "Subclass of"), (RDFS.domain, "Domain"), (RDFS.range, "Range"),
                 (SKOS.broader, "Broader"), (SKOS.closeMatch, "Close match"), (SKOS.relatedMatch, "Related match"),
                 (SKOS.member, "Members")]
    for predicate, name in relations:
        targets = sorted(t for t in graph.objects(concept, predicate) if isinstance(t, URIRef))
        if targets:
            rows.append((name, ", ".join(_link(graph, t) for t in targets)))
    narrower = sorted(graph.subjects(SKOS.broader, concept))
    if narrower:
        rows.append(("Narrower", ", ".join(_link(graph, n) for n in narrower)))
    sources = sorted(graph.objects(concept, DCTERMS.source))
    rows.append(("Source", "<br>".join(f"<code>{escape(str(s))}</code>" for s in sources)))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return (f'<section class="term" id="{escape(local_name(concept))}"><h3>{escape(_label(graph, concept))}</h3>'
            f"<table>{body}</table></section>")


def schemes_html(graph: Graph) -> str:
    """One page documenting every concept scheme and collection with its concepts."""
    title = escape(str(next(graph.objects(ONTOLOGY_IRI, DCTERMS.title))))
    schemes = sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=lambda s: _label(graph, s))
    toc, sections = [], []
    for scheme in schemes:
        concepts = sorted(graph.subjects(SKOS.inScheme, scheme), key=lambda c: _label(graph, c))
        toc.append(f"<li>{_link(graph, scheme)} ({len(concepts)})</li>")
        sections.append(_concept_html(graph, scheme).replace("<h3>", "<h2>").replace("</h3>", "</h2>"))
        sections.extend(_concept_html(graph, concept) for concept in concepts)
    for collection in sorted(graph.subjects(RDF.type, SKOS.Collection)):
        toc.append(f"<li>{_link(graph, collection)}</li>")
        sections.append(_concept_html(graph, collection).replace("<h3>", "<h2>").replace("</h3>", "</h2>"))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}: concept schemes</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
        "th{text-align:left;vertical-align:top;padding-right:1em}section.term{border-top:1px solid #ccc}</style>"
        f'</head><body><h1>{title}: concept schemes</h1><p><a href="index.html">Classes and properties</a></p>'
        f"<nav><ul>{''.join(toc)}</ul></nav>{''.join(sections)}</body></html>\n"
    )


def vocabulary_html(graph: Graph) -> str:
    """The whole vocabulary on one page, an anchor per term named by its local name
    (``#PeerSupportRole``, ``#Hope``): what the service shows when a term IRI is dereferenced."""
    from rdflib import OWL

    title = escape(str(next(graph.objects(ONTOLOGY_IRI, DCTERMS.title))))
    description = escape(str(next(graph.objects(ONTOLOGY_IRI, DCTERMS.description))))
    kinds = [("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty), ("Datatype properties", OWL.DatatypeProperty),
             ("Concept schemes", SKOS.ConceptScheme), ("Collections", SKOS.Collection)]
    toc, sections, seen = [], [], set()
    for heading, kind in kinds:
        members = sorted((t for t in graph.subjects(RDF.type, kind) if is_term_iri(t)), key=lambda t: _label(graph, t).casefold())
        if not members:
            continue
        slug = heading.lower().replace(" ", "-")
        toc.append(f'<li><a href="#{slug}">{heading}</a> ({len(members)})</li>')
        sections.append(f'<h2 id="{slug}">{heading}</h2>')
        for term in members:
            seen.add(term)
            sections.append(_concept_html(graph, term))
            if kind == SKOS.ConceptScheme:
                for concept in sorted(graph.subjects(SKOS.inScheme, term), key=lambda c: _label(graph, c).casefold()):
                    if concept not in seen:
                        seen.add(concept)
                        sections.append(_concept_html(graph, concept))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<link rel="stylesheet" href="/static/style.css"></head><body>'
        f'<h1>{title}</h1><p>{description}</p><p>Namespace <code>https://w3id.org/peer-support/</code>, prefix <code>ps:</code>. '
        'Download: <a href="/peer-support/vocab.ttl">Turtle</a>, <a href="/peer-support/vocab.rdf">RDF/XML</a>, '
        '<a href="/peer-support/vocab.jsonld">JSON-LD</a>, <a href="/peer-support/vocab.nt">N-Triples</a>, '
        '<a href="/peer-support/context.jsonld">JSON-LD context</a>, <a href="/downloads/shapes.ttl">shapes</a>, '
        '<a href="/downloads/mappings.sssom.tsv">mappings</a>.</p>'
        f"<nav><ul>{''.join(toc)}</ul></nav>{''.join(sections)}</body></html>\n"
    )


def write_docs(graph: Graph, destination: Path) -> Path:
    """Write ``index.html`` (pyLODE) and ``schemes.html`` into ``destination``; returns index.html."""
    from pylode import OntPub

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE logs at INFO on the root logger
    destination.mkdir(parents=True, exist_ok=True)
    index = destination / "index.html"
    OntPub(ontology=_english_only(graph)).make_html(destination=index)
    (destination / "schemes.html").write_text(schemes_html(graph), encoding="utf-8")
    return index
