"""Joined with the focus nodes or run once per focus node, a SHACL-SPARQL constraint gives the same
results: on generated queries, the engine as compiled (one query with ``$this`` joined at the top
where the parsed reading calls it joinable, top-level EXISTS run once as a membership test)
against the same engine with every SELECT constraint run per focus node (``$this`` written into
the text: pre-binding), result for result and as often, both on Oxigraph. No pySHACL here, so
the cases can be many and put ``$this`` (and ``$value``) where the rewriting must tell joinable
from not: triples, FILTER, BIND, OPTIONAL within OPTIONAL, UNION, nested groups, EXISTS / NOT
EXISTS at any depth, subqueries, strings and comments naming ``$this`` or holding braces. ASK
validators: the wrapped query against one ASK per (focus node, value node) pair. Derandomized."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from peersupport.shacl.engine import ShapesGraph
from peersupport.shacl.model import InvalidShapes, Unsupported
from peersupport.shacl.rewriting import ask_as_select, prebind
from peersupport.shacl.terms import load_graph

EX = "http://example.org/"
NODES = ["ex:a", "ex:b", "ex:c", "ex:d"]
PATHS = st.sampled_from(["ex:p", "ex:q", "ex:p/ex:q", "ex:p*", "^ex:p", "(ex:p|ex:q)"])
TERMS = st.sampled_from(["$this", "?value", "?x", "ex:a", "ex:b"])
FILTERS = st.sampled_from(["FILTER (?x != $this)", "FILTER (BOUND(?x) || !BOUND($this))", "FILTER (?value = $this)",
                           'FILTER (STR(?x) != "} $this { BOUND(?this)")', "FILTER (isIRI($this))"])
PROLOGUE = "PREFIX ex: <http://example.org/>\n"
OUTCOMES: Counter = Counter()


@st.composite
def triples(draw):
    return f"{draw(TERMS)} {draw(PATHS)} {draw(TERMS)} ."


def patterns(depth: int):
    base = st.one_of(st.lists(triples(), min_size=1, max_size=2).map(" ".join),
                     st.tuples(triples(), FILTERS).map(" ".join))
    if depth == 0:
        return base
    inner = patterns(depth - 1)
    fresh = st.integers(0, 10**6)
    return st.one_of(
        base,
        st.tuples(inner, inner).map(lambda t: f"{{ {t[0]} }} UNION {{ {t[1]} }}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} OPTIONAL {{ {t[1]} }}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} FILTER EXISTS {{ {t[1]} }}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} FILTER NOT EXISTS {{ {t[1]} }}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} {{ SELECT $this ?value ?x WHERE {{ {t[1]} }} }}"),
        st.tuples(inner, fresh).map(lambda t: f"{t[0]} BIND ($this AS ?b{t[1]})"),
        st.tuples(inner, fresh).map(lambda t: f"BIND ($this AS ?b{t[1]}) {t[0]}"),
        st.tuples(inner, FILTERS).map(" ".join),
        inner.map(lambda p: f"{{ {p} }}"),
        inner.map(lambda p: f"# a comment: $this {{ }}\n{p}"),
    )


@st.composite
def graphs(draw):
    statements = draw(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(["ex:p", "ex:q"]),
                                         st.sampled_from(NODES + ['"x"'])), max_size=8, unique=True))
    typed = draw(st.lists(st.sampled_from(NODES), min_size=1, max_size=4, unique=True))
    return "@prefix ex: <http://example.org/> .\nex:n ex:r ex:a, ex:b, ex:c, ex:d .\n" \
        + "".join(f"{s} {p} {o} .\n" for s, p, o in statements) + "".join(f"{n} a ex:T .\n" for n in typed)


@st.composite
def select_cases(draw):
    projection = draw(st.sampled_from(["$this ?value", "$this", "?value", "*", "DISTINCT ?value",
                                       "(STR($this) AS ?name) ?value"]))
    query = f"SELECT {projection} WHERE {{ {draw(patterns(2))} }}"
    on_property = draw(st.booleans())
    shapes = ('@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n'
              '@prefix owl: <http://www.w3.org/2002/07/owl#> .\n'
              'ex: a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^'
              '<http://www.w3.org/2001/XMLSchema#anyURI> ] .\n'
              'ex:Shape a sh:NodeShape ; sh:targetClass ex:T ;\n'
              + ('  sh:property [ sh:path ex:p ; sh:sparql ex:Constraint ] .\n' if on_property else
                 '  sh:sparql ex:Constraint .\n')
              + f'ex:Constraint sh:prefixes ex: ; sh:select """{query}""" .\n')
    return shapes, draw(graphs())


def _results(compiled: ShapesGraph, data: Graph) -> Counter:
    store = ox.Store()
    originals = load_graph(store, data)
    return Counter((r.focus, r.path, r.value, r.source_shape) for r in compiled.validate(store, originals))


def _per_focus_node(compiled: ShapesGraph) -> ShapesGraph:
    for shape in compiled._shapes.values():
        for _, parameters in shape.constraints:
            if "joinable" in parameters:
                parameters["joinable"] = False
    return compiled


@settings(max_examples=600, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(select_cases())
def test_joined_and_per_focus_node_give_the_same_results(case):
    shapes_text, data_text = case
    shapes, data = Graph().parse(data=shapes_text, format="turtle"), Graph().parse(data=data_text, format="turtle")
    try:
        compiled = ShapesGraph(shapes)
        joinable = any(p.get("joinable") for s in compiled._shapes.values() for _, p in s.constraints)
        joined = _results(compiled, data)
        one_by_one = _results(_per_focus_node(compiled), data)
    except (Unsupported, InvalidShapes):
        OUTCOMES["refused"] += 1
        return
    OUTCOMES["joined" if joinable else "per focus node"] += 1
    assert joined == one_by_one, f"{shapes_text}\n{data_text}"


ASK_FILTERS = st.sampled_from(["FILTER ($value != $this)", "FILTER (isIRI($value))", 'FILTER (STR($value) != "ASK { $this }")'])


@st.composite
def ask_cases(draw):
    terms = st.sampled_from(["$this", "$value", "?x", "ex:a"])
    triple = st.tuples(terms, PATHS, terms).map(lambda t: f"{t[0]} {t[1]} {t[2]} .")
    pattern = draw(st.one_of(
        triple, st.tuples(triple, ASK_FILTERS).map(" ".join),
        st.tuples(triple, triple).map(lambda t: f"{t[0]} OPTIONAL {{ {t[1]} }}"),
        st.tuples(triple, triple).map(lambda t: f"{{ {t[0]} }} UNION {{ {t[1]} }}"),
        st.tuples(triple, triple).map(lambda t: f"{t[0]} FILTER NOT EXISTS {{ {t[1]} FILTER ($value != ?x) }}"),
        st.tuples(triple, st.integers(0, 9)).map(lambda t: f"{t[0]} BIND ($value AS ?v{t[1]})"),
        st.tuples(triple, triple).map(lambda t: f"{t[0]} {{ SELECT $this $value ?x WHERE {{ {t[1]} }} }}")))
    pairs = draw(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), min_size=1, max_size=6, unique=True))
    return f"{PROLOGUE}ASK {{ # {{ ASK\n {pattern} }}", pairs, draw(graphs())


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ask_cases())
def test_a_wrapped_ask_gives_each_pairs_answer(case):
    text, pairs, data_text = case
    store = ox.Store()
    load_graph(store, Graph().parse(data=data_text, format="turtle"))
    nodes = [(ox.NamedNode(EX + f[3:]), ox.NamedNode(EX + v[3:])) for f, v in pairs]
    values = "VALUES (?this ?value) { " + " ".join(f"({f} {v})" for f, v in nodes) + " }"
    try:
        wrapped = {(row["this"], row["value"]) for row in store.query(ask_as_select(text, values))}
    except Unsupported:
        OUTCOMES["ask refused"] += 1
        return
    one_by_one = {(f, v) for f, v in nodes if not store.query(prebind(prebind(text, "this", str(f)), "value", str(v)))}
    OUTCOMES["ask"] += 1
    assert wrapped == one_by_one, text


def test_the_generated_cases_are_mostly_compared():
    """Worth something only if many cases are run both ways, joined ones among them."""
    if not OUTCOMES:
        test_joined_and_per_focus_node_give_the_same_results()
        test_a_wrapped_ask_gives_each_pairs_answer()
    assert OUTCOMES["joined"] > 150 and OUTCOMES["per focus node"] > 150 and OUTCOMES["ask"] > 150, OUTCOMES
