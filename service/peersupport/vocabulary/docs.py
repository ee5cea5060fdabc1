"""What the vocabulary's documentation shows, as plain values for the page templates, in the
page's language: each term with its label, IRI, definitions, examples, links to related terms and,
for a defined class, its logic in Manchester syntax (``manchester``); the diagram of the classes
(``class_diagram``); the concept schemes as trees (``scheme_trees``); the general class axioms;
the whole vocabulary by kind; and the vocabulary parsed once for every page that names its terms.
Anchors are terms' local names (``#Hope``). The page itself is a template, ``vocabulary.html``:
the service serves it (``web.vocabulary``) and ``peersupport docs`` writes it as files
(``web.documentation``).

A term is ``{"id", "label", "level", "rows"}``; a row is ``{"name", "kind", "entries"}`` where
``name`` is a key the template words (``iri``, ``other_label``, ``broader``…) and ``kind`` says how
to show the entries: ``code`` (IRIs), ``text``, ``links`` (``{"href", "text"}``) or
``expressions`` (each a list of Manchester parts). Text in the page's language comes first and
is named so (``definition``, ``example``); the other language's is ``definition_other``,
``example_other``: "Definition in French" on the English page, "Définition en anglais" on the
French one.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS, Namespace

from peersupport.vocabulary import class_diagram, manchester, mapping_set, scheme_trees
from peersupport.vocabulary.graph import ONTOLOGY_IRI, is_term_iri, load_ontology, local_name, section_name, source_id
from peersupport.vocabulary.labels import label, sort_key

SCHEMA = Namespace("https://schema.org/")
LANGUAGES = ("en", "fr")
RELATIONS = ((RDF.type, "type"), (OWL.disjointWith, "disjoint_with"), (RDFS.domain, "domain"), (SCHEMA.domainIncludes, "domain_includes"),
             (RDFS.range, "range"), (SCHEMA.rangeIncludes, "range_includes"), (SKOS.broader, "broader"), (SKOS.related, "related"),
             (SKOS.exactMatch, "exact_match"), (SKOS.closeMatch, "close_match"), (SKOS.broadMatch, "broad_match"),
             (SKOS.narrowMatch, "narrow_match"), (SKOS.relatedMatch, "related_match"), (SKOS.member, "members"))
KINDS = (("classes", OWL.Class), ("object-properties", OWL.ObjectProperty), ("datatype-properties", OWL.DatatypeProperty),
         ("concept-schemes", SKOS.ConceptScheme), ("collections", SKOS.Collection))
__all__ = ["label", "link", "source_link", "shared_vocabulary", "term", "vocabulary"]


@lru_cache(maxsize=1)
def shared_vocabulary() -> Graph:
    """The vocabulary parsed once, for the pages that show its terms. Read it; never change it."""
    return load_ontology()


def link(graph: Graph, node, lang: str = "en") -> dict:
    """A link to a term of the vocabulary (its anchor on the page) or to an outside IRI."""
    if is_term_iri(node):
        return {"href": "#" + local_name(node), "text": label(graph, node, lang)}
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


def _in_language(texts, lang: str) -> tuple[list, list]:
    """``texts`` split into those in ``lang`` and the others (a text with no language is English)."""
    texts = sorted(texts, key=lambda t: (t.language or "en", str(t)))
    mine = [t for t in texts if (t.language or "en") == lang]
    return mine, [t for t in texts if t not in mine]


def _bilingual(graph: Graph, node, predicate, name: str, lang: str) -> list[dict]:
    mine, others = _in_language(graph.objects(node, predicate), lang)
    return [_row(name, "text", [str(t)]) for t in mine] + [_row(name + "_other", "text", [str(t)]) for t in others]


def _logic(graph: Graph, node: URIRef, lang: str) -> list[dict]:
    """The rows "Equivalent to" and "Subclass of": every equivalent class and superclass, named or
    an expression, in Manchester syntax."""
    rows = []
    for predicate, name in ((OWL.equivalentClass, "equivalent_to"), (RDFS.subClassOf, "subclass_of")):
        targets = sorted(graph.objects(node, predicate), key=lambda t: (isinstance(t, BNode), manchester.plain(manchester.expression(graph, t))))
        if targets:
            rows.append(_row(name, "expressions", [manchester.expression(graph, t, lang) for t in targets]))
    return rows


def term(graph: Graph, node: URIRef, level: int = 3, lang: str = "en") -> dict:
    """One term as its documentation shows it in ``lang``; ``level`` is its heading's level."""
    rows = [_row("iri", "code", [str(node)])]
    other = next((str(t) for t in _in_language([*graph.objects(node, SKOS.prefLabel), *graph.objects(node, RDFS.label)], lang)[1]), None)
    if other is not None and other != label(graph, node, lang):
        rows.append(_row("other_label", "text", [other]))
    alternatives = _in_language(graph.objects(node, SKOS.altLabel), lang)
    rows += [_row("also_called", "text", [str(alt)]) for alt in alternatives[0] + alternatives[1]]
    rows += _bilingual(graph, node, SKOS.definition, "definition", lang)
    notes = _in_language(graph.objects(node, SKOS.scopeNote), lang)
    rows += [_row("scope_note", "text", [str(n)]) for n in notes[0] + notes[1]]
    rows += _bilingual(graph, node, SKOS.example, "example", lang)
    rows += _logic(graph, node, lang)
    mapped = mapping_set.mappings().get(node, [])
    in_mapping_set = {(m["predicate"], m["object"]) for m in mapped}
    for predicate, name in RELATIONS:  # a mapping the mapping set states is shown with it, below
        targets = sorted(t for t in graph.objects(node, predicate) if isinstance(t, URIRef) and (predicate, t) not in in_mapping_set)
        if targets:
            rows.append(_row(name, "links", [link(graph, t, lang) for t in targets]))
    narrower = sorted(graph.subjects(SKOS.broader, node))
    if narrower:
        rows.append(_row("narrower", "links", [link(graph, n, lang) for n in narrower]))
    if mapped:
        rows.append(_row("mappings", "mappings", [{"predicate": m["predicate_id"], "href": link(graph, m["object"], lang)["href"],
                                                   "text": m["object_id"], "label": m["object_label"], "comment": m["comment"]}
                                                  for m in mapped]))
    cited = sorted(graph.objects(node, DCTERMS.source))
    if cited:
        rows.append(_row("source", "links", [source_link(graph, s) for s in cited]))
    return {"id": local_name(node), "label": label(graph, node, lang), "level": level, "rows": rows}


def general_axioms(graph: Graph, lang: str = "en") -> list[dict]:
    """The subclass axioms on class expressions (what evidence implies, stated apart from any named
    class): ``{"subject": parts, "superclasses": [parts]}``, in the order of their text."""
    axioms = []
    for subject in {s for s in graph.subjects(RDFS.subClassOf, None) if isinstance(s, BNode)}:
        supers = sorted(graph.objects(subject, RDFS.subClassOf), key=lambda o: manchester.plain(manchester.expression(graph, o)))
        axioms.append({"subject": manchester.expression(graph, subject, lang),
                       "superclasses": [manchester.expression(graph, o, lang) for o in supers]})
    return sorted(axioms, key=lambda a: manchester.plain(a["subject"]))


def title(graph: Graph, lang: str = "en") -> str:
    return _text(graph, ONTOLOGY_IRI, DCTERMS.title, lang)


def page(graph: Graph, lang: str = "en") -> dict:
    """The whole vocabulary in ``lang``, by kind (classes, properties, schemes with their concepts,
    collections), with the diagram, the scheme trees and the general axioms: ``{"title",
    "description", "kinds": [{"slug", "count", "terms"}], "modules", "diagram", "trees", "axioms"}``."""
    kinds, seen = [], set()
    by_label = lambda t: sort_key(label(graph, t, lang))  # noqa: E731
    for slug, kind in KINDS:
        members = sorted((t for t in graph.subjects(RDF.type, kind) if is_term_iri(t)), key=by_label)
        if not members:
            continue
        entries = []
        for member in members:
            seen.add(member)
            entries.append(term(graph, member, lang=lang))
            if kind == SKOS.ConceptScheme:
                for concept in sorted(graph.subjects(SKOS.inScheme, member), key=by_label):
                    if concept not in seen:
                        seen.add(concept)
                        entries.append(term(graph, concept, lang=lang))
        kinds.append({"slug": slug, "count": len(members), "terms": entries})
    return {"title": title(graph, lang), "description": _text(graph, ONTOLOGY_IRI, DCTERMS.description, lang), "kinds": kinds,
            "modules": modules(graph, lang), "diagram": class_diagram.layout(graph, lang),
            "trees": scheme_trees.trees(graph, lang), "axioms": general_axioms(graph, lang)}


def vocabulary(graph: Graph) -> dict:
    """The page's values in each language, ``{"pages": {"en": page(…), "fr": page(…)}}``: the
    template shows ``pages[lang]``."""
    return {"pages": {lang: page(graph, lang) for lang in LANGUAGES}}


def _text(graph: Graph, node, predicate, lang: str = "en") -> str:
    """The value of ``predicate`` in ``lang``, else in English, else any."""
    values = list(graph.objects(node, predicate))
    for wanted in (lang, "en"):
        found = next((v for v in values if getattr(v, "language", None) == wanted), None)
        if found is not None:
            return str(found)
    return str(values[0]) if values else ""


def modules(graph: Graph, lang: str = "en") -> list[dict]:
    """The modules of the vocabulary (ontologies that are ``dct:isPartOf`` it, such as the
    alignment module), each with its version IRI and the concept schemes it defines."""
    found = []
    for module in sorted(graph.subjects(DCTERMS.isPartOf, ONTOLOGY_IRI)):
        if (module, RDF.type, OWL.Ontology) not in graph:
            continue
        schemes = sorted((s for s in graph.subjects(RDFS.isDefinedBy, module) if (s, RDF.type, SKOS.ConceptScheme) in graph),
                         key=lambda s: sort_key(label(graph, s, lang)))
        found.append({"id": local_name(module), "iri": str(module), "title": _text(graph, module, DCTERMS.title, lang),
                      "description": _text(graph, module, DCTERMS.description, lang),
                      "version": str(graph.value(module, OWL.versionIRI) or ""),
                      "schemes": [link(graph, s, lang) for s in schemes]})
    return found

