"""Pitfall checks on the vocabulary, done with rdflib (no reasoner): every term documented in
English and French, the header metadata FAIR checkers (FOOPS!, LOV) look for, no
term used without being declared, SKOS hierarchies without cycles or duplicate labels, domains,
ranges and inverses that do not contradict each other.

Each check takes a graph and returns a sorted list of problems, one readable line each; an
empty list means the check passed.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS

from peersupport.vocabulary.graph import PS, is_term_iri, terms

BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
CLASS_TYPES = (OWL.Class, RDFS.Class)
# Schemes whose concepts must carry French labels too.
BILINGUAL_SCHEMES = (PS.PracticeScheme, PS.ValueScheme, PS.NAPSValues, PS.ImROCPrinciples, PS.IPSTasks)


def _builtin(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(BUILTIN_NAMESPACES)


def _name(graph: Graph, node) -> str:
    return graph.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)


def _languages(graph: Graph, node, predicate) -> set:
    return {value.language for value in graph.objects(node, predicate) if isinstance(value, Literal)}


def missing_annotations(graph: Graph) -> list[str]:
    """Terms lacking a label or a definition in English or French, rdfs:isDefinedBy (naming the
    vocabulary or one of its modules) or dct:source."""
    problems = []
    modules = set(graph.subjects(RDF.type, OWL.Ontology))
    for term in terms(graph):
        missing = []
        labels, definitions = _languages(graph, term, RDFS.label), _languages(graph, term, SKOS.definition)
        if "en" not in labels:
            missing.append("rdfs:label@en")
        if "fr" not in labels:
            missing.append("rdfs:label@fr")
        if "en" not in definitions:
            missing.append("definition")
        if "fr" not in definitions:
            missing.append("skos:definition@fr")
        defined_by = set(graph.objects(term, RDFS.isDefinedBy))
        if not defined_by & modules:
            missing.append("rdfs:isDefinedBy" + (" naming an ontology of the vocabulary" if defined_by else ""))
        if (term, DCTERMS.source, None) not in graph:
            missing.append("dct:source")
        if missing:
            problems.append(f"{_name(graph, term)} lacks {', '.join(missing)}")
    return sorted(problems)


def comments_disagree(graph: Graph) -> list[str]:
    """Terms whose rdfs:comment in English or French is missing or is not their skos:definition in
    that language: the comment repeats the definition for tools that read only rdfs:comment
    (Protégé, LOV)."""
    problems = []
    for term in terms(graph):
        for lang in ("en", "fr"):
            definitions = {str(d) for d in graph.objects(term, SKOS.definition) if isinstance(d, Literal) and d.language == lang}
            comments = {str(c) for c in graph.objects(term, RDFS.comment) if isinstance(c, Literal) and c.language == lang}
            if definitions and comments != definitions:
                problems.append(f"{_name(graph, term)} rdfs:comment@{lang} is not its skos:definition@{lang}")
    return sorted(problems)


# What the FOOPS! and LOV checkers look for in an ontology's header (dct, owl, vann, bibo terms).
HEADER_ITEMS = {
    "dct:title": DCTERMS.title, "dct:description": DCTERMS.description, "dct:license": DCTERMS.license,
    "dct:creator": DCTERMS.creator, "dct:contributor": DCTERMS.contributor, "dct:publisher": DCTERMS.publisher,
    "dct:created": DCTERMS.created, "dct:issued": DCTERMS.issued, "dct:modified": DCTERMS.modified,
    "dct:bibliographicCitation": DCTERMS.bibliographicCitation, "owl:versionIRI": OWL.versionIRI,
    "owl:versionInfo": OWL.versionInfo, "bibo:status": URIRef("http://purl.org/ontology/bibo/status"),
    "vann:preferredNamespacePrefix": URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"),
    "vann:preferredNamespaceUri": URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"),
}


def missing_header_metadata(graph: Graph) -> list[str]:
    """Header items the FAIR checkers look for that the ontology lacks; agents (creator,
    contributor, publisher) given as IRIs, not as names or blank nodes; and a prior-version policy:
    owl:priorVersion, or a note saying there is none."""
    problems = []
    for ontology in sorted(graph.subjects(RDF.type, OWL.Ontology)):
        name = str(ontology)
        for label, predicate in HEADER_ITEMS.items():
            if (ontology, predicate, None) not in graph:
                problems.append(f"{name} lacks {label}")
        # Named here, not by the graph's prefixes: a copy of the graph may bind dcterms: instead of dct:.
        for predicate, label in ((DCTERMS.creator, "dct:creator"), (DCTERMS.contributor, "dct:contributor"),
                                 (DCTERMS.publisher, "dct:publisher")):
            for agent in graph.objects(ontology, predicate):
                if not isinstance(agent, URIRef):
                    problems.append(f"{name} {label} {agent} is not an IRI")
        notes = " ".join(str(n) for n in graph.objects(ontology, SKOS.note))
        if (ontology, OWL.priorVersion, None) not in graph and "owl:priorVersion" not in notes:
            problems.append(f"{name} has no owl:priorVersion and no skos:note saying why")
    return problems


def missing_french_labels(graph: Graph) -> list[str]:
    """Concepts (and schemes) of the practice and value schemes without a French label."""
    problems = []
    for scheme in BILINGUAL_SCHEMES:
        for node in [scheme, *graph.subjects(SKOS.inScheme, scheme)]:
            if not any(label.language == "fr" for label in graph.objects(node, RDFS.label)):
                problems.append(f"{_name(graph, node)} lacks rdfs:label@fr")
    return sorted(problems)


def unknown_sources(graph: Graph) -> list[str]:
    """dct:source values that do not point at (a section of) a source the vocabulary describes."""
    known = {str(s) for s in graph.subjects(RDF.type, DCTERMS.BibliographicResource)}
    problems = []
    for subject, source in graph.subject_objects(DCTERMS.source):
        if str(source).split("#", 1)[0] not in known:
            problems.append(f"{_name(graph, subject)} cites undescribed source {source}")
    return sorted(problems)


def _declared_as(graph: Graph, node, kinds) -> bool:
    return any((node, RDF.type, kind) in graph for kind in kinds)


def _class_positions(graph: Graph):
    """Every node the graph uses as a class."""
    for predicate in (RDF.type, RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, OWL.someValuesFrom, OWL.allValuesFrom):
        for subject, obj in graph.subject_objects(predicate):
            if predicate == RDF.type and _declared_as(graph, obj, (OWL.Restriction,)):
                continue
            if predicate in (OWL.someValuesFrom, OWL.allValuesFrom) and _declared_as(
                graph, next(graph.objects(subject, OWL.onProperty), None), (OWL.DatatypeProperty,)
            ):
                continue
            yield obj
            if predicate in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
                yield subject
    for predicate in (OWL.unionOf, OWL.intersectionOf, OWL.members):
        for head in graph.objects(None, predicate):
            yield from Collection(graph, head)
    for prop, obj in graph.subject_objects(RDFS.range):
        if not _declared_as(graph, prop, (OWL.DatatypeProperty,)):
            yield obj
    yield from graph.objects(None, RDFS.domain)


def undeclared_terms(graph: Graph) -> list[str]:
    """Vocabulary IRIs without an rdf:type, predicates not declared as properties, and nodes
    used as classes but not declared as classes (built-in RDF/RDFS/OWL/XSD terms excepted)."""
    problems = set()
    for triple in graph:
        for node in triple:
            if is_term_iri(node) and (node, RDF.type, None) not in graph:
                problems.add(f"{_name(graph, node)} is used but not declared")
    for predicate in set(graph.predicates()):
        if not _builtin(predicate) and not _declared_as(graph, predicate, PROPERTY_TYPES):
            problems.add(f"{_name(graph, predicate)} is used as a property but not declared")
    for node in set(_class_positions(graph)):
        if isinstance(node, URIRef) and not _builtin(node) and not _declared_as(graph, node, CLASS_TYPES):
            problems.add(f"{_name(graph, node)} is used as a class but not declared")
    return sorted(problems)


def broader_cycles(graph: Graph) -> list[str]:
    """Cycles in skos:broader (skos:narrower read backwards)."""
    parents = defaultdict(set)
    for child, parent in graph.subject_objects(SKOS.broader):
        parents[child].add(parent)
    for parent, child in graph.subject_objects(SKOS.narrower):
        parents[child].add(parent)

    problems = set()
    done: set = set()

    def visit(node, path):
        if node in path:
            names = [_name(graph, n) for n in path[path.index(node):]]
            start = names.index(min(names))  # report each cycle once, from its smallest name
            names = names[start:] + names[:start]
            problems.add(" -> ".join(names + names[:1]))
            return
        if node in done:
            return
        for parent in parents.get(node, ()):
            visit(parent, path + [node])
        done.add(node)

    for node in list(parents):
        visit(node, [])
    return sorted(f"skos:broader cycle {cycle}" for cycle in problems)


def duplicate_pref_labels(graph: Graph) -> list[str]:
    """Two concepts of one scheme sharing a preferred label in one language (case-insensitive)."""
    seen = defaultdict(set)
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        for label in graph.objects(concept, SKOS.prefLabel):
            seen[(scheme, label.language, str(label).casefold())].add(concept)
    return sorted(
        f"{_name(graph, scheme)}: prefLabel {label!r}@{lang} shared by "
        + ", ".join(sorted(_name(graph, c) for c in concepts))
        for (scheme, lang, label), concepts in seen.items()
        if len(concepts) > 1
    )


def _disjoint_pairs(graph: Graph) -> set[frozenset]:
    pairs = {frozenset(pair) for pair in graph.subject_objects(OWL.disjointWith)}
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, next(graph.objects(group, OWL.members))))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    return pairs


def contradictory_domains_ranges(graph: Graph) -> list[str]:
    """Properties that are both object and datatype properties, whose declared domains or ranges
    are disjoint classes, or whose range is of the wrong kind (a datatype for an object property,
    a class for a datatype property)."""
    problems = []
    disjoint = _disjoint_pairs(graph)
    properties = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    for prop in sorted(properties):
        name = _name(graph, prop)
        is_object = (prop, RDF.type, OWL.ObjectProperty) in graph
        is_datatype = (prop, RDF.type, OWL.DatatypeProperty) in graph
        if is_object and is_datatype:
            problems.append(f"{name} is both an object and a datatype property")
        for axis in (RDFS.domain, RDFS.range):
            values = list(graph.objects(prop, axis))
            for i, a in enumerate(values):
                for b in values[i + 1:]:
                    if frozenset((a, b)) in disjoint:
                        problems.append(f"{name} has disjoint {_name(graph, axis)}s {_name(graph, a)} and {_name(graph, b)}")
        for rng in graph.objects(prop, RDFS.range):
            is_datatype_range = str(rng).startswith(str(XSD)) or rng == RDFS.Literal
            if is_object and is_datatype_range:
                problems.append(f"{name} is an object property with datatype range {_name(graph, rng)}")
            if is_datatype and not is_datatype_range:
                problems.append(f"{name} is a datatype property with class range {_name(graph, rng)}")
    return sorted(problems)


def inconsistent_inverses(graph: Graph) -> list[str]:
    """Inverse properties whose domains and ranges do not mirror each other, or which are not
    both object properties."""
    problems = set()
    pairs = set(graph.subject_objects(OWL.inverseOf))
    for p, q in pairs | {(q, p) for p, q in pairs}:
        if isinstance(p, BNode) or isinstance(q, BNode):
            continue
        for prop in (p, q):
            if (prop, RDF.type, OWL.DatatypeProperty) in graph:
                problems.add(f"{_name(graph, prop)} is a datatype property but has an inverse")
        domains, ranges = set(graph.objects(p, RDFS.domain)), set(graph.objects(q, RDFS.range))
        if domains and ranges and domains != ranges:
            problems.add(
                f"{_name(graph, p)} inverseOf {_name(graph, q)}: domain of {_name(graph, p)} "
                f"({', '.join(sorted(_name(graph, d) for d in domains))}) is not the range of {_name(graph, q)} "
                f"({', '.join(sorted(_name(graph, r) for r in ranges))})"
            )
    return sorted(problems)


def scheme_membership(graph: Graph) -> list[str]:
    """SKOS concepts of the vocabulary outside any scheme, and top concepts stated one way only."""
    problems = []
    concepts = {s for s in graph.subjects(RDF.type, None) if is_term_iri(s)}
    for concept in sorted(concepts):
        is_concept = (concept, SKOS.inScheme, None) in graph or any(
            (cls, RDFS.subClassOf, SKOS.Concept) in graph for cls in graph.objects(concept, RDF.type)
        )
        if is_concept and (concept, SKOS.inScheme, None) not in graph:
            problems.append(f"{_name(graph, concept)} is a concept in no scheme")
    tops = set(graph.subject_objects(SKOS.topConceptOf))
    has = {(c, s) for s, c in graph.subject_objects(SKOS.hasTopConcept)}
    for concept, scheme in sorted(tops ^ has):
        problems.append(f"{_name(graph, concept)} / {_name(graph, scheme)}: topConceptOf and hasTopConcept disagree")
    return problems


CHECKS = (
    missing_annotations,
    comments_disagree,
    missing_header_metadata,
    missing_french_labels,
    unknown_sources,
    undeclared_terms,
    broader_cycles,
    duplicate_pref_labels,
    contradictory_domains_ranges,
    inconsistent_inverses,
    scheme_membership,
)


def lint(graph: Graph) -> dict[str, list[str]]:
    """Every check's problems, by check name (only checks that found some)."""
    found = {check.__name__: check(graph) for check in CHECKS}
    return {name: problems for name, problems in found.items() if problems}


# ---------------------------------------------------------------- shapes

SH_NS = "http://www.w3.org/ns/shacl#"
_SHAPE_PARTS = ("name", "description", "message", "severity", "group", "order")


def _shacl_vocabulary() -> set[URIRef]:
    """Every term the SHACL vocabulary defines (pySHACL ships a copy, so nothing is fetched)."""
    from importlib.resources import files

    graph = Graph().parse(files("pyshacl") / "assets" / "shacl.ttl", format="turtle")
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(SH_NS)}


def unknown_shacl_terms(shapes: Graph) -> list[str]:
    """``sh:`` terms that SHACL does not define: pySHACL silently ignores a typo such as
    ``sh:datatpye``, so the constraint would never run."""
    known = _shacl_vocabulary()
    used = {node for triple in shapes for node in triple if isinstance(node, URIRef) and str(node).startswith(SH_NS)}
    return sorted(f"sh:{str(term)[len(SH_NS):]} is not a SHACL term" for term in used - known)


def undocumented_shapes(shapes: Graph) -> list[str]:
    """Shapes lacking a name, description or message in English and French, a severity, a group,
    an order or a source."""
    from rdflib.namespace import SH

    problems = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))):
        name = _name(shapes, shape)
        for part in ("name", "description", "message"):
            languages = {o.language for o in shapes.objects(shape, SH[part]) if isinstance(o, Literal)}
            for lang in ("en", "fr"):
                if lang not in languages:
                    problems.append(f"{name} lacks sh:{part}@{lang}")
        for part in ("severity", "group", "order"):
            if (shape, SH[part], None) not in shapes:
                problems.append(f"{name} lacks sh:{part}")
        if (shape, DCTERMS.source, None) not in shapes:
            problems.append(f"{name} lacks dct:source")
    return problems


def shapes_against_shacl_shacl(shapes: Graph) -> list[str]:
    """Results of validating the shapes graph against the W3C SHACL-for-SHACL shapes."""
    from importlib.resources import files

    import pyshacl

    shsh = Graph().parse(files("pyshacl") / "assets" / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shsh, inference="none")
    return [] if conforms else [text]
