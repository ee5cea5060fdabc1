"""Each concept scheme as a tree, by ``skos:broader`` / ``skos:narrower``, for the documentation
page to show as nested lists: the top concepts first (``skos:hasTopConcept`` or
``skos:topConceptOf``; without them, the concepts with no broader concept in the scheme), then
any concept of the scheme the tree has not reached, so none is left out. Siblings are in the
order of their labels in the page's language.
"""

from __future__ import annotations

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SKOS

from peersupport.vocabulary.graph import is_term_iri, local_name
from peersupport.vocabulary.labels import label, sort_key


def _narrower(graph: Graph, node: URIRef, members: set) -> set:
    return ({c for c in graph.subjects(SKOS.broader, node)} | set(graph.objects(node, SKOS.narrower))) & members


def _node(graph: Graph, concept: URIRef, members: set, lang: str, seen: set) -> dict:
    seen.add(concept)
    children = sorted((c for c in _narrower(graph, concept, members) if c not in seen), key=lambda c: sort_key(label(graph, c, lang)))
    return {"href": "#" + local_name(concept), "text": label(graph, concept, lang),
            "children": [_node(graph, c, members, lang, seen) for c in children if c not in seen]}


def tree(graph: Graph, scheme: URIRef, lang: str = "en") -> dict:
    """``{"id", "href", "text", "count", "children"}``: a node is ``{"href", "text", "children"}``."""
    members = set(graph.subjects(SKOS.inScheme, scheme)) | set(graph.objects(scheme, SKOS.hasTopConcept))
    top = set(graph.objects(scheme, SKOS.hasTopConcept)) | set(graph.subjects(SKOS.topConceptOf, scheme))
    if not top:
        top = {c for c in members if not set(graph.objects(c, SKOS.broader)) & members}
    by_label = lambda c: sort_key(label(graph, c, lang))  # noqa: E731
    seen: set = set()
    children = [_node(graph, c, members, lang, seen) for c in sorted(top, key=by_label)]
    children += [_node(graph, c, members, lang, seen) for c in sorted(members, key=by_label) if c not in seen]
    return {"id": local_name(scheme), "href": "#" + local_name(scheme), "text": label(graph, scheme, lang),
            "count": len(members), "children": children}


def trees(graph: Graph, lang: str = "en") -> list[dict]:
    """Every concept scheme of the vocabulary as a tree, in the order of their labels."""
    schemes = [s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if is_term_iri(s)]
    return [tree(graph, s, lang) for s in sorted(schemes, key=lambda s: sort_key(label(graph, s, lang)))]
