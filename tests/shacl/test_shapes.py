"""The shapes graph: well-formed SHACL, no unknown sh: terms, every shape documented in English
and French with a severity, group, order and source."""

from collections import Counter

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from peersupport.vocabulary.pitfalls import shapes_against_shacl_shacl, undocumented_shapes, unknown_shacl_terms
from peersupport.validation.validate import shapes_graph


def test_shapes_conform_to_shacl_for_shacl():
    assert shapes_against_shacl_shacl(shapes_graph()) == []


def test_a_malformed_shape_fails_shacl_for_shacl():
    broken = shapes_graph() + Graph()
    broken.add((URIRef("https://w3id.org/peer-support/shapes/OneWayHelpShape"), SH.minCount, Literal("one")))
    problems = shapes_against_shacl_shacl(broken)
    assert len(problems) == 1 and "minCount" in problems[0]


def test_shapes_use_only_shacl_terms():
    assert unknown_shacl_terms(shapes_graph()) == []


def test_a_typo_in_a_shacl_term_is_caught():
    broken = shapes_graph() + Graph()
    broken.add((URIRef("https://w3id.org/peer-support/shapes/CanDeclineValueShape"), URIRef(str(SH) + "datatpye"), URIRef("http://www.w3.org/2001/XMLSchema#boolean")))
    assert unknown_shacl_terms(broken) == ["sh:datatpye is not a SHACL term"]


def test_every_shape_is_documented():
    assert undocumented_shapes(shapes_graph()) == []


def test_an_undocumented_shape_is_reported():
    broken = shapes_graph() + Graph()
    shape = URIRef("https://w3id.org/peer-support/shapes/Bare")
    broken.add((shape, RDF.type, SH.NodeShape))
    assert undocumented_shapes(broken) == [
        "pssh:Bare lacks sh:name@en",
        "pssh:Bare lacks sh:name@fr",
        "pssh:Bare lacks sh:description@en",
        "pssh:Bare lacks sh:description@fr",
        "pssh:Bare lacks sh:message@en",
        "pssh:Bare lacks sh:message@fr",
        "pssh:Bare lacks sh:severity",
        "pssh:Bare lacks sh:group",
        "pssh:Bare lacks sh:order",
        "pssh:Bare lacks dct:source",
    ]


def test_there_are_46_shapes_of_three_severities():
    shapes = shapes_graph()
    all_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(all_shapes) == 46
    assert Counter(shapes.value(s, SH.severity) for s in all_shapes) == {SH.Violation: 31, SH.Warning: 13, SH.Info: 2}
