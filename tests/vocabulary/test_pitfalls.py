"""Pitfall checks on the vocabulary: each passes on the shipped vocabulary and catches a planted
defect, so none of them can pass vacuously."""

import pytest
from rdflib import Graph

from peersupport.vocabulary.pitfalls import (
    broader_cycles,
    contradictory_domains_ranges,
    duplicate_pref_labels,
    inconsistent_inverses,
    lint,
    scheme_membership,
    undeclared_terms,
)

PREFIXES = """
@prefix ps: <https://w3id.org/peer-support/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
"""


def with_defect(ontology: Graph, turtle: str) -> Graph:
    return (ontology + Graph()).parse(data=PREFIXES + turtle, format="turtle")


def test_shipped_vocabulary_has_no_pitfalls(ontology):
    assert lint(ontology) == {}


def test_undeclared_terms_are_found(ontology):
    broken = with_defect(ontology, """
        ps:Hope ps:undeclaredProperty ps:Nowhere .
        ps:Recovery rdfs:subClassOf org:Site .
    """)
    assert undeclared_terms(broken) == [
        "org:Site is used as a class but not declared",
        "ps:Nowhere is used but not declared",
        "ps:Recovery is used as a class but not declared",
        "ps:undeclaredProperty is used as a property but not declared",
        "ps:undeclaredProperty is used but not declared",
    ]


def test_broader_cycles_are_found(ontology):
    broken = with_defect(ontology, "ps:EqualPowerRelationships skos:broader ps:Choice .")
    assert broader_cycles(broken) == [
        "skos:broader cycle ps:Choice -> ps:EqualPowerRelationships -> ps:Choice"
    ]


def test_narrower_counts_in_the_cycle_check(ontology):
    broken = with_defect(ontology, "ps:Hope skos:narrower ps:HolisticUnderstandingOfMadness .")
    assert broader_cycles(broken) == [
        "skos:broader cycle ps:HolisticUnderstandingOfMadness -> ps:Hope -> ps:HolisticUnderstandingOfMadness"
    ]


def test_duplicate_preferred_labels_are_found_per_scheme_and_language(ontology):
    broken = with_defect(ontology, """
        ps:Trust skos:prefLabel "Respect"@en .
        ps:Hope skos:prefLabel "trust"@fr .
    """)
    assert duplicate_pref_labels(broken) == ["ps:ValueScheme: prefLabel 'respect'@en shared by ps:Respect, ps:Trust"]


def test_contradictory_domains_and_ranges_are_found(ontology):
    broken = with_defect(ontology, """
        ps:canDecline rdfs:range ps:Value .
        ps:setting rdfs:domain ps:StatutoryService , ps:UserLedOrganisation ; rdfs:range xsd:string .
    """)
    assert contradictory_domains_ranges(broken) == [
        "ps:canDecline is a datatype property with class range ps:Value",
        "ps:setting has disjoint rdfs:domains ps:StatutoryService and ps:UserLedOrganisation",
        "ps:setting is an object property with datatype range xsd:string",
    ]


def test_inconsistent_inverses_are_found(ontology):
    broken = with_defect(ontology, "ps:upheldBy rdfs:range ps:PracticeType .")
    problems = inconsistent_inverses(broken)
    assert problems == [
        "ps:upholdsValue inverseOf ps:upheldBy: domain of ps:upholdsValue (skos:Concept) is not the range of ps:upheldBy (ps:PracticeType, skos:Concept)"
    ]


def test_concepts_outside_schemes_and_one_sided_top_concepts_are_found(ontology):
    broken = with_defect(ontology, """
        ps:Stray a ps:Value .
        ps:Hope skos:topConceptOf ps:ValueScheme .
    """)
    assert scheme_membership(broken) == [
        "ps:Stray is a concept in no scheme",
        "ps:Hope / ps:ValueScheme: topConceptOf and hasTopConcept disagree",
    ]


@pytest.mark.parametrize("check", [undeclared_terms, broader_cycles, duplicate_pref_labels,
                                   contradictory_domains_ranges, inconsistent_inverses, scheme_membership])
def test_each_check_returns_a_list(ontology, check):
    assert check(ontology) == []
