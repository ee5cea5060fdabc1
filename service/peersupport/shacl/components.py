"""The constraint components of the set-at-a-time SHACL engine (``shacl.engine``): SHACL Core, the
SHACL-SPARQL ``sh:sparql`` constraints, and SPARQL-based constraint components declared in the
shapes graph. Each checker takes every focus node of a shape with its value nodes at once and
returns the results."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from peersupport.shacl import rewriting as sparql
from peersupport.shacl.model import INSTANCE_PATH, InvalidShapes, RawResult, Unsupported
from peersupport.shacl.terms import term_text, to_ox

_NODE_KINDS = {
    SH.IRI: (ox.NamedNode,), SH.BlankNode: (ox.BlankNode,), SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode), SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal)}
_COMPARISONS = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}


def _all(values: dict) -> list:
    return list(dict.fromkeys(v for vs in values.values() for v in vs))


def _each_value(shape, component, values, failing) -> list:
    """A result for each value node in ``failing``."""
    return [RawResult(f, shape.path, v, component, shape) for f, vs in values.items() for v in vs if v in failing]


def _text(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


# --- value type, cardinality, range, string -------------------------------------------------------

def check_class(run, shape, p, focus, values):
    nodes = _all(values)
    instances = run.matching(nodes, f"?this {INSTANCE_PATH} {term_text(p['class'])} .")
    return _each_value(shape, SH.ClassConstraintComponent, values, set(nodes) - instances)


def check_datatype(run, shape, p, focus, values):
    datatype = p["datatype"]

    def has_datatype(v):
        if not isinstance(v, ox.Literal):
            return False
        written = run.written(v)
        if datatype == RDF.langString:
            return bool(written.language)
        return written.datatype == datatype and not written.language and run.well_formed(v) if datatype != XSD.string \
            else (written.datatype in (None, XSD.string) and not written.language)

    return _each_value(shape, SH.DatatypeConstraintComponent, values, {v for v in _all(values) if not has_datatype(v)})


def check_node_kind(run, shape, p, focus, values):
    kinds = _NODE_KINDS.get(p["kind"])
    if kinds is None:
        raise InvalidShapes(f"unknown sh:nodeKind {p['kind']}")
    return _each_value(shape, SH.NodeKindConstraintComponent, values,
                       {v for v in _all(values) if not isinstance(v, kinds)})


def check_count(run, shape, p, focus, values):
    limit, at_least = p["count"], p["min"]
    component = SH.MinCountConstraintComponent if at_least else SH.MaxCountConstraintComponent
    return [RawResult(f, shape.path, None, component, shape) for f, vs in values.items()
            if (len(vs) < limit if at_least else len(vs) > limit)]


def check_range(run, shape, p, focus, values):
    nodes = _all(values)
    failing = run.matching(nodes, f"FILTER (!COALESCE(?this {p['op']} {term_text(p['bound'])}, false))")
    return _each_value(shape, p["component"], values, failing)


def check_length(run, shape, p, focus, values):
    limit, at_least = p["length"], p["min"]

    def fails(v):
        if isinstance(v, ox.BlankNode):
            return True
        length = len(str(run.written(v)))
        return length < limit if at_least else length > limit

    component = SH.MinLengthConstraintComponent if at_least else SH.MaxLengthConstraintComponent
    return _each_value(shape, component, values, {v for v in _all(values) if fails(v)})


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def check_pattern(run, shape, p, focus, values):
    """With Python's re on the written lexical form, as pySHACL does (XPath regexes differ little)."""
    flags = str(p["flags"] or "")
    pattern = re.escape(str(p["pattern"])) if "q" in flags else str(p["pattern"])
    regex = re.compile(pattern, sum(_FLAGS.get(f, 0) for f in flags))
    failing = {v for v in _all(values) if isinstance(v, ox.BlankNode) or not regex.search(str(run.written(v)))}
    return _each_value(shape, SH.PatternConstraintComponent, values, failing)


def _lang_matches(tag: str, ranges: list[str]) -> bool:
    tag = tag.lower()
    return bool(tag) and any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)


def check_language_in(run, shape, p, focus, values):
    ranges = [str(r).lower() for r in p["languages"]]
    failing = {v for v in _all(values) if not (isinstance(v, ox.Literal) and _lang_matches(v.language or "", ranges))}
    return _each_value(shape, SH.LanguageInConstraintComponent, values, failing)


def check_unique_lang(run, shape, p, focus, values):
    results = []
    for f, vs in values.items():
        tags = [v.language.lower() for v in vs if isinstance(v, ox.Literal) and v.language]
        for tag in dict.fromkeys(t for t in tags if tags.count(t) > 1):
            results.append(RawResult(f, shape.path, None, SH.UniqueLangConstraintComponent, shape))
    return results


# --- property pairs ---------------------------------------------------------------------------------

def _other_values(run, focus, predicate) -> dict:
    other = {f: set() for f in focus}
    for this, value in run.query(f"SELECT ?this ?o WHERE {{ {run.node_set(focus)} ?this {term_text(predicate)} ?o }}"):
        other[this].add(value)
    return other


def check_equals(run, shape, p, focus, values):
    other = _other_values(run, focus, p["property"])
    results = []
    for f, vs in values.items():
        mine = set(vs)
        for v in list(dict.fromkeys(vs)) + sorted(other[f] - mine, key=str):
            if (v in mine) != (v in other[f]):
                results.append(RawResult(f, shape.path, v, SH.EqualsConstraintComponent, shape))
    return results


def check_disjoint(run, shape, p, focus, values):
    other = _other_values(run, focus, p["property"])
    return [RawResult(f, shape.path, v, SH.DisjointConstraintComponent, shape)
            for f, vs in values.items() for v in vs if v in other[f]]


def check_less_than(run, shape, p, focus, values):
    value_pattern = f"?this {shape.path_sparql} ?value ." if shape.path is not None else "BIND (?this AS ?value)"
    query = (f"SELECT DISTINCT ?this ?value ?o WHERE {{ {run.node_set(focus)} {value_pattern} "
             f"?this {term_text(p['property'])} ?o . FILTER (!COALESCE(?value {p['op']} ?o, false)) }}")
    return [RawResult(this, shape.path, value, p["component"], shape) for this, value, _ in run.query(query)]


# --- values ----------------------------------------------------------------------------------------

def check_has_value(run, shape, p, focus, values):
    return [RawResult(f, shape.path, None, SH.HasValueConstraintComponent, shape)
            for f, vs in values.items() if p["value"] not in {run.written_ox(v) for v in vs}]


def check_in(run, shape, p, focus, values):
    allowed = set(p["members"])
    return _each_value(shape, SH.InConstraintComponent, values,
                       {v for v in _all(values) if run.written_ox(v) not in allowed})


def check_closed(run, shape, p, focus, values):
    nodes = _all(values)
    if not nodes:
        return []
    allowed = ", ".join(term_text(a) for a in p["allowed"])
    query = f"SELECT ?this ?p ?o WHERE {{ {run.node_set(nodes)} ?this ?p ?o FILTER (?p NOT IN ({allowed})) }}"
    extra: dict = {}
    for this, predicate, obj in run.query(query):
        extra.setdefault(this, []).append((predicate, obj))
    return [RawResult(f, URIRef(predicate.value), obj, SH.ClosedConstraintComponent, shape)
            for f, vs in values.items() for v in vs for predicate, obj in extra.get(v, ())]


# --- shapes -----------------------------------------------------------------------------------------

def check_logical(run, shape, p, focus, values):
    nodes = _all(values)
    conforming = [run.conforming(member, nodes) for member in p["shapes"]]
    test = {
        SH.NotConstraintComponent: lambda n: n in conforming[0],
        SH.AndConstraintComponent: lambda n: not all(n in c for c in conforming),
        SH.OrConstraintComponent: lambda n: not any(n in c for c in conforming),
        SH.XoneConstraintComponent: lambda n: sum(n in c for c in conforming) != 1,
        SH.NodeConstraintComponent: lambda n: n not in conforming[0],
    }[p["component"]]
    return _each_value(shape, p["component"], values, {n for n in nodes if test(n)})


def check_property(run, shape, p, focus, values):
    """The property shape's results on the value nodes, repeated for each focus node that has the
    value node (as an engine going focus node by focus node reports them)."""
    by_value: dict = {}
    for r in run.check(p["shapes"][0], _all(values)):
        by_value.setdefault(r.origin, []).append(r)
    return [replace(r, via=f) for f, vs in values.items() for v in vs for r in by_value.get(v, ())]


def check_qualified(run, shape, p, focus, values):
    nodes = _all(values)
    conforming = run.conforming(p["shapes"][0], nodes)
    for sibling in p["siblings"]:
        conforming = conforming - run.conforming(sibling, nodes)
    results = []
    for f, vs in values.items():
        count = sum(v in conforming for v in vs)
        if p["min"] is not None and count < p["min"]:
            results.append(RawResult(f, shape.path, None, SH.QualifiedMinCountConstraintComponent, shape))
        if p["max"] is not None and count > p["max"]:
            results.append(RawResult(f, shape.path, None, SH.QualifiedMaxCountConstraintComponent, shape))
    return results


# --- SHACL-SPARQL -----------------------------------------------------------------------------------

def _run_select(run, shape, p, focus, values) -> list:
    """Solutions of a SELECT constraint or validator as dicts, $this bound to each focus node."""
    text = p["query"]
    if not focus:
        return []
    solutions = []
    if p["joinable"]:
        focus_pattern = run.node_set(focus)
        prologue = text[:sparql.Analysis(text, sparql.PRE_BOUND).select_start]
        for start, end, inner in reversed(sparql.exists_blocks(text)):
            matching = run.matching(focus, inner, prologue)
            text = text[:start] + "{ " + run.node_set(matching) + " }" + text[end:]
        result = run.query(sparql.set_at_a_time(text, focus_pattern))
        names = [v.value for v in result.variables]
        solutions = [dict(zip(names, s)) for s in result]
    else:  # one query per focus node, the node written into the query's text
        for f in focus:
            if isinstance(f, ox.BlankNode):
                raise Unsupported(f"a blank focus node with a SPARQL query that must be run per node ({shape.node})")
            result = run.query(sparql.prebind(text, "this", str(f)))
            names = [v.value for v in result.variables]
            solutions += [{**dict(zip(names, s)), "this": f} for s in result]
    return solutions


def _messages(templates, solution: dict) -> tuple:
    bindings = {name: _text(term) for name, term in solution.items() if term is not None}
    return tuple(Literal(sparql.fill_message(str(m), bindings), lang=m.language) for m in templates)


def check_select(run, shape, p, focus, values):
    results = []
    for solution in _run_select(run, shape, p, focus, values):
        failure = solution.get("failure")
        if isinstance(failure, ox.Literal) and failure.value == "true":
            raise RuntimeError(f"the SPARQL constraint of {shape.node} reported a failure")
        this = solution["this"]
        path = solution.get("path")
        path = URIRef(path.value) if isinstance(path, ox.NamedNode) else shape.path
        value = solution.get("value")
        if value is None and shape.path is None:
            value = this
        message = solution.get("message")
        messages = (Literal(message.value, lang=message.language),) if isinstance(message, ox.Literal) else \
            _messages(p["messages"], {**p["bindings"], **solution})
        results.append(RawResult(this, path, value, p["component"], shape, messages, p["constraint"]))
    return results


def check_ask(run, shape, p, focus, values):
    pairs = [(f, v) for f, vs in values.items() for v in vs]
    if not pairs:
        return []
    query = sparql.ask_as_select(p["query"], run.pair_set(pairs))
    return [RawResult(this, shape.path, value, p["component"], shape,
                 _messages(p["messages"], {**p["bindings"], "this": this, "value": value}), p["constraint"])
            for this, value in run.query(query)]


# --- compiling --------------------------------------------------------------------------------------

def _true(value) -> bool:
    """Only "true"^^xsd:boolean switches a boolean parameter on ("1" does not: W3C uniqueLang-002)."""
    return isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) == "true"


def _one(g, node, predicate):
    values = list(g.objects(node, predicate))
    if len(values) > 1:
        raise InvalidShapes(f"{g.qname(predicate)} has {len(values)} values on {node}")
    return values[0] if values else None


def _integer(g, node, predicate):
    value = _one(g, node, predicate)
    if value is None:
        return None
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
        raise InvalidShapes(f"{g.qname(predicate)} must be an integer on {node}")
    return value.toPython()


def _query_text(shapes, shape, node, bindings: dict) -> str:
    g = shapes.graph
    text = g.value(node, SH.select) or g.value(node, SH.ask)
    if text is None:
        raise InvalidShapes(f"{node} has neither sh:select nor sh:ask")
    text = sparql.prefixes(g, node) + str(text)
    analysis = sparql.Analysis(text, sparql.PRE_BOUND + tuple(bindings))
    if "shapesGraph" in analysis.uses:
        raise Unsupported("$shapesGraph in a SPARQL query")
    # Found by the differential test: a SELECT whose WHERE ignores $this is pySHACL's to answer
    # (pre-binding gives it no focus node to join on). ASK validators check $value, not $this.
    if g.value(node, SH.select) is not None and "this" not in analysis.where_uses:
        raise Unsupported("a SPARQL SELECT query that does not use $this")
    if "PATH" in analysis.uses and shape.path is None:
        raise InvalidShapes(f"$PATH in the SPARQL query of node shape {shape.node}")
    substitutions = {name: term_text(term) for name, term in bindings.items()}
    if "currentShape" in analysis.uses:
        substitutions["currentShape"] = term_text(shape.node)
    if shape.path is not None:
        substitutions["PATH"] = shape.path_sparql
    return sparql.substitute(text, substitutions)


def _sparql_constraint(shapes, shape, node, component, bindings: dict, messages) -> tuple:
    text = _query_text(shapes, shape, node, bindings)
    is_ask = shapes.graph.value(node, SH.ask) is not None
    parameters = {"query": text, "component": component, "constraint": node, "messages": messages,
                  "bindings": {name: to_ox(term) for name, term in bindings.items()},
                  "joinable": is_ask or sparql.Analysis(text, sparql.PRE_BOUND).joinable}
    return (check_ask if is_ask else check_select), parameters


def _custom_components(shapes, shape) -> list:
    """SPARQL-based constraint components (SHACL 1.1 §6) whose mandatory parameters the shape has."""
    g, out = shapes.graph, []
    kinds = set(g.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
    for component in sorted({c for kind in kinds for c in g.subjects(RDF.type, kind)}, key=str):
        parameters = []
        for parameter in g.objects(component, SH.parameter):
            path = g.value(parameter, SH.path)
            optional = _true(g.value(parameter, SH.optional))
            parameters.append((path, optional))
        if not parameters or not all(optional or g.value(shape.node, path) is not None for path, optional in parameters):
            continue
        kind = SH.propertyValidator if shape.path is not None else SH.nodeValidator
        validator = g.value(component, kind) or g.value(component, SH.validator)
        if validator is None:
            raise Unsupported(f"constraint component {component} has no validator for shape {shape.node}")
        present = [(path, list(g.objects(shape.node, path))) for path, _ in parameters]
        present = [(path, vals) for path, vals in present if vals]
        for combination in itertools.product(*(vals for _, vals in present)):
            bindings = {str(path).rsplit("#", 1)[-1].rsplit("/", 1)[-1]: value
                        for (path, _), value in zip(present, combination)}
            messages = tuple(g.objects(validator, SH.message)) or tuple(g.objects(component, SH.message))
            out.append(_sparql_constraint(shapes, shape, validator, component, bindings, messages))
    return out


def compile_constraints(shapes, shape) -> list:
    g, node, out = shapes.graph, shape.node, []

    def add(checker, **parameters):
        out.append((checker, parameters))

    for c in g.objects(node, SH["class"]):
        add(check_class, **{"class": c})
    for d in g.objects(node, SH.datatype):
        add(check_datatype, datatype=d)
    for k in g.objects(node, SH.nodeKind):
        add(check_node_kind, kind=k)
    for predicate, at_least in ((SH.minCount, True), (SH.maxCount, False)):
        count = _integer(g, node, predicate)
        if count is not None:
            if shape.path is None:
                raise InvalidShapes(f"{g.qname(predicate)} on node shape {node}")
            add(check_count, count=count, min=at_least)
    for predicate, op in _COMPARISONS.items():
        for bound in g.objects(node, predicate):
            add(check_range, op=op, bound=bound, component=SH[predicate.split("#")[1][0].upper() + predicate.split("#")[1][1:] + "ConstraintComponent"])
    for predicate, at_least in ((SH.minLength, True), (SH.maxLength, False)):
        length = _integer(g, node, predicate)
        if length is not None:
            add(check_length, length=length, min=at_least)
    flags = _one(g, node, SH.flags)
    for pattern in g.objects(node, SH.pattern):
        add(check_pattern, pattern=pattern, flags=flags)
    for head in g.objects(node, SH.languageIn):
        add(check_language_in, languages=list(Collection(g, head)))
    if any(_true(v) for v in g.objects(node, SH.uniqueLang)):
        add(check_unique_lang)
    for predicate, checker, op, component in (
            (SH.equals, check_equals, None, SH.EqualsConstraintComponent),
            (SH.disjoint, check_disjoint, None, SH.DisjointConstraintComponent),
            (SH.lessThan, check_less_than, "<", SH.LessThanConstraintComponent),
            (SH.lessThanOrEquals, check_less_than, "<=", SH.LessThanOrEqualsConstraintComponent)):
        for other in g.objects(node, predicate):
            add(checker, property=other, op=op, component=component)
    for value in g.objects(node, SH.hasValue):
        add(check_has_value, value=to_ox(value))
    for head in g.objects(node, SH["in"]):
        add(check_in, members=[to_ox(m) for m in Collection(g, head)])
    if any(_true(v) for v in g.objects(node, SH.closed)):
        allowed = [g.value(p, SH.path) for p in g.objects(node, SH.property)]
        allowed = [a for a in allowed if isinstance(a, URIRef)]
        for head in g.objects(node, SH.ignoredProperties):
            allowed += list(Collection(g, head))
        add(check_closed, allowed=allowed)
    for predicate, component in ((SH["not"], SH.NotConstraintComponent), (SH.node, SH.NodeConstraintComponent)):
        for ref in g.objects(node, predicate):
            add(check_logical, shapes=[shapes.shape(ref)], component=component)
    for predicate, component in ((SH["and"], SH.AndConstraintComponent), (SH["or"], SH.OrConstraintComponent),
                                 (SH.xone, SH.XoneConstraintComponent)):
        for head in g.objects(node, predicate):
            add(check_logical, shapes=[shapes.shape(m) for m in Collection(g, head)], component=component)
    for ref in g.objects(node, SH.property):
        add(check_property, shapes=[shapes.shape(ref)])
    for ref in g.objects(node, SH.qualifiedValueShape):
        siblings = []
        if _true(_one(g, node, SH.qualifiedValueShapesDisjoint)):
            for parent in g.subjects(SH.property, node):
                for other in g.objects(parent, SH.property):
                    siblings += [s for s in g.objects(other, SH.qualifiedValueShape) if s != ref]
        minimum, maximum = _integer(g, node, SH.qualifiedMinCount), _integer(g, node, SH.qualifiedMaxCount)
        if minimum is not None or maximum is not None:
            add(check_qualified, shapes=[shapes.shape(ref)], siblings=[shapes.shape(s) for s in dict.fromkeys(siblings)],
                min=minimum, max=maximum)
    for constraint in g.objects(node, SH.sparql):
        if any(_true(v) for v in g.objects(constraint, SH.deactivated)):
            continue
        out.append(_sparql_constraint(shapes, shape, constraint, SH.SPARQLConstraintComponent, {},
                                      tuple(g.objects(constraint, SH.message))))
    out += _custom_components(shapes, shape)
    return out


CORE = {SH[name] for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
    "lessThan", "lessThanOrEquals", "hasValue", "in", "closed", "not", "and", "or", "xone", "node", "property",
    "qualifiedValueShape")}
