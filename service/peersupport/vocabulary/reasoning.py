"""OWL reasoning with HermiT (through owlready2): is the vocabulary consistent, and what does a
described role read as, given the evidence recorded on it?

A role reads as peer support (``ps:PeerSupportRole``: all four marks shown), as not peer support
(``ps:NotPeerSupportRole``: any mark contradicted), or stays undetermined; a role whose own
description contradicts itself (two participation modes, "freely chosen" but "cannot be
declined") is reported as inconsistent, with the reason, and the other roles are still read.

HermiT cannot say which statements make a description inconsistent, and one contradiction leaves
the whole graph without a model. So the contradictions are found first by the vocabulary's
forward chaining (``entailment``), which keeps the statements each one follows from; those roles
are set aside (and, for another resource such as an organisation, the contradicting statements),
and HermiT reads the rest. Should HermiT still find a contradiction the forward chaining missed,
the roles are read in halves until the ones it is about are found. Values the validator cannot
read (``"yes"`` where a boolean is expected, a concept the vocabulary does not know) are not
handed to HermiT either: they are reported as unreadable, not as contradictions.

Beyond ``ROLES_PER_RUN`` roles, HermiT reads the roles in groups, each with the parts of the
graph its roles are connected to (``reasoning_groups``), several groups to a Java run
(``hermit.read_many``): HermiT's time grows with the square of the roles it reads at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from peersupport.vocabulary.entailment import Closure, Contradiction, entail
from peersupport.vocabulary.graph import ORG, PS, load_ontology
from peersupport.vocabulary.hermit import (ReasonerUnavailable, ReasoningFailed, _Inconsistent, _reasoned, classes_in,
                                          java_available, read_many)
from peersupport.vocabulary.reasoning_groups import groups, reach, subgraph

# What a role can read as, most specific first: the first that applies is ``reads_as``.
VERDICT_CLASSES = (PS.PeerSupportRole, PS.PeerMentoringRole, PS.ClinicalTreatmentRole, PS.PeersWhoProvideSupportRole,
                   PS.NotPeerSupportRole)
# Evidence the sources treat as a risk to peer support, not as a verdict.
CONCERN_CLASSES = (PS.UnsharedDecisionsRole, PS.RoleWithoutDecisionAuthority)


@dataclass(frozen=True)
class MarkClasses:
    """One of the four marks of peer support (003): the vocabulary's class of roles that show it and
    the class of roles that contradict it (disjoint from each other)."""

    name: str
    positive: URIRef
    negative: URIRef


MARKS = (
    MarkClasses("reciprocal", PS.ReciprocalRole, PS.OneWayHelpRole),
    MarkClasses("voluntary", PS.FreelyChosenRole, PS.ImposedRole),
    MarkClasses("lived experience", PS.LivedExperienceRole, PS.NoLivedExperienceRole),
    MarkClasses("non-clinical", PS.NonClinicalRole, PS.ClinicalHelpRole),
)

# Roles HermiT reads on one graph (``reasoning_groups``), and graphs read in one Java run
# (``hermit.read_many``): a graph's time grows with the square of its roles.
ROLES_PER_RUN = 100
RUNS_PER_JAVA = 10

_TRIVIAL_TYPES = {ORG.Post, ORG.Role, ORG.Membership, PS.DescribedRole}


@dataclass(frozen=True)
class OntologyCheck:
    consistent: bool
    unsatisfiable: tuple[str, ...]


@dataclass(frozen=True)
class MarkStatus:
    mark: MarkClasses
    status: str  # "shown", "contradicted" or "not-recorded"

    @property
    def cls(self) -> str | None:
        """The class that decided the status: the mark's positive or negative class."""
        return {"shown": str(self.mark.positive), "contradicted": str(self.mark.negative)}.get(self.status)


@dataclass(frozen=True)
class RoleReading:
    """What HermiT infers for one role.

    ``contradictions``: why the role's own description contradicts itself, in plain words (then
    ``classes`` is empty and the verdict is "inconsistent"). ``set_aside``: contradicting
    statements about a resource the role links to (its organisation), left out to read the role.
    ``unreadable``: values the role or what it links to records that the vocabulary cannot read,
    not used."""

    role: str
    classes: frozenset[str]
    contradictions: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()

    @property
    def inconsistent(self) -> bool:
        return bool(self.contradictions)

    @property
    def verdict(self) -> str:
        """As ``validation.verdict``: "peer-support", "not-peer-support", "inconsistent" or "undetermined"."""
        if self.contradictions:
            return "inconsistent"
        if str(PS.PeerSupportRole) in self.classes:
            return "peer-support"
        if str(PS.NotPeerSupportRole) in self.classes:
            return "not-peer-support"
        return "undetermined"

    @property
    def reads_as(self) -> str | None:
        """The most specific verdict class the reasoner placed the role in, or None."""
        for cls in VERDICT_CLASSES:
            if str(cls) in self.classes:
                return str(cls)
        return None

    @property
    def marks(self) -> tuple[MarkStatus, ...]:
        """Each mark's status, in the marks' order (all "not-recorded" for an inconsistent role)."""
        out = []
        for mark in MARKS:
            if str(mark.negative) in self.classes:
                status = "contradicted"
            elif str(mark.positive) in self.classes:
                status = "shown"
            else:
                status = "not-recorded"
            out.append(MarkStatus(mark, status))
        return tuple(out)

    @property
    def mark_classes(self) -> frozenset[str]:
        """The marks' classes (positive and negative) the role is in."""
        return frozenset(c for m in MARKS for c in (str(m.positive), str(m.negative)) if c in self.classes)

    def deciding(self) -> tuple[MarkStatus, ...]:
        """The marks that decided the verdict: all four for peer support, the contradicted ones for
        not peer support, the ones not recorded for an undetermined role (none when inconsistent)."""
        wanted = {"peer-support": "shown", "not-peer-support": "contradicted", "undetermined": "not-recorded"}.get(self.verdict)
        return tuple(m for m in self.marks if m.status == wanted)

    @property
    def concerns(self) -> tuple[str, ...]:
        return tuple(str(c) for c in CONCERN_CLASSES if str(c) in self.classes)


def check_ontology(graph: Graph | None = None) -> OntologyCheck:
    """Is the vocabulary (or ``graph``) consistent, and which named classes are unsatisfiable?"""
    import owlready2

    graph = load_ontology() if graph is None else graph
    try:
        with _reasoned(graph) as world:
            unsatisfiable = tuple(sorted(
                c.iri for c in world.inconsistent_classes() if hasattr(c, "iri") and c is not owlready2.Nothing))
    except _Inconsistent:
        return OntologyCheck(consistent=False, unsatisfiable=())
    return OntologyCheck(consistent=True, unsatisfiable=unsatisfiable)


def _classes_of(graph: Graph, roles) -> dict:
    """HermiT's vocabulary classes for each of ``roles`` in ``graph``; raises ``_Inconsistent``."""
    with _reasoned(graph) as world:
        return classes_in(world, roles)


# --- what is handed to HermiT -------------------------------------------------------------------

def _unreadable(data: Graph, vocabulary: Graph) -> set:
    """Statements in ``data`` whose value the property cannot take: a literal not of the datatype
    property's range (or ill-typed), a literal for an object property, or a resource not known to
    be in the object property's range. The validator reports them; to HermiT they would be
    contradictions (or, through the range, evidence nobody recorded)."""
    datatype_ranges, class_ranges = {}, {}
    for p, range_ in vocabulary.subject_objects(RDFS.range):
        if (p, RDF.type, OWL.DatatypeProperty) in vocabulary:
            datatype_ranges[p] = range_
        elif (p, RDF.type, OWL.ObjectProperty) in vocabulary:
            class_ranges[p] = range_
    out = set()
    for s, p, o in data:
        if p in datatype_ranges:
            wanted = datatype_ranges[p]
            fits = isinstance(o, Literal) and not o.ill_typed and (
                o.datatype == wanted or (wanted == XSD.decimal and o.datatype == XSD.integer))
            if not fits:
                out.add((s, p, o))
        elif p in class_ranges:
            if isinstance(o, Literal) or class_ranges[p] not in _kinds(o, data, vocabulary):
                out.add((s, p, o))
    return out


def _kinds(node, data: Graph, vocabulary: Graph) -> set:
    kinds = set(data.objects(node, RDF.type)) | set(vocabulary.objects(node, RDF.type))
    todo = list(kinds)
    while todo:
        for parent in vocabulary.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in kinds:
                kinds.add(parent)
                todo.append(parent)
    return kinds


# --- plain words for what is contradicted or set aside ------------------------------------------

def _label(node, *graphs) -> str:
    for graph in graphs:
        for predicate in (RDFS.label, SKOS.prefLabel):
            labels = [l for l in graph.objects(node, predicate) if isinstance(l, Literal)]
            for label in sorted(labels, key=lambda l: (l.language not in ("en", None), str(l))):
                return str(label)
    if isinstance(node, URIRef) and str(node).startswith(str(ORG)):  # org:postIn -> "post in"
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(node)[len(str(ORG)):]).lower()
    if isinstance(node, URIRef) and str(node).startswith(str(PS)):  # a term the vocabulary does not have
        return "ps:" + str(node)[len(str(PS)):]
    return f"<{node}>" if isinstance(node, URIRef) else "a resource without an IRI"


def _a(phrase: str) -> str:
    vowel = phrase[:1].lower() in "aeiou" and not phrase.lower().startswith(("us", "uni", "one"))
    return ("an " if vowel else "a ") + phrase


def _value(node, data: Graph, vocabulary: Graph) -> str:
    if isinstance(node, Literal):
        if node.datatype == XSD.boolean and not node.ill_typed:
            return "yes" if node.toPython() else "no"
        return f'"{node}"'
    return _label(node, vocabulary, data)


def _statement(statement, data: Graph, vocabulary: Graph) -> str:
    s, p, o = statement
    if p == RDF.type:
        return f"{_label(s, data, vocabulary)} is {_a(_label(o, vocabulary, data))}"
    return f"{_label(p, vocabulary)}: {_value(o, data, vocabulary)}"


def _premises(closure: Closure, statement) -> list:
    """The stated statements ``statement`` follows from, without the trivial ones (it is a post)."""
    return [g for g in closure.grounds(statement) if not (g[1] == RDF.type and g[2] in _TRIVIAL_TYPES)]


def describe(contradiction: Contradiction, closure: Closure, data: Graph, vocabulary: Graph) -> str:
    """A contradiction in plain words, with what each side follows from."""
    sides = []
    for statement in (contradiction.first, contradiction.second):
        s, p, o = statement
        value = _a(_label(o, vocabulary, data)) if p == RDF.type else _value(o, data, vocabulary)
        why = " and ".join(_statement(g, data, vocabulary) for g in _premises(closure, statement))
        sides.append((value, why if statement in closure.inferred else None))
    (one, why_one), (other, why_other) = sorted(sides, key=lambda side: side[1] is not None)
    if contradiction.reason == "functional":
        subject, rule = _label(contradiction.first[1], vocabulary), "it takes one value only"
    else:
        subject, rule = _label(contradiction.subject, data, vocabulary), "they exclude each other"
    if why_one is None and why_other is None:
        return f"{subject} is recorded as both {one} and {other}, but {rule}"
    if why_one is None:
        return f"{subject} is recorded as {one}, but {why_other} means {other}; {rule}"
    return f"{why_one} means {subject} is {one}, but {why_other} means {other}; {rule}"


def _root_causes(contradictions: list, closure: Closure) -> list:
    """The contradictions worth reporting about one subject: two values of one property first;
    membership of two disjoint classes only when no such clash explains it; and none whose stated
    grounds are all grounds of one already kept (two participation modes also clash over "can be
    declined")."""
    functional = [c for c in contradictions if c.reason == "functional"]
    candidates = sorted(functional or contradictions,
                        key=lambda c: (c.first in closure.inferred) + (c.second in closure.inferred))
    kept, covered = [], set()
    for contradiction in candidates:
        grounds = set(_premises(closure, contradiction.first)) | set(_premises(closure, contradiction.second))
        if grounds and grounds <= covered:
            continue
        kept.append(contradiction)
        covered |= grounds
    return kept


def _about(subject, text: str, data: Graph, vocabulary: Graph) -> str:
    label = _label(subject, data, vocabulary)
    return text if text.startswith(label) else f"{label}: {text}"


# --- classification -----------------------------------------------------------------------------

def classify(data: Graph, roles: list[URIRef], ontology: Graph | None = None,
             roles_per_run: int = ROLES_PER_RUN) -> dict[str, RoleReading]:
    """What each of ``roles`` described in ``data`` reads as, by HermiT: role IRI -> RoleReading,
    in the order of ``roles``. A role whose description contradicts itself is reported as
    inconsistent, with the reason; the others are read all the same. HermiT reads about
    ``roles_per_run`` roles at a time (``reasoning_groups``); the readings do not depend on it.
    Raises ``ReasonerUnavailable`` without Java and ``ReasoningFailed`` (a ``ValueError``) when
    HermiT fails otherwise."""
    vocabulary = load_ontology() if ontology is None else ontology
    roles = list(dict.fromkeys(r if isinstance(r, (URIRef, BNode)) else URIRef(str(r)) for r in roles))
    if not roles:
        return {}
    closure = entail(data, vocabulary)
    unreadable = _unreadable(data, vocabulary)
    by_subject = defaultdict(list)
    for contradiction in closure.contradictions:
        by_subject[contradiction.subject].append(contradiction)
    role_set = set(roles)

    own = {}  # role -> its own contradictions, in words
    elsewhere = {}  # another resource -> its contradictions, in words
    removed = set(unreadable)  # statements not handed to HermiT
    for subject, found in by_subject.items():
        words = tuple(dict.fromkeys(describe(c, closure, data, vocabulary) for c in _root_causes(found, closure)))
        if subject in role_set:
            own[subject] = words
            continue
        elsewhere[subject] = words
        for contradiction in found:
            for statement in (contradiction.first, contradiction.second):
                removed.update(g for g in closure.grounds(statement) if g in data)
    kept = Graph()
    for triple in data:
        if triple[0] not in own and triple not in removed:
            kept.add(triple)

    readable = [r for r in roles if r not in own and isinstance(r, URIRef)]
    found, inconsistent = _read(kept, vocabulary, readable, roles_per_run)
    unreadable_of = defaultdict(list)
    for triple in unreadable:
        unreadable_of[triple[0]].append(triple)
    readings = {}
    for role in roles:
        reached = reach(data, role)
        set_aside = tuple(f"set aside, as contradictory: {_about(s, text, data, vocabulary)}"
                          for s in sorted(reached & elsewhere.keys(), key=str) for text in elsewhere[s])
        mine = sorted((t for s in reached for t in unreadable_of.get(s, ())), key=lambda t: tuple(map(str, t)))
        values = tuple(("" if s == role else f"{_label(s, data, vocabulary)}, ") + _statement((s, p, o), data, vocabulary)
                       for s, p, o in mine)
        if role in own:
            reading = RoleReading(str(role), frozenset(), own[role], set_aside, values)
        elif role in inconsistent:
            reading = RoleReading(str(role), frozenset(), (
                "the reasoner finds that this description contradicts the vocabulary, but not which statements do: "
                "check the evidence recorded on the role and on its organisation",), set_aside, values)
        elif not isinstance(role, URIRef):
            reading = RoleReading(str(role), frozenset(), (), set_aside, values + (
                "the role itself: it has no IRI, so the reasoner cannot name it (give it one)",))
        else:
            reading = RoleReading(str(role), found[role], (), set_aside, values)
        readings[str(role)] = reading
    return readings


def _read(kept: Graph, vocabulary: Graph, roles: list, roles_per_run: int) -> tuple[dict, set]:
    """HermiT's classes for ``roles``, and the roles it finds inconsistent that the forward chaining
    did not: one run per group of about ``roles_per_run`` roles (one run on everything when they
    are fewer)."""
    if len(roles) <= roles_per_run:
        return _read_together(kept, vocabulary, roles)
    found, inconsistent = {}, set()
    batch = groups(kept, roles, vocabulary, roles_per_run)
    for start in range(0, len(batch), RUNS_PER_JAVA):
        part = batch[start:start + RUNS_PER_JAVA]
        for (members, graph), classes in zip(part, read_many(vocabulary, [(g, m) for m, g in part])):
            if classes is None:  # no model: narrowed down as when the roles are few
                classes, bad = _read_together(graph, vocabulary, members)
                inconsistent |= bad
            found.update(classes)
    return found, inconsistent


def _read_together(kept: Graph, vocabulary: Graph, roles: list) -> tuple[dict, set]:
    """One run on ``kept``, or, when that has no model, runs on halves of the roles (each with
    what it links to) until the inconsistent ones are alone."""
    if not roles:
        return {}, set()
    try:
        return _classes_of(vocabulary + kept, roles), set()
    except _Inconsistent:
        pass
    parts = {role: reach(kept, role) for role in roles}

    def halves(group):
        subjects = set().union(*(parts[r] for r in group))
        try:
            return _classes_of(vocabulary + subgraph(kept, subjects), group), set()
        except _Inconsistent:
            if len(group) == 1:
                return {}, set(group)
        return split(group)

    def split(group):
        middle = len(group) // 2
        (a, bad_a), (b, bad_b) = halves(group[:middle]), halves(group[middle:])
        return {**a, **b}, bad_a | bad_b

    return halves(roles) if len(roles) == 1 else split(roles)
