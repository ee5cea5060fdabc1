"""The OOPS! pitfalls of importance "critical" or "important" (Poveda-Villalón et al., the OOPS!
pitfall catalogue, https://oops.linkeddata.es/catalogue.jsp), checked offline on the vocabulary's
graph so that a regression fails ``peersupport check`` and the tests.

Each pitfall is either checked here, checked by one of ``pitfalls``' checks (named in
``COVERED_ELSEWHERE``), or needs a person's judgement (``NOT_MECHANICAL``, which says why). A
check takes the graph and returns a sorted list of problems, one line each.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SKOS, VANN

from peersupport import NAMESPACE
from peersupport.vocabulary.graph import is_term_iri

PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty)
# Namespaces whose whole term list rdflib ships (closed), so a term they do not define is detectable.
CLOSED_NAMESPACES = (SKOS, DCTERMS, FOAF, ORG, PROV, SDO, VANN)
DOMAIN_INCLUDES = SDO.domainIncludes


def _name(graph: Graph, node) -> str:
    return graph.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)


def _own_properties(graph: Graph) -> list[URIRef]:
    return sorted(p for kind in PROPERTY_KINDS for p in graph.subjects(RDF.type, kind) if is_term_iri(p))


def p03_is_relationship(graph: Graph) -> list[str]:
    """P03 (critical): a property named "is" or "isA" standing in for rdfs:subClassOf or rdf:type."""
    return sorted(f"{_name(graph, p)} looks like an 'is a' relation; use rdfs:subClassOf or rdf:type"
                  for p in _own_properties(graph) if str(p)[len(NAMESPACE):].replace("_", "").lower() in ("is", "isa"))


def p06_class_cycles(graph: Graph) -> list[str]:
    """P06 (critical): a cycle of rdfs:subClassOf between named classes."""
    parents = defaultdict(set)
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef) and child != parent:
            parents[child].add(parent)
    cycles = set()

    def visit(node, path):
        if node in path:
            cycle = path[path.index(node):]
            start = cycle.index(min(cycle))
            cycles.add(tuple(cycle[start:] + cycle[:start]))
            return
        for parent in parents.get(node, ()):
            visit(parent, path + [node])

    for node in list(parents):
        visit(node, [])
    return sorted("rdfs:subClassOf cycle " + " -> ".join(_name(graph, n) for n in (*cycle, cycle[0])) for cycle in cycles)


def p19_several_domains_or_ranges(graph: Graph) -> list[str]:
    """P19 (critical): a property with two rdfs:domain (or rdfs:range) statements, which OWL reads
    as their intersection where a union was usually meant."""
    problems = []
    for prop in _own_properties(graph):
        for axis, word in ((RDFS.domain, "domains"), (RDFS.range, "ranges")):
            values = sorted(graph.objects(prop, axis))
            if len(values) > 1:
                problems.append(f"{_name(graph, prop)} has {len(values)} {word} ({', '.join(_name(graph, v) for v in values)}): "
                                "their intersection is meant; state a union instead")
    return problems


def p27_wrong_equivalent_properties(graph: Graph) -> list[str]:
    """P27 (critical): owl:equivalentProperty between an object and a datatype property."""
    def kind(prop):
        return next((k for k in PROPERTY_KINDS if (prop, RDF.type, k) in graph), None)

    return sorted(f"{_name(graph, a)} and {_name(graph, b)} are equivalent but of different kinds"
                  for a, b in graph.subject_objects(OWL.equivalentProperty) if None not in (kind(a), kind(b)) and kind(a) != kind(b))


def p28_p29_symmetric_and_transitive(graph: Graph) -> list[str]:
    """P28, P29 (critical): a symmetric or transitive property whose domain and range differ, so
    that reading it backwards (or chaining it) puts individuals in the wrong class."""
    problems = []
    for kind, word in ((OWL.SymmetricProperty, "symmetric"), (OWL.TransitiveProperty, "transitive")):
        for prop in sorted(graph.subjects(RDF.type, kind)):
            domains, ranges = set(graph.objects(prop, RDFS.domain)), set(graph.objects(prop, RDFS.range))
            if domains and ranges and domains != ranges:
                problems.append(f"{_name(graph, prop)} is {word} but its domain and range differ")
    return sorted(problems)


def p39_ambiguous_namespace(graph: Graph) -> list[str]:
    """P39 (critical): no ontology IRI to say which namespace the terms belong to, or terms
    defined by an ontology whose IRI is not that namespace nor one of its modules."""
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    if URIRef(NAMESPACE) not in ontologies:
        return [f"no owl:Ontology <{NAMESPACE}> declares the namespace"]
    problems = [f"ontology {o} is a blank node" for o in ontologies if isinstance(o, BNode)]
    for module in ontologies - {URIRef(NAMESPACE)}:
        if isinstance(module, URIRef) and (module, DCTERMS.isPartOf, URIRef(NAMESPACE)) not in graph:
            problems.append(f"ontology {module} is not dct:isPartOf {NAMESPACE}")
    return sorted(problems)


def p40_namespace_hijacking(graph: Graph) -> list[str]:
    """P40 (critical): a term of another vocabulary that this vocabulary uses but that vocabulary
    does not define (checked against the namespaces whose term lists rdflib ships)."""
    problems = set()
    for triple in graph:
        for node in triple:
            if not isinstance(node, URIRef):
                continue
            for namespace in CLOSED_NAMESPACES:
                if str(node).startswith(str(namespace)) and str(node) != str(namespace) and node not in namespace:
                    problems.add(f"{_name(graph, node)} is not a term of {namespace}")
    return sorted(problems)


def p10_missing_disjointness(graph: Graph) -> list[str]:
    """P10 (important): an ontology stating no disjointness at all between its classes."""
    own = [c for c in graph.subjects(RDF.type, OWL.Class) if is_term_iri(c)]
    stated = any(graph.triples((None, OWL.disjointWith, None))) or any(graph.subjects(RDF.type, OWL.AllDisjointClasses))
    return [] if stated or len(own) < 2 else ["no two classes are stated disjoint"]


def p11_missing_domain_or_range(graph: Graph) -> list[str]:
    """P11 (important): an object or datatype property with no range, or with neither an
    rdfs:domain nor a schema:domainIncludes (the open domain of a property shared by kinds of thing)."""
    problems = []
    for prop in _own_properties(graph):
        if (prop, RDFS.domain, None) not in graph and (prop, DOMAIN_INCLUDES, None) not in graph:
            problems.append(f"{_name(graph, prop)} has no rdfs:domain or schema:domainIncludes")
        if (prop, RDFS.range, None) not in graph:
            problems.append(f"{_name(graph, prop)} has no rdfs:range")
    return problems


def p15_some_not(graph: Graph) -> list[str]:
    """P15 (important): owl:someValuesFrom a complement ("some not"), usually meant as "not some"."""
    return sorted(f"restriction on {_name(graph, graph.value(r, OWL.onProperty))} says 'some not'"
                  for r, filler in graph.subject_objects(OWL.someValuesFrom) if (filler, OWL.complementOf, None) in graph)


def p23_datatype_as_class(graph: Graph) -> list[str]:
    """P23 (important): a class of the vocabulary named like an XSD datatype (String, Boolean, …)."""
    datatypes = {name.lower() for name in XSD.__annotations__}  # a DefinedNamespace lists its terms there
    return sorted(f"{_name(graph, c)} duplicates a datatype" for c in graph.subjects(RDF.type, OWL.Class)
                  if is_term_iri(c) and str(c)[len(NAMESPACE):].lower() in datatypes)


def _mentions(graph: Graph, node, seen=None) -> set:
    """The named classes a class expression mentions, through its blank nodes and lists."""
    seen = seen if seen is not None else set()
    found = set()
    for _, obj in graph.predicate_objects(node):
        if isinstance(obj, BNode) and obj not in seen:
            seen.add(obj)
            found |= _mentions(graph, obj, seen)
        elif isinstance(obj, URIRef):
            found.add(obj)
    return found


def p24_recursive_definitions(graph: Graph) -> list[str]:
    """P24 (important): a class whose equivalent class expression mentions the class itself."""
    return sorted(f"{_name(graph, c)} is defined in terms of itself"
                  for c, expression in graph.subject_objects(OWL.equivalentClass)
                  if isinstance(expression, BNode) and c in _mentions(graph, expression))


def p38_no_ontology_declaration(graph: Graph) -> list[str]:
    """P38 (important): no owl:Ontology declared."""
    return [] if any(graph.subjects(RDF.type, OWL.Ontology)) else ["no owl:Ontology is declared"]


CHECKED = {
    "P03": p03_is_relationship, "P06": p06_class_cycles, "P19": p19_several_domains_or_ranges,
    "P27": p27_wrong_equivalent_properties, "P28/P29": p28_p29_symmetric_and_transitive,
    "P39": p39_ambiguous_namespace, "P40": p40_namespace_hijacking, "P10": p10_missing_disjointness,
    "P11": p11_missing_domain_or_range, "P15": p15_some_not, "P23": p23_datatype_as_class,
    "P24": p24_recursive_definitions, "P38": p38_no_ontology_declaration,
}
COVERED_ELSEWHERE = {
    "P05": "pitfalls.inconsistent_inverses (inverse properties whose domains and ranges do not mirror)",
    "P34/P35": "pitfalls.undeclared_terms (classes and properties used without a type)",
    "P37": "tests/vocabulary/test_dereferencing.py (every IRI the vocabulary mints answers 200 or 303)",
    "P41": "pitfalls.missing_header_metadata (dct:license)",
}
NOT_MECHANICAL = {
    "P12, P30": "equivalent properties or classes not stated: needs knowing what two terms mean",
    "P17": "an over-specialised hierarchy: a judgement on the domain",
    "P31": "wrong equivalent classes: the reasoner (HermiT) finds those that make a class unsatisfiable; others need a reader",
}


def oops(graph: Graph) -> dict[str, list[str]]:
    """The problems each checked pitfall finds, by code (only pitfalls that found some)."""
    found = {code: check(graph) for code, check in CHECKED.items()}
    return {f"OOPS! {code}": problems for code, problems in found.items() if problems}
