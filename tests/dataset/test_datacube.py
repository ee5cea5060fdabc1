"""W3C Data Cube well-formedness (``peersupport.dataset.datacube``): one well-formed graph holding two
cubes, and for each integrity constraint a minimal planted defect with the exact lines expected.

Cube A: measures given directly on observations; dimensions ex:refArea (coded by the
skos:ConceptScheme ex:areas) and ex:refPeriod; measure ex:attendance; required attribute ex:unit
attached at data-set level; observations o1 and o2 sit in slice ex:sliceNorth, which fixes
ex:refArea (so they are only complete once normalized).
Cube B: a measure dimension (qb:measureType) over ex:attendance and ex:satisfaction; dimensions
ex:region (hierarchical code list along ex:hasPart) and ex:ageGroup (hierarchical code list along
the inverse of ex:within); optional attribute ex:status.
"""

import pytest
from rdflib import RDF, Graph, URIRef

from peersupport.dataset.datacube import QB, integrity_violations, normalize

PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

WELL_FORMED = PREFIXES + """
# From the Data Cube vocabulary itself.
qb:measureType a rdf:Property, qb:DimensionProperty ; rdfs:range qb:MeasureProperty .

# Component properties
ex:refArea a qb:DimensionProperty ; rdfs:range skos:Concept ; qb:codeList ex:areas .
ex:refPeriod a qb:DimensionProperty ; rdfs:range xsd:gYear .
ex:region a qb:DimensionProperty ; rdfs:range skos:Concept ; qb:codeList ex:regionTree .
ex:ageGroup a qb:DimensionProperty ; rdfs:range skos:Concept ; qb:codeList ex:ageBands .
ex:attendance a qb:MeasureProperty ; rdfs:range xsd:integer .
ex:satisfaction a qb:MeasureProperty ; rdfs:range xsd:decimal .
ex:unit a qb:AttributeProperty .
ex:status a qb:AttributeProperty .

# Code lists
ex:areas a skos:ConceptScheme .
ex:north a skos:Concept ; skos:inScheme ex:areas .
ex:south a skos:Concept ; skos:inScheme ex:areas .

ex:regionTree a qb:HierarchicalCodeList ;
    qb:hierarchyRoot ex:uk ; qb:parentChildProperty ex:hasPart .
ex:uk ex:hasPart ex:england .
ex:england ex:hasPart ex:northEast , ex:southWest .

ex:ageBands a qb:HierarchicalCodeList ;
    qb:hierarchyRoot ex:allAges ; qb:parentChildProperty [ owl:inverseOf ex:within ] .
ex:adult ex:within ex:allAges .
ex:youth ex:within ex:allAges .

# Cube A: one measure, a slice, an attribute attached to the data set
ex:dsdA a qb:DataStructureDefinition ;
    qb:component ex:dsdA-area , ex:dsdA-period , ex:dsdA-attendance , ex:dsdA-unit ;
    qb:sliceKey ex:byArea .
ex:dsdA-area qb:dimension ex:refArea ; qb:order 1 .
ex:dsdA-period qb:dimension ex:refPeriod ; qb:order 2 .
ex:dsdA-attendance qb:measure ex:attendance .
ex:dsdA-unit qb:attribute ex:unit ; qb:componentRequired true ;
    qb:componentAttachment qb:DataSet .
ex:byArea a qb:SliceKey ; qb:componentProperty ex:refArea .

ex:datasetA a qb:DataSet ; qb:structure ex:dsdA ; ex:unit ex:persons ; qb:slice ex:sliceNorth .
ex:sliceNorth qb:sliceStructure ex:byArea ; ex:refArea ex:north ;
    qb:observation ex:o1 , ex:o2 .
ex:o1 a qb:Observation ; qb:dataSet ex:datasetA ;
    ex:refPeriod "2023"^^xsd:gYear ; ex:attendance 12 .
ex:o2 a qb:Observation ; qb:dataSet ex:datasetA ;
    ex:refPeriod "2024"^^xsd:gYear ; ex:attendance 15 .
ex:o3 a qb:Observation ; qb:dataSet ex:datasetA ;
    ex:refArea ex:south ; ex:refPeriod "2023"^^xsd:gYear ; ex:attendance 7 .

# Cube B: a measure dimension
ex:dsdB a qb:DataStructureDefinition ;
    qb:component ex:dsdB-region , ex:dsdB-age , ex:dsdB-measureType ,
        ex:dsdB-attendance , ex:dsdB-satisfaction , ex:dsdB-status .
ex:dsdB-region qb:dimension ex:region .
ex:dsdB-age qb:dimension ex:ageGroup .
ex:dsdB-measureType qb:dimension qb:measureType .
ex:dsdB-attendance qb:measure ex:attendance .
ex:dsdB-satisfaction qb:measure ex:satisfaction .
ex:dsdB-status qb:attribute ex:status ; qb:componentRequired false .

ex:datasetB a qb:DataSet ; qb:structure ex:dsdB .
ex:p1 a qb:Observation ; qb:dataSet ex:datasetB ; ex:region ex:northEast ; ex:ageGroup ex:adult ;
    qb:measureType ex:attendance ; ex:attendance 12 ; ex:status ex:provisional .
ex:p2 a qb:Observation ; qb:dataSet ex:datasetB ; ex:region ex:northEast ; ex:ageGroup ex:adult ;
    qb:measureType ex:satisfaction ; ex:satisfaction 4.5 .
ex:p3 a qb:Observation ; qb:dataSet ex:datasetB ; ex:region ex:southWest ; ex:ageGroup ex:youth ;
    qb:measureType ex:attendance ; ex:attendance 7 .
ex:p4 a qb:Observation ; qb:dataSet ex:datasetB ; ex:region ex:southWest ; ex:ageGroup ex:youth ;
    qb:measureType ex:satisfaction ; ex:satisfaction 4.1 .
"""

EX = "http://example.org/"


def cube(remove: str = "", add: str = "", drop: tuple[str, ...] = ()) -> Graph:
    """The well-formed graph less the triples of ``remove``, plus those of ``add`` (both Turtle,
    without blank nodes), less every triple whose subject is in ``drop`` (local names)."""
    graph = Graph().parse(data=WELL_FORMED, format="turtle")
    removed = Graph().parse(data=PREFIXES + remove, format="turtle")
    for triple in removed:
        assert triple in graph, f"fixture does not contain {triple}"
        graph.remove(triple)
    for name in drop:
        graph.remove((URIRef(EX + name), None, None))
    graph.parse(data=PREFIXES + add, format="turtle")
    return graph


def test_well_formed_cube_has_no_violations():
    assert integrity_violations(cube()) == []


def test_normalize_returns_expanded_copy():
    graph = cube()
    size = len(graph)
    normalized = normalize(graph)
    assert len(graph) == size, "the input graph must not change"
    ex = lambda name: URIRef(EX + name)  # noqa: E731
    # phase 1: type and property closure
    assert (ex("dsdA-area"), QB.componentProperty, ex("refArea")) in normalized
    assert (ex("dsdB-measureType"), QB.componentProperty, QB.measureType) in normalized
    assert (ex("sliceNorth"), RDF.type, QB.Slice) in normalized
    # phase 2: data-set attachment and slice dimension values pushed down to observations
    assert (ex("o1"), ex("unit"), ex("persons")) in normalized
    assert (ex("o1"), ex("refArea"), ex("north")) in normalized
    assert (ex("o1"), ex("refArea"), ex("north")) not in graph


def test_abbreviated_cube_is_only_well_formed_once_normalized():
    """Without normalization o1 and o2 lack ex:refArea and ex:unit: the checks must normalize."""
    graph = cube()
    assert (URIRef(EX + "o1"), URIRef(EX + "refArea"), None) not in graph
    assert integrity_violations(graph) == []


def o(name: str) -> str:
    return f"<{EX}{name}>"


DEFECTS = {
    "IC-1 no data set": (
        dict(remove="ex:o3 qb:dataSet ex:datasetA ."),
        [f"IC-1 unique DataSet: {o('o3')} has 0 qb:dataSet values, expected exactly 1"]),
    "IC-1 two data sets": (
        dict(add="ex:datasetA2 qb:structure ex:dsdA . ex:o3 qb:dataSet ex:datasetA2 ."),
        [f"IC-1 unique DataSet: {o('o3')} has 2 qb:dataSet values, expected exactly 1"]),
    "IC-2": (
        dict(remove="ex:datasetB qb:structure ex:dsdB ."),
        [f"IC-2 unique DSD: {o('datasetB')} has 0 qb:structure values, expected exactly 1"]),
    "IC-3": (
        dict(remove="ex:dsdA qb:component ex:dsdA-attendance ."),
        [f"IC-3 DSD includes measure: {o('dsdA')} declares no measure"]),
    "IC-4": (
        dict(remove="ex:refPeriod rdfs:range xsd:gYear ."),
        [f"IC-4 dimensions have range: {o('refPeriod')} has no rdfs:range"]),
    "IC-5": (
        dict(remove="ex:refArea qb:codeList ex:areas ."),
        [f"IC-5 concept dimensions have code lists: {o('refArea')} has range skos:Concept"
         " but no qb:codeList"]),
    "IC-6": (
        dict(add="ex:dsdA-period qb:componentRequired false ."),
        [f"IC-6 only attributes may be optional: {o('refPeriod')} is optional in {o('dsdA')}"
         " but is not an attribute"]),
    "IC-7": (
        dict(add="ex:byPeriod a qb:SliceKey ; qb:componentProperty ex:refPeriod ."),
        [f"IC-7 slice keys must be declared: {o('byPeriod')} is not the qb:sliceKey of any"
         " qb:DataStructureDefinition"]),
    "IC-8": (
        dict(add="ex:byArea qb:componentProperty ex:ageGroup . ex:sliceNorth ex:ageGroup ex:adult ."),
        [f"IC-8 slice keys consistent with DSD: {o('byArea')} has component {o('ageGroup')},"
         f" which {o('dsdA')} does not declare"]),
    "IC-9": (
        dict(remove="ex:sliceNorth qb:sliceStructure ex:byArea ."),
        [f"IC-9 unique slice structure: {o('sliceNorth')} has 0 qb:sliceStructure values,"
         " expected exactly 1"]),
    "IC-10": (
        # o1 and o2 take ex:refArea from the slice, so they lose it too (IC-11); and IC-12, as
        # the spec defines it, compares only the dimensions both observations have, so o1 is
        # now a duplicate of o3 (same ex:refPeriod).
        dict(remove="ex:sliceNorth ex:refArea ex:north ."),
        [f"IC-10 slice dimensions complete: {o('sliceNorth')} has no value for {o('refArea')},"
         " which its slice key fixes",
         f"IC-11 all dimensions required: {o('o1')} has no value for dimension {o('refArea')}",
         f"IC-11 all dimensions required: {o('o2')} has no value for dimension {o('refArea')}",
         f"IC-12 no duplicate observations: {o('o1')} and {o('o3')} share every dimension value"]),
    "IC-11": (
        dict(remove='ex:o3 ex:refPeriod "2023"^^xsd:gYear .'),
        [f"IC-11 all dimensions required: {o('o3')} has no value for dimension {o('refPeriod')}"]),
    "IC-11 measure dimension": (
        # Without its measure type p4 matches p3 on every dimension it still has (IC-12), and
        # no longer counts as p3's companion for the other measure (IC-17).
        dict(remove="ex:p4 qb:measureType ex:satisfaction ."),
        [f"IC-11 all dimensions required: {o('p4')} has no value for dimension"
         " <http://purl.org/linked-data/cube#measureType>",
         f"IC-12 no duplicate observations: {o('p3')} and {o('p4')} share every dimension value",
         f"IC-17 all measures present in measures dimension cube: 1 observation(s) share the"
         f" non-measure dimension values of {o('p3')}, expected 2 (one per measure)"]),
    "IC-12": (
        dict(remove="ex:o3 ex:refArea ex:south .", add="ex:o3 ex:refArea ex:north ."),
        [f"IC-12 no duplicate observations: {o('o1')} and {o('o3')} share every dimension value"]),
    "IC-13": (
        # ex:unit is attached to the data set, so every observation loses it.
        dict(remove="ex:datasetA ex:unit ex:persons ."),
        [f"IC-13 required attributes: {o(name)} has no value for required attribute {o('unit')}"
         for name in ("o1", "o2", "o3")]),
    "IC-14": (
        dict(remove="ex:o3 ex:attendance 7 ."),
        [f"IC-14 all measures present: {o('o3')} has no value for measure {o('attendance')}"]),
    "IC-15": (
        dict(remove="ex:p2 ex:satisfaction 4.5 ."),
        [f"IC-15 measure dimension consistent: {o('p2')} has qb:measureType {o('satisfaction')}"
         " but no value for it"]),
    "IC-16": (
        dict(add="ex:p1 ex:satisfaction 4.0 ."),
        [f"IC-16 single measure on measure dimension observation: {o('p1')} has qb:measureType"
         f" {o('attendance')} but also a value for {o('satisfaction')}"]),
    "IC-17": (
        dict(drop=("p4",)),
        [f"IC-17 all measures present in measures dimension cube: 1 observation(s) share the"
         f" non-measure dimension values of {o('p3')}, expected 2 (one per measure)"]),
    "IC-18": (
        # o1 is still an observation (it is in a slice) but now has no data set at all (IC-1).
        dict(remove="ex:o1 qb:dataSet ex:datasetA ."),
        [f"IC-1 unique DataSet: {o('o1')} has 0 qb:dataSet values, expected exactly 1",
         f"IC-18 consistent data set links: {o('o1')} is in slice {o('sliceNorth')} of"
         f" {o('datasetA')} but has no qb:dataSet {o('datasetA')}"]),
    "IC-19 concept scheme": (
        dict(remove="ex:south skos:inScheme ex:areas ."),
        [f"IC-19 codes from code list: {o('o3')} has {o('refArea')} value {o('south')},"
         f" which is not in code list {o('areas')}"]),
    "IC-19 collection": (
        dict(remove="ex:refArea qb:codeList ex:areas .",
             add="ex:refArea qb:codeList ex:northOnly . ex:northOnly a skos:Collection ;"
                 " skos:member [ a skos:Collection ; skos:member ex:north ] ."),
        [f"IC-19 codes from code list: {o('o3')} has {o('refArea')} value {o('south')},"
         f" which is not in code list {o('northOnly')}"]),
    "IC-20": (
        dict(remove="ex:england ex:hasPart ex:southWest ."),
        [f"IC-20 codes from hierarchy: {o(name)} has {o('region')} value {o('southWest')}, which"
         f" is not reachable from a root of {o('regionTree')} along {o('hasPart')}"
         for name in ("p3", "p4")]),
    "IC-21": (
        dict(remove="ex:youth ex:within ex:allAges ."),
        [f"IC-21 codes from hierarchy (inverse): {o(name)} has {o('ageGroup')} value {o('youth')},"
         f" which is not reachable from a root of {o('ageBands')} along the inverse of"
         f" {o('within')}" for name in ("p3", "p4")]),
}


@pytest.mark.parametrize("change, expected", DEFECTS.values(), ids=DEFECTS.keys())
def test_planted_defect_gives_exactly_the_expected_lines(change, expected):
    assert integrity_violations(cube(**change)) == expected


def test_every_constraint_has_a_planted_defect():
    covered = {key.split()[0] for key in DEFECTS}
    assert covered == {f"IC-{n}" for n in range(1, 22)}
