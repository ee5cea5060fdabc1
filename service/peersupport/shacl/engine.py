"""A SHACL engine that validates a pyoxigraph store set-at-a-time: SHACL Core and SHACL-SPARQL
constraints (``sh:sparql``, SPARQL-based constraint components), with the results pySHACL gives.

pySHACL checks each constraint focus node by focus node (a SPARQL constraint is one query per
node); here each shape's focus nodes are found with one query, a property shape's value nodes
with one query over all its focus nodes, and each constraint is checked for all of them at once,
in SPARQL or in Python over the fetched values. Nested shapes (``sh:node``, ``sh:or``, ...) are
checked on the set of value nodes. Sets of nodes reach the queries through a named graph of the
store (``SETS``), so blank nodes and literals can be focus nodes too; the data must be in the
default graph.

``ShapesGraph(graph)`` compiles a shapes graph once, raising ``Unsupported`` for anything it does
not implement (never skipping a constraint); ``ShapesGraph.validate(store)`` returns the results.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from peersupport.deadline import NEVER, Deadline
from peersupport.shacl.components import CORE, compile_constraints
from peersupport.shacl.model import INSTANCE_PATH, EngineResult, InvalidShapes, RawResult, Shape, Unsupported
from peersupport.shacl.rewriting import Analysis, prefixes
from peersupport.shacl.terms import path_sparql, term_text, to_ox, to_rdflib, written_forms

SETS = ox.NamedNode("urn:x-peersupport-shacl:sets")
_MEMBER = ox.NamedNode("urn:x-peersupport-shacl:member")
_PAIR_THIS = ox.NamedNode("urn:x-peersupport-shacl:this")
_PAIR_VALUE = ox.NamedNode("urn:x-peersupport-shacl:value")

# sh: predicates a shape may carry that validate nothing, or that the constraint next to them reads
_PASSIVE = {SH[name] for name in (
    "name", "description", "order", "group", "defaultValue", "message", "severity", "deactivated", "path",
    "target", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "declare", "prefixes", "flags",
    "ignoredProperties", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
    "parameter", "labelTemplate", "validator", "nodeValidator", "propertyValidator", "optional")}
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
_SHAPE_REFS = (SH.node, SH["not"], SH.property, SH.qualifiedValueShape)


class ShapesGraph:
    def __init__(self, graph: Graph):
        self.graph = graph
        self._shapes: dict[object, Shape] = {}
        self.target_literals = []
        class_types = {RDFS.Class, OWL.Class} | set(graph.transitive_subjects(RDFS.subClassOf, RDFS.Class))
        candidates = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            candidates |= set(graph.subjects(predicate, None))
        for predicate in _SHAPE_REFS:
            candidates |= set(graph.objects(None, predicate))
        for predicate in _SHAPE_LISTS:
            for head in graph.objects(None, predicate):
                candidates |= set(Collection(graph, head))
        self.top = []
        for node in sorted(candidates, key=str):
            shape = self.shape(node)
            implicit = isinstance(node, URIRef) and any((node, RDF.type, t) in graph for t in class_types) and (
                (node, RDF.type, SH.NodeShape) in graph or (node, RDF.type, SH.PropertyShape) in graph)
            if implicit:
                shape.targets.append(f"?this {INSTANCE_PATH} <{node}> .")
            if shape.targets or shape.target_nodes or shape.sparql_targets:
                self.top.append(shape)
        self._refuse_cycles()
        self.target_originals = written_forms(self.target_literals)
        stored = {to_ox(written): stored for stored, written in self.target_originals.items()}
        for shape in self._shapes.values():
            shape.target_nodes = [stored.get(t, t) for t in shape.target_nodes]

    def shape(self, node) -> Shape:
        if node in self._shapes:
            return self._shapes[node]
        g = self.graph
        shape = self._shapes[node] = Shape(node)
        for target in g.objects(node, SH.target):
            shape.sparql_targets.append(self._sparql_target(target, node))
        shape.path = g.value(node, SH.path)
        if shape.path is not None:
            shape.path_sparql = self.path_sparql(shape.path)
        shape.severity = g.value(node, SH.severity) or SH.Violation
        shape.messages = tuple(g.objects(node, SH.message))
        shape.deactivated = any(isinstance(v, Literal) and v.datatype == XSD.boolean and str(v) == "true"
                                for v in g.objects(node, SH.deactivated))
        shape.target_nodes = [to_ox(t) for t in g.objects(node, SH.targetNode)]
        self.target_literals += [t for t in g.objects(node, SH.targetNode) if isinstance(t, Literal)]
        shape.targets += [f"?this {INSTANCE_PATH} {term_text(c)} ." for c in g.objects(node, SH.targetClass)]
        shape.targets += [f"?this {term_text(p)} ?_s ." for p in g.objects(node, SH.targetSubjectsOf)]
        shape.targets += [f"?_o {term_text(p)} ?this ." for p in g.objects(node, SH.targetObjectsOf)]
        unknown = {p for p in g.predicates(node) if str(p).startswith(str(SH))} - _PASSIVE - self.known_parameters()
        if (None, SH.sparql, node) in g:  # the shape is also a SPARQL constraint
            unknown -= {SH.select, SH.ask}
        if unknown:
            raise Unsupported(f"{', '.join(sorted(g.qname(p) for p in unknown))} on shape {node}")
        shape.constraints = compile_constraints(self, shape)
        return shape

    def _sparql_target(self, target, shape_node) -> str:
        """The query of a SPARQL-based target (SHACL-AF 4.1), prefixes included; ?this is each focus node."""
        g = self.graph
        select = g.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in g or select is None:
            raise Unsupported(f"sh:target other than a sh:SPARQLTarget with sh:select on {shape_node}")
        text = prefixes(g, target) + str(select)
        if "this" not in Analysis(text, ()).uses:
            raise InvalidShapes(f"the SPARQL target {target} does not select ?this")
        return text

    @staticmethod
    def known_parameters() -> set:
        return set(CORE) | {SH.sparql}

    def path_sparql(self, path) -> str:
        return path_sparql(self.graph, path)

    def _refuse_cycles(self) -> None:
        """Recursive shapes have no defined meaning in SHACL 1.0; pySHACL gives up after a depth."""
        edges = {shape: {ref for _, parameters in shape.constraints for ref in parameters.get("shapes", ())}
                 for shape in self._shapes.values()}
        state: dict = {}

        def visit(shape, trail):
            if state.get(shape) == "done":
                return
            if state.get(shape) == "open":
                raise Unsupported(f"recursive shapes ({' -> '.join(str(s.node) for s in trail + [shape])})")
            state[shape] = "open"
            for ref in edges.get(shape, ()):
                visit(ref, trail + [shape])
            state[shape] = "done"

        for shape in list(self._shapes.values()):
            visit(shape, [])

    def validate(self, store: ox.Store, originals: dict | None = None, deadline: Deadline = NEVER) -> list[EngineResult]:
        """The validation results of the store's default graph against the shapes. ``originals``:
        the written forms of the data's literals Oxigraph changed (``load_graph`` returns them).
        Raises ``errors.Timeout`` past ``deadline``, checked before each query."""
        run = Run(self, store, {**self.target_originals, **(originals or {})}, deadline)
        try:
            raw = []
            for shape in self.top:
                raw += run.check(shape, run.targets(shape))
        finally:
            run.close()
        return [EngineResult(focus=run.written(r.focus), path=r.path, value=None if r.value is None else run.written(r.value),
                             severity=r.shape.severity, component=r.component, source_shape=r.shape.node,
                             messages=r.messages or r.shape.messages, constraint=r.constraint) for r in raw]


class Run:
    """One validation of one store: the node sets put into it, and the conformance already known."""

    deadline: Deadline = NEVER

    def __init__(self, shapes: ShapesGraph, store: ox.Store, originals: dict, deadline: Deadline = NEVER):
        self.shapes, self.store, self.originals, self.deadline = shapes, store, originals, deadline
        self._well_formed: dict = {}
        self._sets: dict[frozenset, str] = {}
        self._pairs: dict[frozenset, str] = {}
        self._conforming: dict[tuple, set] = {}
        self._targets: dict[tuple, list] = {}
        self._counter = itertools.count()

    def written(self, term):
        """The rdflib term as the data wrote it."""
        return self.originals.get(term) or to_rdflib(term)

    def written_ox(self, term):
        original = self.originals.get(term)
        return term if original is None else to_ox(original)

    def well_formed(self, term) -> bool:
        """Whether a literal's lexical form is valid for its datatype, as rdflib reads it."""
        literal = self.written(term)
        key = (str(literal), literal.datatype)
        if key not in self._well_formed:
            self._well_formed[key] = literal.ill_typed is not True
        return self._well_formed[key]

    def close(self) -> None:
        if self._sets or self._pairs:
            self.store.remove_graph(SETS)

    def query(self, text: str):
        """Run a query the engine wrote; one that does not parse is a rewriting the engine cannot
        make, so the caller falls back to pySHACL rather than failing."""
        self.deadline.check()
        try:
            return self.store.query(text)
        except SyntaxError as error:
            raise Unsupported(f"a rewritten SPARQL query does not parse ({error})") from None

    def node_set(self, nodes) -> str:
        """A SPARQL pattern binding ?this to each of ``nodes`` (ox terms)."""
        key = frozenset(nodes)
        if key not in self._sets:
            name = ox.NamedNode(f"urn:x-peersupport-shacl:set:{next(self._counter)}")
            self.store.extend(ox.Quad(name, _MEMBER, node, SETS) for node in key)
            self._sets[key] = f"GRAPH <{SETS.value}> {{ <{name.value}> <{_MEMBER.value}> ?this }}"
        return self._sets[key]

    def pair_set(self, pairs) -> str:
        """A SPARQL pattern binding (?this, ?value) to each of ``pairs``."""
        key = frozenset(pairs)
        if key not in self._pairs:
            name = ox.NamedNode(f"urn:x-peersupport-shacl:set:{next(self._counter)}")
            quads = []
            for this, value in key:
                pair = ox.BlankNode()
                quads += [ox.Quad(pair, _MEMBER, name, SETS), ox.Quad(pair, _PAIR_THIS, this, SETS),
                          ox.Quad(pair, _PAIR_VALUE, value, SETS)]
            self.store.extend(quads)
            self._pairs[key] = (f"GRAPH <{SETS.value}> {{ ?_pair <{_MEMBER.value}> <{name.value}> ; "
                                f"<{_PAIR_THIS.value}> ?this ; <{_PAIR_VALUE.value}> ?value }}")
        return self._pairs[key]

    def matching(self, nodes, condition: str, prologue: str = "") -> set:
        """Those of ``nodes`` for which ``condition`` (a pattern or FILTER on ?this) holds."""
        if not nodes:
            return set()
        query = f"{prologue} SELECT DISTINCT ?this WHERE {{ {self.node_set(nodes)} {condition} }}"
        return {s[0] for s in self.query(query)}

    def targets(self, shape: Shape) -> list:
        key = (tuple(shape.targets), tuple(shape.target_nodes), tuple(shape.sparql_targets))
        if key not in self._targets:  # shapes often share their targets (all the project's role shapes do)
            focus = dict.fromkeys(shape.target_nodes)
            if shape.targets:
                union = " UNION ".join("{ " + t + " }" for t in shape.targets)
                focus.update(dict.fromkeys(s[0] for s in self.query(f"SELECT DISTINCT ?this WHERE {{ {union} }}")))
            for text in shape.sparql_targets:
                focus.update(dict.fromkeys(s["this"] for s in self.query(text) if s["this"] is not None))
            self._targets[key] = list(focus)
        return self._targets[key]

    def values(self, shape: Shape, focus: list) -> dict:
        """Each focus node's value nodes (a list without repeats)."""
        values = {f: [] for f in focus}
        if shape.path is None:
            return {f: [f] for f in focus}
        if focus:
            query = f"SELECT ?this ?value WHERE {{ {self.node_set(focus)} ?this {shape.path_sparql} ?value }}"
            if isinstance(shape.path, URIRef):  # one triple pattern: no solution repeats
                for this, value in self.query(query):
                    values[this].append(value)
            else:
                for this, value in self.query(query.replace("SELECT", "SELECT DISTINCT", 1)):
                    values[this].append(value)
        return values

    def check(self, shape: Shape, focus: list) -> list[RawResult]:
        if shape.deactivated or not focus:
            return []
        values = self.values(shape, focus)
        results = []
        for checker, parameters in shape.constraints:
            results += checker(self, shape, parameters, focus, values)
        return results

    def conforming(self, shape: Shape, nodes) -> set:
        """Those of ``nodes`` that conform to ``shape`` (no result of any severity)."""
        nodes = frozenset(nodes)
        key = (id(shape), nodes)
        if key not in self._conforming:
            failing = {r.origin for r in self.check(shape, list(nodes))}
            self._conforming[key] = set(nodes) - failing
        return self._conforming[key]
