"""Where ``$this`` stands decides how the set-at-a-time engine runs a SHACL-SPARQL constraint (one
query joined with the focus nodes, or one query per focus node): each case here gives its exact
results, the same as pySHACL's, and the decision read from the parsed query. Some of these the
token-based reading got wrong: ``$this`` in a BIND inside an OPTIONAL was joined at the top (a
result too many), ``BOUND(?this)`` inside a string was rewritten as ``(true)``, ``BIND (... AS
?value)`` in a SELECT was refused as invalid, and ``(STR($this) AS ?name)`` was taken for
projecting ``$this``. Every prefix here names a namespace holding ``/ask/`` (which once cut an ASK
validator's prologue)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from peersupport.shacl.engine import ShapesGraph
from peersupport.shacl.model import InvalidShapes, Unsupported
from peersupport.shacl.rewriting import PRE_BOUND, Analysis

from .test_shacl_engine_rewriting import PREFIXES, _ours, _pyshacls

EX = "http://example.org/ask/"
SPARQL = "http://www.w3.org/ns/shacl#SPARQLConstraintComponent"
DATA = PREFIXES + """
ex:a a ex:Thing ; ex:p ex:b ; ex:label "BOUND(?this)" .
ex:b a ex:Thing ; ex:p ex:c .
ex:c a ex:Thing ; ex:q 1 .
"""


def _shapes(select: str) -> str:
    return PREFIXES + f'ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;\n' \
        f'    sh:sparql [ sh:prefixes ex: ; sh:select """{select}""" ] .\n'


def _results(pairs) -> set:
    """(focus, component, value) as ``_ours`` gives them: a, b and c are nodes, other values literals."""
    return {(EX + focus, SPARQL, EX + value if value in ("a", "b", "c") else value) for focus, value in pairs}


def _check(select: str, expected: set, joinable: bool) -> None:
    shapes, data = Graph().parse(data=_shapes(select), format="turtle"), Graph().parse(data=DATA, format="turtle")
    text = "PREFIX ex: <http://example.org/ask/>\n" + select
    assert Analysis(text, PRE_BOUND).joinable is joinable
    assert _ours(shapes, data) == expected
    assert _pyshacls(shapes, data) == expected


CASES = {
    # In a UNION branch, NOT EXISTS sees the branch's solutions, where $this is not yet joined.
    "not-exists-in-union-branch": (
        "SELECT $this ?value WHERE { { ?value a ex:Thing . FILTER NOT EXISTS { $this ex:p ?value } }"
        " UNION { $this ex:q ?value } }",
        [("a", "a"), ("a", "c"), ("b", "a"), ("b", "b"), ("c", "a"), ("c", "b"), ("c", "c"), ("c", "1")], False),
    # A subquery is evaluated on its own: $this joined outside would not reach its FILTER.
    "subquery": (
        "SELECT $this WHERE { { SELECT $this WHERE { FILTER NOT EXISTS { $this ex:p ?any } } } }",
        [("c", "c")], False),
    "bind-at-top-level": (
        "SELECT $this ?value WHERE { BIND ($this AS ?value) FILTER NOT EXISTS { ?value ex:p ?any } }",
        [("c", "c")], True),
    "top-level-optional": (
        "SELECT $this ?value WHERE { ?value a ex:Thing . OPTIONAL { $this ex:p ?linked FILTER (?linked = ?value) }"
        " FILTER (!BOUND(?linked)) }",
        [("a", "a"), ("a", "c"), ("b", "a"), ("b", "b"), ("c", "a"), ("c", "b"), ("c", "c")], True),
    # An OPTIONAL's BIND is evaluated in the OPTIONAL's group, before the join: joined at the top,
    # ?from was unbound and ex:a reported (the token reading did so).
    "bind-inside-optional": (
        "SELECT $this ?value WHERE { $this ex:p ?value . OPTIONAL { ?value ex:p ?next . BIND ($this AS ?from) }"
        " FILTER (BOUND(?next) && !BOUND(?from)) }",
        [], False),
    # Run per focus node (UNION): BOUND(?this) inside a string is text, not a call to rewrite.
    "comment-and-strings-per-node": (
        "SELECT $this ?value WHERE { # a comment naming $this, opening { a group\n"
        "  { $this ex:label ?value . FILTER (?value = \"BOUND(?this)\") }"
        " UNION { $this ex:q ?value . FILTER (STR(?value) != \"} $this {\") } }",
        [("a", "BOUND(?this)"), ("c", "1")], False),
    "comment-and-strings-joined": (
        "SELECT $this WHERE { # } $this {\n $this ex:label ?label . FILTER (?label != \"{ $this }\") }",
        [("a", "a")], True),
    # $value is pre-bound in ASK validators only: a SELECT may bind it.
    "value-bound-in-select": (
        "SELECT $this ?value WHERE { $this ex:p ?o . BIND (CONCAT(\"to \", STR(?o)) AS ?value) FILTER (STRENDS(?value, \"c\")) }",
        [("b", "to http://example.org/ask/c")], True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_exact_results(name):
    select, pairs, joinable = CASES[name]
    _check(select, _results(pairs), joinable)


def test_an_expression_on_this_in_the_projection_is_not_projecting_this():
    text = "SELECT (STR($this) AS ?name) WHERE { $this ex:p ?o }"
    assert not Analysis(text, PRE_BOUND).projects_this
    assert Analysis("SELECT * WHERE { $this ex:p ?o }", PRE_BOUND).projects_this


def test_a_namespace_sparql_cannot_write_is_named():
    shapes = _shapes("SELECT $this WHERE { $this ex:p ?o }").replace(
        'sh:namespace "http://example.org/ask/"', 'sh:namespace "http://example.org/{ask}/"')
    with pytest.raises(InvalidShapes, match=r"namespace <http://example.org/\{ask\}/> of prefix ex: .* '\{', '\}'"):
        ShapesGraph(Graph().parse(data=shapes, format="turtle"))


def test_an_ask_validator_with_braces_and_ask_in_strings():
    shapes = PREFIXES + """
ex:Unlike a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:unlike ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:prefixes ex: ;
        sh:ask \"\"\"ASK { # ASK { in a comment
            FILTER (STR($value) != "ASK { $this }" && $value != $unlike) }\"\"\" ] .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:p ; ex:unlike ex:c ] .
"""
    shapes, data = Graph().parse(data=shapes, format="turtle"), Graph().parse(data=DATA, format="turtle")
    expected = {(EX + "b", "http://example.org/ask/Unlike", EX + "c")}
    assert _ours(shapes, data) == expected
    # pySHACL leaves sh:value out of an ASK validator's results (SHACL 1.1 §6.3.2 has it: the value node)
    assert {(f, c) for f, c, _ in _pyshacls(shapes, data)} == {(f, c) for f, c, _ in expected}


@pytest.mark.parametrize("text, message", [
    ("SELECT $this (1 AS ?this) WHERE { ?x ex:p ?o }", r"binding the pre-bound variable \$this with AS"),
    ("SELECT $this WHERE { $this ex:p ?o MINUS { $this ex:q ?o } }", "MINUS"),
    ("SELECT $this WHERE { { SELECT ?o WHERE { $this ex:p ?o } } }", r"subquery that does not return \$this"),
    ("SELECT $this WHERE { { SELECT * WHERE { FILTER ($this = ex:a) } } }", r"SELECT \* that does not return \$this"),
    ("ASK { { SELECT $this WHERE { $this ex:p $value } } }", r"subquery that does not return \$value"),
], ids=["as-this", "minus", "subquery", "subquery-star", "ask-subquery"])
def test_what_shacl_forbids_is_read_from_the_parsed_query(text, message):
    with pytest.raises(InvalidShapes, match=message):
        Analysis("PREFIX ex: <http://example.org/ask/>\n" + text, PRE_BOUND)


def test_a_query_rdflib_cannot_parse_is_refused_with_where():
    with pytest.raises(Unsupported, match=r"line 1, column 22"):
        Analysis("SELECT $this WHERE { $this }", PRE_BOUND)


@pytest.mark.parametrize("text", [
    "ASK { { SELECT $this $value WHERE { $this ex:p $value } } }",
    "ASK { GRAPH ?g { $this ex:p $value } }",
    "ASK { $this ex:p $value } LIMIT 1",
], ids=["subquery", "graph", "limit"])
def test_an_ask_the_wrapping_would_not_pre_bind_is_refused(text):
    with pytest.raises(Unsupported, match="an ASK validator using"):
        Analysis("PREFIX ex: <http://example.org/ask/>\n" + text, PRE_BOUND)
