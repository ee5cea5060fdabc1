"""What a role's evidence says of each of the four marks of peer support, and the verdict.

The marks (reciprocal, voluntary, lived experience, non-clinical) are described in the shapes
graph (``pssh:Reciprocal`` ...): the properties that are evidence for each, and the vocabulary's
classes of roles that show it and that contradict it. A role's classes come from the vocabulary's
axioms applied to its description (``vocabulary.entailment``), without Java. For each mark the
role gets one status:

- ``shown``: the role is in the mark's positive class (``ps:ReciprocalRole`` ...);
- ``contradicted``: it is in the negative class (``ps:OneWayHelpRole`` ...), or two pieces of its
  evidence for the mark contradict each other;
- ``not-recorded``: neither.

The verdict is ``peer-support`` (in ``ps:PeerSupportRole``: all four shown), ``not-peer-support``
(in ``ps:NotPeerSupportRole``: any one contradicted), ``inconsistent`` (evidence that contradicts
itself: no verdict until it is corrected) or ``undetermined`` (some mark not recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, SKOS

from peersupport.vocabulary.entailment import Closure
from peersupport.vocabulary.graph import ORG, PS

PSSH = Namespace("https://w3id.org/peer-support/shapes/")
VERDICTS = ("peer-support", "not-peer-support", "inconsistent", "undetermined")
# Premises that only say what kind of resource the role is: true of every role, so not worth showing.
_TRIVIAL_TYPES = {ORG.Post, ORG.Role, ORG.Membership, PS.DescribedRole}


@dataclass(frozen=True)
class Mark:
    code: str  # "reciprocal", "voluntary", "lived-experience", "non-clinical"
    iri: URIRef
    labels: dict
    evidence: tuple  # the properties whose values bear on the mark
    positive: URIRef
    negative: URIRef

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.code


@lru_cache(maxsize=4)
def marks(shapes: Graph) -> tuple[Mark, ...]:
    """The four marks as the shapes graph describes them, in their order."""
    found = []
    for node in shapes.subjects(PSSH.code, None):
        found.append((int(shapes.value(node, SH.order) or 0), Mark(
            code=str(shapes.value(node, PSSH.code)), iri=node,
            labels={l.language: str(l) for l in shapes.objects(node, SKOS.prefLabel) if isinstance(l, Literal)},
            evidence=tuple(sorted(shapes.objects(node, PSSH.evidence), key=str)),
            positive=shapes.value(node, PSSH.positive), negative=shapes.value(node, PSSH.negative))))
    return tuple(mark for _, mark in sorted(found, key=lambda pair: pair[0]))


def mark_of(shapes: Graph, path) -> str | None:
    """The code of the mark ``path`` is evidence for, if any."""
    for mark in marks(shapes):
        if path in mark.evidence:
            return mark.code
    return None


@dataclass(frozen=True)
class Evidence:
    """A statement about the role that bears on a mark; ``grounds``: for an inferred statement, the
    stated statements it follows from (empty when it was stated)."""

    statement: tuple
    grounds: tuple

    @property
    def inferred(self) -> bool:
        return bool(self.grounds)


@dataclass(frozen=True)
class MarkReading:
    mark: Mark
    status: str  # "shown", "not-recorded", "contradicted"
    evidence: tuple  # Evidence, stated first


@dataclass(frozen=True)
class Verdict:
    role: URIRef
    claims_peer_support: bool
    outcome: str  # one of VERDICTS
    marks: tuple  # MarkReading per mark, in the marks' order
    contradictions: tuple  # entailment.Contradiction about the role

    def deciding(self) -> tuple:
        """The marks that decided the outcome: all four for peer support, the contradicted ones
        otherwise, the ones not recorded for an undetermined role."""
        wanted = {"peer-support": "shown", "not-peer-support": "contradicted", "inconsistent": "contradicted",
                  "undetermined": "not-recorded"}[self.outcome]
        return tuple(m for m in self.marks if m.status == wanted)


def grounds(data: Graph, closure: Closure, statement) -> tuple:
    """The statements of ``data`` an inferred statement follows from (the vocabulary's own, such as
    ``ps:CourtOrder a ps:ImposingAuthority``, left out); empty for a stated one."""
    if statement not in closure.inferred:
        return ()
    return tuple(g for g in closure.grounds(statement)
                 if g in data and not (g[1] == RDF.type and g[2] in _TRIVIAL_TYPES))


def _evidence(data: Graph, closure: Closure, role, properties) -> tuple:
    stated = [(role, p, o) for p in properties for o in data.objects(role, p)]
    inferred = [s for s in closure.about(role) if s[1] in properties and s not in stated]
    return tuple(Evidence(s, grounds(data, closure, s)) for s in stated + inferred)


def read_role(shapes: Graph, data: Graph, closure: Closure, role, claims: bool) -> Verdict:
    kinds = set(data.objects(role, RDF.type)) | closure.types(role)
    contradictions = tuple(c for c in closure.contradicted(role) if c.reason == "functional")
    readings = []
    for mark in marks(shapes):
        clash = any(c.first[1] in mark.evidence for c in contradictions)
        if clash or mark.negative in kinds:
            status = "contradicted"
        elif mark.positive in kinds:
            status = "shown"
        else:
            status = "not-recorded"
        readings.append(MarkReading(mark, status, _evidence(data, closure, role, mark.evidence)))
    if contradictions:
        outcome = "inconsistent"
    elif PS.PeerSupportRole in kinds:
        outcome = "peer-support"
    elif PS.NotPeerSupportRole in kinds:
        outcome = "not-peer-support"
    else:
        outcome = "undetermined"
    return Verdict(role, claims, outcome, tuple(readings), contradictions)
