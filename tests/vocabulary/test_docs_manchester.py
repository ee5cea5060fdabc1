"""Class expressions in Manchester syntax (``vocabulary/manchester.py``): the defined classes of the
vocabulary exactly as the documentation page shows them, and hand-made expressions covering every
construct, brackets around every nested expression, and what each name links to."""

import pytest
from rdflib import OWL, Graph, URIRef

from peersupport.vocabulary.graph import bind_prefixes
from peersupport.vocabulary.manchester import expression, plain

PS = "https://w3id.org/peer-support/"


def _equivalent(graph: Graph, name: str) -> str:
    (target,) = graph.objects(URIRef(PS + name), OWL.equivalentClass)
    return plain(expression(graph, target))


def test_the_vocabulary_defined_classes(ontology):
    assert _equivalent(ontology, "PeerSupportRole") == "ReciprocalRole and FreelyChosenRole and LivedExperienceRole and NonClinicalRole"
    assert _equivalent(ontology, "NotPeerSupportRole") == "OneWayHelpRole or ImposedRole or NoLivedExperienceRole or ClinicalHelpRole"
    assert _equivalent(ontology, "DescribedRole") == "org:Role or org:Post or org:Membership"
    assert _equivalent(ontology, "ReciprocalRole") == "DescribedRole and (roleHolderReceivesSupport value true)"
    assert _equivalent(ontology, "ImposedRole") == "DescribedRole and ((canDecline value false) or (consentAsked value false))"
    assert _equivalent(ontology, "ParticipationMode") == "{FreelyChosen, ReferredFreeToDecline, Assigned, Mandated}"


def test_each_name_links_to_its_anchor_or_its_iri(ontology):
    (target,) = ontology.objects(URIRef(PS + "DescribedRole"), OWL.equivalentClass)
    names = [p for p in expression(ontology, target) if p["kind"] == "name"]
    assert names[0] == {"kind": "name", "text": "org:Role", "href": "http://www.w3.org/ns/org#Role", "title": "http://www.w3.org/ns/org#Role"}
    (target,) = ontology.objects(URIRef(PS + "ReciprocalRole"), OWL.equivalentClass)
    parts = expression(ontology, target, "fr")
    assert parts == [
        {"kind": "name", "text": "DescribedRole", "href": "#DescribedRole", "title": "rôle décrit"},
        {"kind": "text", "text": " "}, {"kind": "keyword", "text": "and"}, {"kind": "text", "text": " "},
        {"kind": "text", "text": "("},
        {"kind": "name", "text": "roleHolderReceivesSupport", "href": "#roleHolderReceivesSupport", "title": "le titulaire reçoit du soutien"},
        {"kind": "text", "text": " "}, {"kind": "keyword", "text": "value"}, {"kind": "text", "text": " "},
        {"kind": "literal", "text": "true"}, {"kind": "text", "text": ")"}]


HAND_MADE = """
@prefix ps: <https://w3id.org/peer-support/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
ps:Some owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:someValuesFrom ps:A ] .
ps:Only owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:allValuesFrom [ owl:unionOf ( ps:A ps:B ) ] ] .
ps:Value owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:q ; owl:hasValue "ward \\"visitor\\""@en ] .
ps:Typed owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:q ; owl:hasValue "2012-01-01"^^xsd:date ] .
ps:Number owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:q ; owl:hasValue 3 ] .
ps:Self owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:hasSelf true ] .
ps:Min owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:minCardinality "1"^^xsd:nonNegativeInteger ] .
ps:Max owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:maxCardinality "2"^^xsd:nonNegativeInteger ] .
ps:Exactly owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:cardinality "1"^^xsd:nonNegativeInteger ] .
ps:MinQ owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:minQualifiedCardinality "2"^^xsd:nonNegativeInteger ; owl:onClass ps:A ] .
ps:MaxQ owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:p ; owl:maxQualifiedCardinality "0"^^xsd:nonNegativeInteger ;
    owl:onClass [ owl:complementOf ps:A ] ] .
ps:ExactlyQ owl:equivalentClass [ a owl:Restriction ; owl:onProperty ps:q ; owl:qualifiedCardinality "1"^^xsd:nonNegativeInteger ; owl:onDataRange xsd:boolean ] .
ps:Inverse owl:equivalentClass [ a owl:Restriction ; owl:onProperty [ owl:inverseOf org:memberOf ] ; owl:someValuesFrom ps:A ] .
ps:Not owl:equivalentClass [ owl:complementOf [ owl:intersectionOf ( ps:A ps:B ) ] ] .
ps:NotNamed owl:equivalentClass [ owl:complementOf ps:A ] .
ps:OneOf owl:equivalentClass [ owl:oneOf ( ps:x ps:y ) ] .
ps:Nested owl:equivalentClass [ owl:intersectionOf ( ps:A
    [ owl:unionOf ( [ owl:oneOf ( ps:x ) ] [ owl:complementOf [ a owl:Restriction ; owl:onProperty ps:p ; owl:someValuesFrom
        [ owl:intersectionOf ( ps:B [ a owl:Restriction ; owl:onProperty ps:q ; owl:hasValue false ] ) ] ] ] ) ] ) ] .
ps:Unknown owl:equivalentClass [ owl:onDatatype xsd:integer ] .
"""


@pytest.mark.parametrize("name, text", [
    ("Some", "p some A"),
    ("Only", "p only (A or B)"),
    ("Value", 'q value "ward \\"visitor\\""@en'),
    ("Typed", 'q value "2012-01-01"^^xsd:date'),
    ("Number", "q value 3"),
    ("Self", "p Self"),
    ("Min", "p min 1"),
    ("Max", "p max 2"),
    ("Exactly", "p exactly 1"),
    ("MinQ", "p min 2 A"),
    ("MaxQ", "p max 0 (not A)"),
    ("ExactlyQ", "q exactly 1 xsd:boolean"),
    ("Inverse", "inverse org:memberOf some A"),
    ("Not", "not (A and B)"),
    ("NotNamed", "not A"),
    ("OneOf", "{x, y}"),
    ("Nested", "A and ({x} or (not (p some (B and (q value false)))))"),
    ("Unknown", "(an expression this page cannot show)"),
])
def test_every_construct(name, text):
    graph = bind_prefixes(Graph()).parse(data=HAND_MADE, format="turtle")
    assert _equivalent(graph, name) == text


def test_a_named_class_is_its_name(ontology):
    assert expression(ontology, URIRef(PS + "DescribedRole")) == [
        {"kind": "name", "text": "DescribedRole", "href": "#DescribedRole", "title": "described role"}]
