"""Well-formedness checks for RDF Data Cubes (W3C "The RDF Data Cube Vocabulary", 2014).

The Recommendation (https://www.w3.org/TR/vocab-data-cube/) defines a *well-formed* cube by 21
integrity constraints (section 11, IC-1 to IC-21), each given as a SPARQL ASK query that is true
when the graph violates it. They are stated over a *normalized* graph; a publisher may leave out
triples that the normalization algorithm (section 10) puts back: the types of observations,
data sets and slices, ``qb:componentProperty`` next to ``qb:dimension``/``qb:measure``/
``qb:attribute`` and the type of each component property (phase 1), and the component values
attached to a data set or a slice instead of to each observation (phase 2).

``normalize`` returns that expanded copy of a graph; ``integrity_violations`` normalizes and then
runs every constraint, each rewritten from the spec's ASK into a SELECT whose rows name the
offending resources, and returns one readable line per violation::

    IC-12 no duplicate observations: <http://example.org/o1> and <http://example.org/o3> share every dimension value

As in the spec, the graph is expected to hold the declarations of the component properties it
uses, including the Data Cube vocabulary's own ``qb:measureType`` (a ``qb:DimensionProperty``
with ``rdfs:range qb:MeasureProperty``) when a cube uses a measure dimension; otherwise IC-4
reports ``qb:measureType`` as a dimension with no range.

Where the spec's query is a template (IC-20 and IC-21 take the ``qb:parentChildProperty`` of a
``qb:HierarchicalCodeList`` as ``$p``), the template is instantiated once per hierarchical code
list found in the data, and the query is restricted to that code list, so the hops are taken
along that list's own property.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

QB = Namespace("http://purl.org/linked-data/cube#")
NAMESPACES = {"qb": QB, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "skos": SKOS, "xsd": XSD}

# Section 10, phase 1: type and property closure.
NORMALIZE_PHASE_1 = """
INSERT { ?o rdf:type qb:Observation . } WHERE { [] qb:observation ?o . } ;

INSERT { ?o rdf:type qb:Observation . ?ds rdf:type qb:DataSet . } WHERE { ?o qb:dataSet ?ds . } ;

INSERT { ?s rdf:type qb:Slice . } WHERE { [] qb:slice ?s . } ;

INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty . }
WHERE { ?cs qb:dimension ?p . } ;

INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty . }
WHERE { ?cs qb:measure ?p . } ;

INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty . }
WHERE { ?cs qb:attribute ?p . }
"""

# Section 10, phase 2: push down attachment levels.
NORMALIZE_PHASE_2 = """
# Data set attachments
INSERT { ?obs ?comp ?value . } WHERE {
    ?spec qb:componentProperty ?comp ;
          qb:componentAttachment qb:DataSet .
    ?dataset qb:structure [ qb:component ?spec ] ;
             ?comp ?value .
    ?obs qb:dataSet ?dataset .
} ;

# Slice attachments
INSERT { ?obs ?comp ?value . } WHERE {
    ?spec qb:componentProperty ?comp ;
          qb:componentAttachment qb:Slice .
    ?dataset qb:structure [ qb:component ?spec ] ;
             qb:slice ?slice .
    ?slice ?comp ?value ;
           qb:observation ?obs .
} ;

# Dimension values on slices
INSERT { ?obs ?comp ?value . } WHERE {
    ?spec qb:componentProperty ?comp .
    ?comp a qb:DimensionProperty .
    ?dataset qb:structure [ qb:component ?spec ] ;
             qb:slice ?slice .
    ?slice ?comp ?value ;
           qb:observation ?obs .
}
"""


@dataclass(frozen=True)
class Constraint:
    """One integrity constraint of section 11.

    ``query`` is a SELECT with one row per violation; ``message`` is a ``str.format`` template
    over its variables. ``parameters``, if given, is a SELECT of ``?list ?p``: ``query`` is then a
    ``string.Template`` in which ``$p`` stands for the IRI ``?p`` and ``?list`` is bound to
    ``?list``, run once per row (IC-20, IC-21).
    """

    ident: str
    title: str
    query: str
    message: str
    parameters: str | None = None


CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint(
        "IC-1", "unique DataSet",
        """SELECT ?obs (COUNT(DISTINCT ?dataset) AS ?n) WHERE {
            ?obs a qb:Observation .
            OPTIONAL { ?obs qb:dataSet ?dataset }
        } GROUP BY ?obs HAVING (COUNT(DISTINCT ?dataset) != 1)""",
        "{obs} has {n} qb:dataSet values, expected exactly 1"),
    Constraint(
        "IC-2", "unique DSD",
        """SELECT ?dataset (COUNT(DISTINCT ?dsd) AS ?n) WHERE {
            ?dataset a qb:DataSet .
            OPTIONAL { ?dataset qb:structure ?dsd }
        } GROUP BY ?dataset HAVING (COUNT(DISTINCT ?dsd) != 1)""",
        "{dataset} has {n} qb:structure values, expected exactly 1"),
    Constraint(
        "IC-3", "DSD includes measure",
        """SELECT ?dsd WHERE {
            ?dsd a qb:DataStructureDefinition .
            FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] }
        }""",
        "{dsd} declares no measure"),
    Constraint(
        "IC-4", "dimensions have range",
        """SELECT ?dim WHERE {
            ?dim a qb:DimensionProperty .
            FILTER NOT EXISTS { ?dim rdfs:range [] }
        }""",
        "{dim} has no rdfs:range"),
    Constraint(
        "IC-5", "concept dimensions have code lists",
        """SELECT ?dim WHERE {
            ?dim a qb:DimensionProperty ;
                 rdfs:range skos:Concept .
            FILTER NOT EXISTS { ?dim qb:codeList [] }
        }""",
        "{dim} has range skos:Concept but no qb:codeList"),
    Constraint(
        "IC-6", "only attributes may be optional",
        """SELECT ?dsd ?component WHERE {
            ?dsd qb:component ?componentSpec .
            ?componentSpec qb:componentRequired "false"^^xsd:boolean ;
                           qb:componentProperty ?component .
            FILTER NOT EXISTS { ?component a qb:AttributeProperty }
        }""",
        "{component} is optional in {dsd} but is not an attribute"),
    Constraint(
        "IC-7", "slice keys must be declared",
        """SELECT ?sliceKey WHERE {
            ?sliceKey a qb:SliceKey .
            FILTER NOT EXISTS { [ a qb:DataStructureDefinition ] qb:sliceKey ?sliceKey }
        }""",
        "{sliceKey} is not the qb:sliceKey of any qb:DataStructureDefinition"),
    Constraint(
        "IC-8", "slice keys consistent with DSD",
        """SELECT ?sliceKey ?prop ?dsd WHERE {
            ?sliceKey a qb:SliceKey ;
                      qb:componentProperty ?prop .
            ?dsd qb:sliceKey ?sliceKey .
            FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty ?prop ] }
        }""",
        "{sliceKey} has component {prop}, which {dsd} does not declare"),
    Constraint(
        "IC-9", "unique slice structure",
        """SELECT ?slice (COUNT(DISTINCT ?key) AS ?n) WHERE {
            ?slice a qb:Slice .
            OPTIONAL { ?slice qb:sliceStructure ?key }
        } GROUP BY ?slice HAVING (COUNT(DISTINCT ?key) != 1)""",
        "{slice} has {n} qb:sliceStructure values, expected exactly 1"),
    Constraint(
        "IC-10", "slice dimensions complete",
        """SELECT ?slice ?dim WHERE {
            ?slice qb:sliceStructure [ qb:componentProperty ?dim ] .
            FILTER NOT EXISTS { ?slice ?dim [] }
        }""",
        "{slice} has no value for {dim}, which its slice key fixes"),
    Constraint(
        "IC-11", "all dimensions required",
        """SELECT ?obs ?dim WHERE {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty .
            FILTER NOT EXISTS { ?obs ?dim [] }
        }""",
        "{obs} has no value for dimension {dim}"),
    Constraint(
        # The spec's ASK compares every pair of observations of a data set; the pair is named
        # once (the lower IRI first). Where the spec has BIND(?value1 = ?value2 AS ?equal), a
        # comparison that is a type error (two different literals of a datatype SPARQL cannot
        # compare, e.g. xsd:gYear) counts as "different" instead of being dropped by MIN, which
        # made observations that differ only in such a value duplicates.
        "IC-12", "no duplicate observations",
        """SELECT ?obs1 ?obs2 WHERE {
            ?obs1 qb:dataSet ?dataset .
            ?obs2 qb:dataSet ?dataset .
            FILTER (STR(?obs1) < STR(?obs2))
            ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty .
            ?obs1 ?dim ?value1 .
            ?obs2 ?dim ?value2 .
            BIND (COALESCE(?value1 = ?value2, false) AS ?equal)
        } GROUP BY ?obs1 ?obs2 HAVING (MIN(?equal))""",
        "{obs1} and {obs2} share every dimension value"),
    Constraint(
        "IC-13", "required attributes",
        """SELECT ?obs ?attr WHERE {
            ?obs qb:dataSet/qb:structure/qb:component ?component .
            ?component qb:componentRequired "true"^^xsd:boolean ;
                       qb:componentProperty ?attr .
            FILTER NOT EXISTS { ?obs ?attr [] }
        }""",
        "{obs} has no value for required attribute {attr}"),
    Constraint(
        "IC-14", "all measures present",
        """SELECT ?obs ?measure WHERE {
            ?obs qb:dataSet/qb:structure ?dsd .
            FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
            ?dsd qb:component/qb:componentProperty ?measure .
            ?measure a qb:MeasureProperty .
            FILTER NOT EXISTS { ?obs ?measure [] }
        }""",
        "{obs} has no value for measure {measure}"),
    Constraint(
        "IC-15", "measure dimension consistent",
        """SELECT ?obs ?measure WHERE {
            ?obs qb:dataSet/qb:structure ?dsd ;
                 qb:measureType ?measure .
            ?dsd qb:component/qb:componentProperty qb:measureType .
            FILTER NOT EXISTS { ?obs ?measure [] }
        }""",
        "{obs} has qb:measureType {measure} but no value for it"),
    Constraint(
        "IC-16", "single measure on measure dimension observation",
        """SELECT ?obs ?measure ?omeasure WHERE {
            ?obs qb:dataSet/qb:structure ?dsd ;
                 qb:measureType ?measure ;
                 ?omeasure [] .
            ?dsd qb:component/qb:componentProperty qb:measureType ;
                 qb:component/qb:componentProperty ?omeasure .
            ?omeasure a qb:MeasureProperty .
            FILTER (?omeasure != ?measure)
        }""",
        "{obs} has qb:measureType {measure} but also a value for {omeasure}"),
    Constraint(
        # The spec's HAVING (?count != ?numMeasures) names the SELECT alias, which HAVING cannot
        # see in SPARQL 1.1 (rdflib silently drops every group); it repeats the aggregate here.
        "IC-17", "all measures present in measures dimension cube",
        """SELECT ?obs1 ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
            {
                SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
                    ?dsd qb:component/qb:componentProperty ?m .
                    ?m a qb:MeasureProperty .
                } GROUP BY ?dsd
            }
            ?obs1 qb:dataSet/qb:structure ?dsd ;
                  qb:dataSet ?dataset ;
                  qb:measureType ?m1 .
            ?obs2 qb:dataSet ?dataset ;
                  qb:measureType ?m2 .
            FILTER NOT EXISTS {
                ?dsd qb:component/qb:componentProperty ?dim .
                FILTER (?dim != qb:measureType)
                ?dim a qb:DimensionProperty .
                ?obs1 ?dim ?v1 .
                ?obs2 ?dim ?v2 .
                FILTER (?v1 != ?v2)
            }
        } GROUP BY ?obs1 ?numMeasures HAVING (COUNT(?obs2) != ?numMeasures)""",
        "{count} observation(s) share the non-measure dimension values of {obs1}, "
        "expected {numMeasures} (one per measure)"),
    Constraint(
        "IC-18", "consistent data set links",
        """SELECT ?dataset ?slice ?obs WHERE {
            ?dataset qb:slice ?slice .
            ?slice qb:observation ?obs .
            FILTER NOT EXISTS { ?obs qb:dataSet ?dataset }
        }""",
        "{obs} is in slice {slice} of {dataset} but has no qb:dataSet {dataset}"),
    Constraint(
        # The spec gives two ASK queries, one for a skos:ConceptScheme, one for a skos:Collection.
        "IC-19", "codes from code list",
        """SELECT ?obs ?dim ?v ?list WHERE {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ;
                 qb:codeList ?list .
            ?obs ?dim ?v .
            {
                ?list a skos:ConceptScheme .
                FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list }
            } UNION {
                ?list a skos:Collection .
                FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v }
            }
        }""",
        "{obs} has {dim} value {v}, which is not in code list {list}"),
    Constraint(
        "IC-20", "codes from hierarchy",
        """SELECT ?obs ?dim ?v WHERE {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ;
                 qb:codeList ?list .
            ?list a qb:HierarchicalCodeList .
            ?obs ?dim ?v .
            FILTER NOT EXISTS { ?list qb:hierarchyRoot/$p* ?v }
        }""",
        "{obs} has {dim} value {v}, which is not reachable from a root of {list} along {p}",
        parameters="""SELECT ?list ?p WHERE {
            ?list a qb:HierarchicalCodeList ;
                  qb:parentChildProperty ?p .
            FILTER (isIRI(?p))
        }"""),
    Constraint(
        "IC-21", "codes from hierarchy (inverse)",
        """SELECT ?obs ?dim ?v WHERE {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ;
                 qb:codeList ?list .
            ?list a qb:HierarchicalCodeList .
            ?obs ?dim ?v .
            FILTER NOT EXISTS { ?list qb:hierarchyRoot/(^$p)* ?v }
        }""",
        "{obs} has {dim} value {v}, which is not reachable from a root of {list} "
        "along the inverse of {p}",
        parameters="""SELECT ?list ?p WHERE {
            ?list a qb:HierarchicalCodeList ;
                  qb:parentChildProperty ?pcp .
            FILTER (isBlank(?pcp))
            ?pcp owl:inverseOf ?p .
            FILTER (isIRI(?p))
        }"""),
)


def normalize(graph: Graph) -> Graph:
    """A copy of ``graph`` expanded by the normalization algorithm (phase 1, then phase 2)."""
    result = Graph()
    for prefix, namespace in graph.namespaces():
        result.bind(prefix, namespace)
    for triple in graph.triples((None, None, None)):
        result.add(triple)
    result.update(NORMALIZE_PHASE_1, initNs=NAMESPACES)
    result.update(NORMALIZE_PHASE_2, initNs=NAMESPACES)
    return result


def integrity_violations(graph: Graph) -> list[str]:
    """One line per violation of IC-1 … IC-21 in the normalized ``graph``; empty if well-formed.

    Lines come in constraint order, sorted within a constraint, each as
    ``"<IC id> <title>: <detail naming the resources>"``.
    """
    normalized = normalize(graph)
    lines: list[str] = []
    for constraint in CONSTRAINTS:
        details = {constraint.message.format(**{name: _show(term) for name, term in row.items()})
                   for row in _violations(normalized, constraint)}
        lines.extend(f"{constraint.ident} {constraint.title}: {detail}" for detail in sorted(details))
    return lines


def _violations(graph: Graph, constraint: Constraint) -> list[dict[str, Node]]:
    """The rows of a constraint's query, as variable -> term (unbound variables left out)."""
    if constraint.parameters is None:
        runs = [(constraint.query, {})]
    else:
        runs = [(Template(constraint.query).substitute(p=p.n3()), {"list": code_list, "p": p})
                for code_list, p in graph.query(constraint.parameters, initNs=NAMESPACES)]
    rows = []
    for query, bindings in runs:
        for row in graph.query(query, initNs=NAMESPACES, initBindings=bindings):
            rows.append({**bindings, **{str(name): term for name, term in row.asdict().items()}})
    return rows


def _show(term: Node) -> str:
    """IRIs as <iri>, blank nodes as _:id, counts as plain numbers, other literals as in Turtle."""
    if isinstance(term, Literal) and term.datatype == XSD.integer:
        return str(term)
    if isinstance(term, (URIRef, BNode, Literal)):
        return term.n3()
    return str(term)
