"""The OOPS! critical and important pitfalls (issue 19): none in the shipped vocabulary, and each
check finds its pitfall when it is put into a copy of the vocabulary."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS

from peersupport.vocabulary.graph import PS, load_ontology
from peersupport.vocabulary.oops import CHECKED, COVERED_ELSEWHERE, NOT_MECHANICAL, oops


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def test_the_shipped_vocabulary_has_no_critical_or_important_pitfall(ontology):
    assert oops(ontology) == {}


def test_every_critical_and_important_pitfall_of_the_catalogue_is_accounted_for():
    # The catalogue's critical and important pitfalls (https://oops.linkeddata.es/catalogue.jsp).
    catalogue = {"P03", "P05", "P06", "P10", "P11", "P12", "P15", "P17", "P19", "P23", "P24", "P27", "P28", "P29",
                 "P30", "P31", "P34", "P35", "P37", "P38", "P39", "P40", "P41"}
    named = {code for key in (*CHECKED, *COVERED_ELSEWHERE, *NOT_MECHANICAL) for code in key.replace(",", "/").replace(" ", "").split("/")}
    assert named == catalogue


def _with(ontology: Graph, *triples) -> Graph:
    broken = ontology + Graph()
    broken.namespace_manager = ontology.namespace_manager
    for triple in triples:
        broken.add(triple)
    return broken


def test_p03_an_is_a_property(ontology):
    assert oops(_with(ontology, (PS.isA, RDF.type, OWL.ObjectProperty), (PS.isA, RDFS.range, PS.Value),
                      (PS.isA, RDFS.domain, PS.Value))) == {"OOPS! P03": ["ps:isA looks like an 'is a' relation; use rdfs:subClassOf or rdf:type"]}


def test_p06_a_subclass_cycle(ontology):
    assert oops(_with(ontology, (PS.Value, RDFS.subClassOf, PS.Benefit), (PS.Benefit, RDFS.subClassOf, PS.Value))) == {
        "OOPS! P06": ["rdfs:subClassOf cycle ps:Benefit -> ps:Value -> ps:Benefit"]}


def test_p19_two_ranges(ontology):
    assert oops(_with(ontology, (PS.setting, RDFS.range, PS.Format))) == {
        "OOPS! P19": ["ps:setting has 2 ranges (ps:Format, ps:Setting): their intersection is meant; state a union instead"]}


def test_p27_equivalent_properties_of_different_kinds(ontology):
    assert oops(_with(ontology, (PS.setting, OWL.equivalentProperty, PS.peerSupervision))) == {
        "OOPS! P27": ["ps:setting and ps:peerSupervision are equivalent but of different kinds"]}


def test_p28_p29_symmetric_and_transitive_with_different_domain_and_range(ontology):
    broken = _with(ontology, (PS.setting, RDF.type, OWL.SymmetricProperty), (PS.setting, RDFS.domain, PS.Value),
                   (PS.declaredPractice, RDF.type, OWL.TransitiveProperty))
    assert oops(broken)["OOPS! P28/P29"] == ["ps:declaredPractice is transitive but its domain and range differ",
                                             "ps:setting is symmetric but its domain and range differ"]


def test_p39_a_module_that_is_not_part_of_the_vocabulary(ontology):
    assert oops(_with(ontology, (PS.stray, RDF.type, OWL.Ontology))) == {
        "OOPS! P39": ["ontology https://w3id.org/peer-support/stray is not dct:isPartOf https://w3id.org/peer-support/"]}
    without = ontology + Graph()
    without.remove((URIRef(str(PS)), RDF.type, OWL.Ontology))
    assert oops(without)["OOPS! P39"] == ["no owl:Ontology <https://w3id.org/peer-support/> declares the namespace"]


def test_p40_a_term_its_namespace_does_not_define(ontology):
    misspelt = URIRef(str(SKOS) + "prefLabell"), URIRef(str(DCTERMS) + "sourc")  # rdflib refuses to spell them
    assert oops(_with(ontology, (PS.Hope, misspelt[0], Literal("hope", lang="en")), (PS.Hope, misspelt[1], PS.Value))) == {
        "OOPS! P40": ["dct:sourc is not a term of http://purl.org/dc/terms/",
                      "skos:prefLabell is not a term of http://www.w3.org/2004/02/skos/core#"]}


def test_p10_no_disjointness_at_all(ontology):
    stripped = ontology + Graph()
    stripped.remove((None, OWL.disjointWith, None))
    for group in list(stripped.subjects(RDF.type, OWL.AllDisjointClasses)):
        stripped.remove((group, None, None))
    assert oops(stripped) == {"OOPS! P10": ["no two classes are stated disjoint"]}


def test_p11_a_property_without_domain_or_range(ontology):
    assert oops(_with(ontology, (PS.looseEnd, RDF.type, OWL.ObjectProperty))) == {
        "OOPS! P11": ["ps:looseEnd has no rdfs:domain or schema:domainIncludes", "ps:looseEnd has no rdfs:range"]}


def test_p15_some_not(ontology):
    restriction, complement = BNode(), BNode()
    assert oops(_with(ontology, (PS.Odd, RDF.type, OWL.Class), (PS.Odd, RDFS.subClassOf, restriction),
                      (restriction, RDF.type, OWL.Restriction), (restriction, OWL.onProperty, PS.setting),
                      (restriction, OWL.someValuesFrom, complement), (complement, OWL.complementOf, PS.Setting))) == {
        "OOPS! P15": ["restriction on ps:setting says 'some not'"]}


def test_p23_a_class_named_like_a_datatype(ontology):
    assert oops(_with(ontology, (PS.Boolean, RDF.type, OWL.Class))) == {"OOPS! P23": ["ps:Boolean duplicates a datatype"]}


def test_p24_a_class_defined_in_terms_of_itself(ontology):
    union = BNode()
    broken = _with(ontology, (PS.Loop, RDF.type, OWL.Class), (PS.Loop, OWL.equivalentClass, union), (union, RDF.type, OWL.Class))
    members = BNode()
    Collection(broken, members, [PS.Loop, PS.Value])
    broken.add((union, OWL.unionOf, members))
    assert oops(broken) == {"OOPS! P24": ["ps:Loop is defined in terms of itself"]}


def test_p38_no_ontology_declared(ontology):
    stripped = ontology + Graph()
    stripped.remove((None, RDF.type, OWL.Ontology))
    assert oops(stripped)["OOPS! P38"] == ["no owl:Ontology is declared"]
