"""Evidence the vocabulary implies, and evidence that contradicts itself.

The vocabulary states in OWL what role kinds, organisation kinds, practices and participation
modes imply (``[participationMode hasValue FreelyChosen] subClassOf [canDecline hasValue true]``)
and what each reading of a role means (``ReciprocalRole``, ``NotPeerSupportRole``). HermiT reads
all of it (``reasoning``); this module applies the part a forward-chaining reasoner can, before the
shapes run and without Java: OWL 2 RL's rules for ``rdfs:subClassOf`` and ``owl:equivalentClass``
between named classes, intersections, unions, ``owl:hasValue``, ``owl:someValuesFrom`` and
``owl:oneOf`` (cls-int, cls-uni, cls-hv, cls-svf, cls-oo, cax-sco, cax-eqc), then functional
properties and disjoint classes for contradictions (prp-fp, cax-dw).

Each inferred statement keeps the statements it follows from, so a report can say "can be declined:
yes, because participation mode: freely chosen".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from peersupport.deadline import NEVER, Deadline
from peersupport.vocabulary.graph import load_ontology

Statement = tuple  # (subject, predicate, object), rdflib terms


@dataclass(frozen=True)
class Named:
    iri: URIRef


@dataclass(frozen=True)
class HasValue:
    property: URIRef
    value: object


@dataclass(frozen=True)
class Some:
    property: URIRef
    filler: object  # an expression


@dataclass(frozen=True)
class OneOf:
    members: frozenset


@dataclass(frozen=True)
class AllOf:
    parts: tuple


@dataclass(frozen=True)
class AnyOf:
    parts: tuple


@dataclass(frozen=True)
class Axiom:
    """Every member of ``source`` is a member of ``target``."""

    source: object
    target: object


def _expression(graph: Graph, node):
    """The class expression at ``node``, or None for a form this reasoner does not read."""
    if isinstance(node, URIRef):
        return Named(node)
    if not isinstance(node, BNode):
        return None
    for key, kind in ((OWL.intersectionOf, AllOf), (OWL.unionOf, AnyOf)):
        members = graph.value(node, key)
        if members is not None:
            parts = tuple(_expression(graph, m) for m in Collection(graph, members))
            return kind(parts) if all(p is not None for p in parts) else None
    members = graph.value(node, OWL.oneOf)
    if members is not None:
        return OneOf(frozenset(Collection(graph, members)))
    prop = graph.value(node, OWL.onProperty)
    if prop is None:
        return None
    value = graph.value(node, OWL.hasValue)
    if value is not None:
        return HasValue(prop, value)
    filler = graph.value(node, OWL.someValuesFrom)
    if filler is not None and (inner := _expression(graph, filler)) is not None:
        return Some(prop, inner)
    return None


def _addable(expression) -> bool:
    """Whether membership of ``expression`` can be written down as statements."""
    if isinstance(expression, AllOf):
        return any(_addable(p) for p in expression.parts)
    return isinstance(expression, (Named, HasValue))


@dataclass(frozen=True)
class Rules:
    axioms: tuple[Axiom, ...]
    functional: frozenset  # properties with at most one value
    ranges: dict  # functional property -> its rdfs:range
    disjoint: tuple  # pairs of named classes


@lru_cache(maxsize=4)
def rules(vocabulary: Graph | None = None) -> Rules:
    """The vocabulary's axioms in the forms this reasoner reads."""
    graph = load_ontology() if vocabulary is None else vocabulary
    axioms = []
    for left, right in graph.subject_objects(RDFS.subClassOf):
        axioms.append((left, right))
    for left, right in graph.subject_objects(OWL.equivalentClass):
        axioms += [(left, right), (right, left)]
    compiled = []
    for left, right in axioms:
        source, target = _expression(graph, left), _expression(graph, right)
        if source is not None and target is not None and _addable(target):
            compiled.append(Axiom(source, target))
    disjoint = [(a, b) for a, b in graph.subject_objects(OWL.disjointWith) if isinstance(a, URIRef) and isinstance(b, URIRef)]
    functional = frozenset(p for p in graph.subjects(RDF.type, OWL.FunctionalProperty) if isinstance(p, URIRef))
    ranges = {p: graph.value(p, RDFS.range) for p in functional}
    return Rules(tuple(compiled), functional, ranges, tuple(disjoint))


@dataclass(frozen=True)
class Contradiction:
    """Two statements about ``subject`` that cannot both hold."""

    subject: object
    first: Statement
    second: Statement
    reason: str  # "functional": one property, two values; "disjoint": two classes nothing can be in


@dataclass
class Closure:
    """The statements the vocabulary adds to a description, each with the stated statements it
    follows from, and the contradictions in the result."""

    inferred: dict = field(default_factory=dict)  # statement -> tuple of the statements it follows from
    contradictions: list = field(default_factory=list)
    _index: dict | None = field(default=None, repr=False, compare=False)
    _indexed: int = field(default=-1, repr=False, compare=False)
    _clashes: dict | None = field(default=None, repr=False, compare=False)
    _clashes_indexed: int = field(default=-1, repr=False, compare=False)

    def grounds(self, statement: Statement) -> tuple:
        """The stated statements ``statement`` follows from (itself, when it was stated)."""
        if statement not in self.inferred:
            return (statement,)
        out = []
        for premise in self.inferred[statement]:
            out += [g for g in self.grounds(premise) if g not in out]
        return tuple(out)

    def _by_subject(self) -> dict:
        """The inferred statements by subject, indexed once (a report asks for every role's:
        scanning them all per role made validation quadratic, 12 s at 10^4 triples)."""
        if self._index is None or self._indexed != len(self.inferred):
            index = defaultdict(list)
            for statement in self.inferred:
                index[statement[0]].append(statement)
            self._index, self._indexed = index, len(self.inferred)
        return self._index

    def about(self, subject) -> list[Statement]:
        return sorted(self._by_subject().get(subject, ()), key=lambda s: (str(s[1]), str(s[2])))

    def types(self, subject) -> set:
        return {s[2] for s in self._by_subject().get(subject, ()) if s[1] == RDF.type}

    def contradicted(self, subject) -> list[Contradiction]:
        if self._clashes is None or self._clashes_indexed != len(self.contradictions):
            index = defaultdict(list)
            for contradiction in self.contradictions:
                index[contradiction.subject].append(contradiction)
            self._clashes, self._clashes_indexed = index, len(self.contradictions)
        return list(self._clashes.get(subject, ()))


class _Facts:
    """The statements the rules read, indexed by predicate, and those added."""

    def __init__(self, graphs, predicates):
        self.by_predicate = defaultdict(lambda: defaultdict(set))
        for graph in graphs:
            for p in predicates:
                for s, o in graph.subject_objects(p):
                    self.by_predicate[p][s].add(o)

    def has(self, statement) -> bool:
        s, p, o = statement
        return o in self.by_predicate[p].get(s, ())

    def add(self, statement) -> None:
        s, p, o = statement
        self.by_predicate[p][s].add(o)


def _members(facts: _Facts, expression) -> dict:
    """Each member of ``expression`` with the statements that make it one."""
    if isinstance(expression, Named):
        return {s: ((s, RDF.type, expression.iri),) for s, kinds in facts.by_predicate[RDF.type].items() if expression.iri in kinds}
    if isinstance(expression, HasValue):
        return {s: ((s, expression.property, expression.value),)
                for s, values in facts.by_predicate[expression.property].items() if expression.value in values}
    if isinstance(expression, OneOf):
        return {m: () for m in expression.members}
    if isinstance(expression, Some):
        fillers = _members(facts, expression.filler)
        out = {}
        for s, values in facts.by_predicate[expression.property].items():
            for value in sorted(values, key=str):
                if value in fillers:
                    out[s] = ((s, expression.property, value),) + fillers[value]
                    break
        return out
    if isinstance(expression, AllOf):
        parts = [_members(facts, p) for p in expression.parts]
        common = set(parts[0]).intersection(*parts[1:]) if parts else set()
        return {s: tuple(g for part in parts for g in part[s]) for s in common}
    out = {}
    for part in expression.parts:  # AnyOf
        for s, why in _members(facts, part).items():
            out.setdefault(s, why)
    return out


def _statements(expression, subject) -> list:
    if isinstance(expression, Named):
        return [(subject, RDF.type, expression.iri)]
    if isinstance(expression, HasValue):
        return [(subject, expression.property, expression.value)]
    if isinstance(expression, AllOf):
        return [s for part in expression.parts if _addable(part) for s in _statements(part, subject)]
    return []


def _predicates(expression) -> set:
    if isinstance(expression, (HasValue, Some)):
        inner = _predicates(expression.filler) if isinstance(expression, Some) else set()
        return {expression.property} | inner
    if isinstance(expression, (AllOf, AnyOf)):
        return set().union(*(_predicates(p) for p in expression.parts))
    return set()


def _same(a, b) -> bool:
    if isinstance(a, Literal) and isinstance(b, Literal):
        return a.eq(b) if a.datatype == b.datatype else False
    return a == b


def entail(data: Graph, vocabulary: Graph | None = None, deadline: Deadline = NEVER) -> Closure:
    """What the vocabulary's axioms add to ``data`` (``data`` is not changed). Raises
    ``errors.Timeout`` past ``deadline``, checked before each axiom is applied."""
    vocabulary = load_ontology() if vocabulary is None else vocabulary
    compiled = rules(vocabulary)
    predicates = {RDF.type} | compiled.functional
    for axiom in compiled.axioms:
        predicates |= _predicates(axiom.source) | _predicates(axiom.target)
    facts = _Facts((vocabulary, data), predicates)
    closure = Closure()
    changed = True
    while changed:
        changed = False
        for axiom in compiled.axioms:
            deadline.check()
            for subject, why in _members(facts, axiom.source).items():
                if isinstance(subject, Literal):
                    continue
                for statement in _statements(axiom.target, subject):
                    if not facts.has(statement):
                        facts.add(statement)
                        closure.inferred[statement] = tuple(w for w in why if w != statement)
                        changed = True
    described = set(data.subjects())
    closure.inferred = {s: why for s, why in closure.inferred.items() if s[0] in described}
    deadline.check()
    _find_contradictions(facts, compiled, described, closure)
    return closure


def _readable(facts: _Facts, value, range_) -> bool:
    """Whether ``value`` is one the property can take: a well-formed literal of its datatype, or an
    instance of its class. An unreadable value is reported as such, not as a contradiction."""
    if range_ is None:
        return True
    if isinstance(value, Literal):
        return value.datatype == range_ and value.ill_typed is not True
    return range_ in facts.by_predicate[RDF.type].get(value, ())


def _find_contradictions(facts: _Facts, compiled: Rules, described: set, closure: Closure) -> None:
    for p in sorted(compiled.functional, key=str):
        range_ = compiled.ranges.get(p)
        for s, values in facts.by_predicate[p].items():
            if s not in described or len(values) < 2:
                continue
            values = {v for v in values if _readable(facts, v, range_)}
            ordered = sorted(values, key=lambda v: ((s, p, v) in closure.inferred, str(v)))
            first = ordered[0]
            for other in ordered[1:]:
                if not _same(first, other):
                    closure.contradictions.append(Contradiction(s, (s, p, first), (s, p, other), "functional"))
    types = facts.by_predicate[RDF.type]
    for a, b in compiled.disjoint:
        for s in sorted(described, key=str):
            kinds = types.get(s, ())
            if a in kinds and b in kinds:
                closure.contradictions.append(Contradiction(s, (s, RDF.type, a), (s, RDF.type, b), "disjoint"))
