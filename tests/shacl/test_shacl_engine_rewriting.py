"""Rewritings of SHACL-SPARQL the set-at-a-time engine once got wrong silently, each compared with
pySHACL result for result: ``$this`` inside ``NOT EXISTS`` within a ``UNION`` branch (which needs
pre-binding, not a join at the top), and an ASK validator whose prefix IRI contains ``/ask/``."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from peersupport.shacl.engine import ShapesGraph
from peersupport.shacl.model import Unsupported
from peersupport.shacl.rewriting import Analysis, PRE_BOUND, ask_as_select
from peersupport.shacl.terms import load_graph

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/ask/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex: a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/ask/"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .
"""

DATA = PREFIXES + """
ex:a a ex:Thing ; ex:p ex:b .
ex:b a ex:Thing .
ex:c a ex:Thing ; ex:q 1 .
"""

UNION_NOT_EXISTS = PREFIXES + """
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:prefixes ex: ; sh:select \"\"\"
        SELECT $this WHERE {
            { ?x a ex:Thing . FILTER (?x = ex:b) FILTER NOT EXISTS { $this ex:p ?x } }
            UNION
            { ?x ex:never ?z }
        }\"\"\" ] .
"""

ASK_VALIDATOR = PREFIXES + """
ex:HasP a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:needs ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:prefixes ex: ;
        sh:ask "ASK { $this ex:p ?any }" ] .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; ex:needs true ;
    sh:property [ sh:path ex:p ; ex:needs true ] .
"""


def _ours(shapes: Graph, data: Graph) -> set:
    store = ox.Store()
    originals = load_graph(store, data)
    return {(str(r.focus), str(r.component), None if r.value is None else str(r.value))
            for r in ShapesGraph(shapes).validate(store, originals)}


def _pyshacls(shapes: Graph, data: Graph) -> set:
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    out = set()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(node, SH.value)
        out.add((str(report.value(node, SH.focusNode)), str(report.value(node, SH.sourceConstraintComponent)),
                 None if value is None else str(value)))
    return out


@pytest.mark.parametrize("shapes_text", [UNION_NOT_EXISTS, ASK_VALIDATOR], ids=["not-exists-in-union", "ask-prefix"])
def test_the_engine_gives_pyshacls_results(shapes_text):
    shapes, data = Graph().parse(data=shapes_text, format="turtle"), Graph().parse(data=DATA, format="turtle")
    theirs = _pyshacls(shapes, data)
    assert len(theirs) == 2, theirs  # b and c (ex:a points to ex:b); ex:b and ex:c lack ex:p
    assert _ours(shapes, data) == theirs


def test_this_in_not_exists_inside_a_union_branch_is_not_joined_at_the_top():
    union = "SELECT $this WHERE { { ?x a ?c . FILTER NOT EXISTS { $this ?p ?x } } UNION { ?x ?q ?o } }"
    top = "SELECT $this WHERE { ?x a ?c . FILTER NOT EXISTS { $this ?p ?x } }"
    optional = "SELECT $this WHERE { ?x a ?c . OPTIONAL { ?x ?r ?y . FILTER NOT EXISTS { $this ?p ?y } } }"
    assert [Analysis(q, PRE_BOUND).joinable for q in (union, top, optional)] == [False, True, True]


def test_an_ask_validator_keeps_a_prefix_naming_ask():
    text = "PREFIX ex: <http://example.org/ask/>\nASK { $this ex:p ?any }"
    rewritten = ask_as_select(text, "?this ?value")
    assert rewritten.startswith("PREFIX ex: <http://example.org/ask/>\n SELECT ?this ?value WHERE")


def test_a_rewriting_that_does_not_parse_falls_back_rather_than_failing():
    from peersupport.shacl.engine import Run

    run = Run.__new__(Run)
    run.store = ox.Store()
    with pytest.raises(Unsupported, match="a rewritten SPARQL query does not parse"):
        run.query("SELECT ?x WHERE { ?x }")
