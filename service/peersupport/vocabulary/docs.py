"""What the vocabulary's documentation shows, as plain values for the page templates: each term
with its label, IRI, definitions and links to related terms; the concept schemes with their
concepts; the whole vocabulary by kind; and the vocabulary parsed once for every page that
names its terms. Anchors are terms' local names (``#Hope``). The pages themselves are templates,
rendered in ``peersupport.web`` (``vocabulary``: the service's page; ``documentation``: the
files ``peersupport docs`` writes).

A term is ``{"id", "label", "level", "rows"}``; a row is ``{"name", "kind", "entries"}`` where
``name`` is a key the template words (``iri``, ``french``, ``broader``…) and ``kind`` says how
to show the entries: ``code`` (IRIs), ``text`` or ``links`` (``{"href", "text"}``).
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from peersupport.vocabulary.graph import ONTOLOGY_IRI, is_term_iri, load_ontology, local_name, section_name, source_id

RELATIONS = ((RDF.type, "type"), (RDFS.subClassOf, "subclass_of"), (RDFS.domain, "domain"), (RDFS.range, "range"),
             (SKOS.broader, "broader"), (SKOS.related, "related"), (SKOS.closeMatch, "close_match"), (SKOS.relatedMatch, "related_match"),
             (SKOS.member, "members"))
KINDS = (("classes", OWL.Class), ("object-properties", OWL.ObjectProperty), ("datatype-properties", OWL.DatatypeProperty),
         ("concept-schemes", SKOS.ConceptScheme), ("collections", SKOS.Collection))


@lru_cache(maxsize=1)
def shared_vocabulary() -> Graph:
    """The vocabulary parsed once, for the pages that show its terms. Read it; never change it."""
    return load_ontology()


def label(graph: Graph, node, language: str = "en") -> str:
    for text in [*graph.objects(node, SKOS.prefLabel), *graph.objects(node, RDFS.label)]:
        if text.language == language:
            return str(text)
    return local_name(node) if is_term_iri(node) else str(node)


def link(graph: Graph, node) -> dict:
    """A link to a term of the vocabulary (its anchor on the page) or to an outside IRI."""
    if is_term_iri(node):
        return {"href": "#" + local_name(node), "text": label(graph, node)}
    return {"href": str(node), "text": graph.namespace_manager.normalizeUri(node)}


def source_link(graph: Graph, cited) -> dict:
    """A cited source (or section of one) as a link to its page on the service (``/sources/003#voluntary``),
    named by its short title and the section; a source the vocabulary does not describe keeps its IRI."""
    ident = source_id(str(cited))
    if ident is None:
        return {"href": str(cited), "text": str(cited)}
    whole = URIRef(str(cited).split("#", 1)[0])
    name = graph.value(whole, DCTERMS.alternative) or graph.value(whole, DCTERMS.title) or ident
    anchor = str(cited).split("#", 1)[1] if "#" in str(cited) else ""
    return {"href": f"/sources/{ident}" + (f"#{anchor}" if anchor else ""), "iri": str(cited),
            "text": f"{name}, {section_name(anchor)}" if anchor else str(name)}


def _row(name: str, kind: str, entries: list) -> dict:
    return {"name": name, "kind": kind, "entries": entries}


def term(graph: Graph, node: URIRef, level: int = 3) -> dict:
    """One term as its documentation shows it; ``level`` is its heading's level."""
    rows = [_row("iri", "code", [str(node)])]
    french = label(graph, node, "fr")
    if french != local_name(node):
        rows.append(_row("french", "text", [french]))
    rows += [_row("also_called", "text", [str(alt)]) for alt in sorted(graph.objects(node, SKOS.altLabel))]
    definitions = sorted(graph.objects(node, SKOS.definition), key=lambda d: (d.language != "en", d.language or ""))
    rows += [_row("definition" if d.language in ("en", None) else "definition_fr", "text", [str(d)]) for d in definitions]
    rows += [_row("scope_note", "text", [str(n)]) for n in graph.objects(node, SKOS.scopeNote)]
    rows += [_row("example", "text", [str(e)]) for e in graph.objects(node, SKOS.example)]
    for predicate, name in RELATIONS:
        targets = sorted(t for t in graph.objects(node, predicate) if isinstance(t, URIRef))
        if targets:
            rows.append(_row(name, "links", [link(graph, t) for t in targets]))
    narrower = sorted(graph.subjects(SKOS.broader, node))
    if narrower:
        rows.append(_row("narrower", "links", [link(graph, n) for n in narrower]))
    cited = sorted(graph.objects(node, DCTERMS.source))
    if cited:
        rows.append(_row("source", "links", [source_link(graph, s) for s in cited]))
    return {"id": local_name(node), "label": label(graph, node), "level": level, "rows": rows}


def title(graph: Graph) -> str:
    return str(next(graph.objects(ONTOLOGY_IRI, DCTERMS.title)))


def schemes(graph: Graph) -> dict:
    """Every concept scheme with its concepts, then every collection: ``{"title", "contents", "terms"}``."""
    contents, terms = [], []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=lambda s: label(graph, s)):
        concepts = sorted(graph.subjects(SKOS.inScheme, scheme), key=lambda c: label(graph, c))
        contents.append({**link(graph, scheme), "count": len(concepts)})
        terms.append(term(graph, scheme, level=2))
        terms += [term(graph, concept) for concept in concepts]
    for collection in sorted(graph.subjects(RDF.type, SKOS.Collection)):
        contents.append({**link(graph, collection), "count": None})
        terms.append(term(graph, collection, level=2))
    return {"title": title(graph), "contents": contents, "terms": terms}


def vocabulary(graph: Graph) -> dict:
    """The whole vocabulary by kind (classes, properties, schemes with their concepts,
    collections): ``{"title", "description", "kinds": [{"slug", "terms"}]}``."""
    kinds, seen = [], set()
    for slug, kind in KINDS:
        members = sorted((t for t in graph.subjects(RDF.type, kind) if is_term_iri(t)), key=lambda t: label(graph, t).casefold())
        if not members:
            continue
        entries = []
        for member in members:
            seen.add(member)
            entries.append(term(graph, member))
            if kind == SKOS.ConceptScheme:
                for concept in sorted(graph.subjects(SKOS.inScheme, member), key=lambda c: label(graph, c).casefold()):
                    if concept not in seen:
                        seen.add(concept)
                        entries.append(term(graph, concept))
        kinds.append({"slug": slug, "count": len(members), "terms": entries})
    description = str(next(graph.objects(ONTOLOGY_IRI, DCTERMS.description)))
    return {"title": title(graph), "description": description, "kinds": kinds, "modules": modules(graph)}


def _english(graph: Graph, node, predicate) -> str:
    values = list(graph.objects(node, predicate))
    return str(next((v for v in values if getattr(v, "language", None) == "en"), values[0] if values else ""))


def modules(graph: Graph) -> list[dict]:
    """The modules of the vocabulary (ontologies that are ``dct:isPartOf`` it, such as the
    alignment module), each with its version IRI and the concept schemes it defines."""
    found = []
    for module in sorted(graph.subjects(DCTERMS.isPartOf, ONTOLOGY_IRI)):
        if (module, RDF.type, OWL.Ontology) not in graph:
            continue
        schemes = sorted((s for s in graph.subjects(RDFS.isDefinedBy, module) if (s, RDF.type, SKOS.ConceptScheme) in graph),
                         key=lambda s: label(graph, s).casefold())
        found.append({"id": local_name(module), "iri": str(module), "title": _english(graph, module, DCTERMS.title),
                      "description": _english(graph, module, DCTERMS.description),
                      "version": str(graph.value(module, OWL.versionIRI) or ""),
                      "schemes": [link(graph, s) for s in schemes]})
    return found

