"""Synthetic organisations and roles, at any scale, for benchmarks and load tests.

``generate`` yields N-Triples lines one by one, so a million triples stream to a file without a
graph ever being held in memory; ``write`` saves them to a file. The same seed always gives the
same lines. Everything described is made up: organisations are named after invented places and
numbered ("Riverside Peer Network 123"), and no person is described. IRIs are minted under
https://example.org/generated/ (the shapes skip the vocabulary's own namespace), and every
controlled value comes from the concept schemes of ``ontology/schemes.ttl``.

The mix follows the sources: voluntary-sector organisations, user-led organisations,
self-organised groups and statutory services, some hosting projects (``org:subOrganizationOf``),
each with one to six roles: paid, volunteer or mutual members; about 42 triples per organisation.
Most roles claim peer support; the rest are neighbouring practices that do not (peer mentoring,
training, role modelling, clinical work), whose own evidence agrees with what their kind and
practice imply, so the shapes leave them alone; none of them is placed in a self-organised group,
whose posts are two-way by definition.

The validator applies the vocabulary's axioms before the shapes run, so what a role's kind
(``org:role``), practice and organisation imply counts as evidence: a mutual group member
receives support and has lived experience; a paid peer worker, volunteer peer supporter or ward
visitor has lived experience; a post in a self-organised group shows every mark (two-way, shared
decisions, lived experience, non-clinical, freely chosen); a freely chosen participation or a
referral free to decline implies that people can decline and are asked for consent.
``KIND_IMPLIES``, ``PRACTICE_IMPLIES`` and ``ORGANISATION_IMPLIES`` say so here (the tests check
them against the axioms), and the generator accounts for them: evidence that is implied is
recorded only sometimes, and is never contradicted by accident.

Each role that claims peer support fails each of the four marks (reciprocal, voluntary, lived
experience, non-clinical) with probability ``failure_share``, decided independently per mark. A
failing mark is, with even odds:

- *not recorded*: nothing bears on it (a violation: ``ReciprocityNotRecordedShape``,
  ``VoluntaryNotRecordedShape``, ``LivedExperienceNotRecordedShape``,
  ``NonClinicalNotRecordedShape``), or only part of its evidence is recorded (a warning:
  shared decisions, a mutual agreement or learning together but not whether the role-holder
  receives support, ``ReciprocityPartlyRecordedShape``; consent asked but not whether people can
  decline, or the reverse, ``CanDeclineNotRecordedShape``, ``ConsentNotRecordedShape``);
- *contradicted*: the evidence says no (``OneWayHelpShape``; ``ImposedShape``, by an assigned or
  mandated participation, an order or a point of care that imposes it, or cannot decline or
  consent not asked, always exactly one of the two; ``NoLivedExperienceShape``; ``ClinicalShape``).

Where the role's kind implies the evidence a failing mark must leave out or contradict, the kind
is not recorded (the post is described by its title, practice and pay). Where its organisation
implies it (a post in a self-organised group), the failing mark is contradicted by a stated false
against the implied true: one ``ContradictoryEvidenceShape`` violation, and the role's verdict is
"inconsistent". A mark that is shown records its evidence, or relies on what is implied.

Drawn the same way, each with probability ``failure_share`` where it applies: shared decisions
left out of a two-way role (``SharedDecisionsNotRecordedShape``, a warning; the verdict still
reads the mark as shown), and the concerns: decisions not shared (``UnsharedDecisionsShape``), no
explicit agreement (``NoExplicitAgreementShape``), no decision-making authority and a staff duty
(paid and volunteer posts outside self-organised groups: ``DecisionAuthorityShape``,
``StaffDutiesShape``), an entry-level NHS pay band (paid posts in statutory services:
``EntryLevelPayShape``), moderation or rule enforcement (group roles: ``PowerOverMembersShape``,
an info) and no peer supervision (paid and volunteer posts: ``PeerSupervisionShape``).

``Tally.failures`` maps each shape's local name to exactly the number of results the validator
gives for that shape (``UserLedBaseShape``, an info, counts the claiming roles whose organisation
has no user-led or self-organised base), and ``Tally.marks`` how many claiming roles show each
mark, leave it not recorded or contradict it, exactly as the validator's verdicts read them.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from peersupport import NAMESPACE

BASE = "https://example.org/generated/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
FALSE = '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>'
SUFFIXES = (".nt", ".ttl")  # N-Triples is also Turtle


def _ps(name: str) -> str:
    return f"<{NAMESPACE}{name}>"


@dataclass(frozen=True)
class Mark:
    """One of the four marks and the shapes that report it (``pssh:mark``, ``pssh:status``)."""

    code: str  # as pssh:code in the shapes
    contradicted: str  # the shape whose result says the evidence says no
    not_recorded: tuple[str, ...]  # the shapes whose result says evidence is missing


MARKS = (
    Mark("reciprocal", "OneWayHelpShape", ("ReciprocityNotRecordedShape", "ReciprocityPartlyRecordedShape")),
    Mark("voluntary", "ImposedShape", ("VoluntaryNotRecordedShape", "CanDeclineNotRecordedShape",
                                       "ConsentNotRecordedShape")),
    Mark("lived-experience", "NoLivedExperienceShape", ("LivedExperienceNotRecordedShape",)),
    Mark("non-clinical", "ClinicalShape", ("NonClinicalNotRecordedShape",)),
)
STATUSES = ("shown", "not-recorded", "contradicted")
SHARED_DECISIONS_NOT_RECORDED = "SharedDecisionsNotRecordedShape"  # a warning on a two-way role
CONFLICT = "ContradictoryEvidenceShape"  # a stated value against an implied one
CONCERNS = ("UnsharedDecisionsShape", "NoExplicitAgreementShape", "DecisionAuthorityShape", "EntryLevelPayShape",
            "StaffDutiesShape", "PowerOverMembersShape", "PeerSupervisionShape")  # warnings and an info
USER_LED_BASE = "UserLedBaseShape"  # an info, following from where the role is
SHAPES = tuple(s for mark in MARKS for s in (mark.contradicted,) + mark.not_recorded) \
    + (SHARED_DECISIONS_NOT_RECORDED, CONFLICT) + CONCERNS + (USER_LED_BASE,)

# What the vocabulary's axioms imply (ontology/peer-support.ttl, "Implied evidence") for the role
# kinds, practices and organisation kinds used here; the tests check these against the axioms.
_LIVED = ("livedExperienceRequired", TRUE)
_MENTORING = (_LIVED, ("guidesOthersLearning", TRUE), ("roleHolderReceivesSupport", FALSE))
KIND_IMPLIES = {
    "MutualGroupMember": (("roleHolderReceivesSupport", TRUE), _LIVED, ("remunerationBasis", _ps("MutualMember"))),
    "PaidPeerWorker": (_LIVED, ("remunerationBasis", _ps("Paid"))),
    "VolunteerPeerSupporter": (_LIVED, ("remunerationBasis", _ps("Volunteer"))),
    "WardVisitor": (_LIVED,),
    "RoleModel": (_LIVED,),
    "PeerMentor": _MENTORING,
}
PRACTICE_IMPLIES = {
    "PeerMentoring": _MENTORING,
    "PeersWhoProvideSupport": (_LIVED,),
    "ClinicalTreatment": (("roleHolderReceivesSupport", FALSE), ("nonClinical", FALSE)),
}
ORGANISATION_IMPLIES = {  # of a post in (org:postIn) an organisation of the kind
    "SelfOrganisedGroup": (("roleHolderReceivesSupport", TRUE), ("sharedDecisionMaking", TRUE), _LIVED,
                           ("nonClinical", TRUE), ("participationMode", _ps("FreelyChosen")),
                           ("canDecline", TRUE), ("consentAsked", TRUE)),
}
# The evidence that shows each mark, as the verdict reads it (ps:ReciprocalRole ...).
_CORE = {"reciprocal": ("roleHolderReceivesSupport",), "voluntary": ("canDecline", "consentAsked"),
         "lived-experience": ("livedExperienceRequired",), "non-clinical": ("nonClinical",)}


@dataclass(frozen=True)
class RoleTemplate:
    title: str
    practice: str  # a concept of ps:PracticeScheme
    kind: str | None  # a concept of ps:RoleKindScheme (org:role)
    basis: str  # a concept of ps:RemunerationScheme
    claims: bool = True  # declares peer support (or narrower)
    evidence: tuple[tuple[str, str], ...] = ()  # fixed evidence of a role that does not claim

    @property
    def in_groups(self) -> bool:
        """Whether the role works in or runs groups (and may have power over other members)."""
        return self.kind in ("Facilitator", "MutualGroupMember")


_ONE_WAY = (("roleHolderReceivesSupport", FALSE), ("livedExperienceRequired", TRUE))
PEER_WORKER = RoleTemplate("Peer Support Worker", "FormalPeerSupportWithClearDistinction", "PaidPeerWorker", "Paid")
SENIOR_PEER_WORKER = RoleTemplate("Senior Peer Support Worker", "PeerSupport", "PaidPeerWorker", "Paid")
USER_LED_PEER_WORKER = RoleTemplate("Peer worker", "PeerRunSupport", "PaidPeerWorker", "Paid")
WARD_VISITOR = RoleTemplate("Peer ward visitor", "IntentionalPeerSupport", "WardVisitor", "Volunteer")
VOLUNTEER = RoleTemplate("Volunteer peer supporter", "IntentionalPeerSupport", "VolunteerPeerSupporter", "Volunteer")
BROKER = RoleTemplate("Peer support broker", "PeerSupport", "PeerSupportBroker", "Paid")
FACILITATOR = RoleTemplate("Volunteer group facilitator", "MutualSupport", "Facilitator", "Volunteer")
DROP_IN = RoleTemplate("Drop-in volunteer", "InformalPeerSupport", "VolunteerPeerSupporter", "Volunteer")
FORMAL_MEMBER = RoleTemplate("Member, mutual support group", "FormalMutualPeerSupport", "MutualGroupMember", "MutualMember")
GROUP_MEMBER = RoleTemplate("Group member", "MutualSupport", "MutualGroupMember", "MutualMember")
MEMBER = RoleTemplate("Member", "NaturallyOccurringPeerSupport", "MutualGroupMember", "MutualMember")
# Neighbouring practices: their titles must not mention peer support, or they would claim it, and
# their evidence agrees with what their kind and practice imply. None is placed in a self-organised
# group, whose posts are two-way by the vocabulary's axioms (a one-way post there would contradict).
MENTOR = RoleTemplate("Peer mentor", "PeerMentoring", "PeerMentor", "Volunteer", False,
                      _ONE_WAY + (("guidesOthersLearning", TRUE),))
TRAINER = RoleTemplate("Recovery college trainer", "LivedExperienceCoaching", "Trainer", "Paid", False,
                       _ONE_WAY + (("guidesOthersLearning", TRUE),))
ROLE_MODEL = RoleTemplate("Lived experience role model", "RoleModelling", "RoleModel", "Paid", False, _ONE_WAY)
STR_WORKER = RoleTemplate("Support, time and recovery worker", "PeersWhoProvideSupport", "PaidPeerWorker", "Paid",
                          False, _ONE_WAY + (("participationMode", _ps("Assigned")),))
CLINICIAN = RoleTemplate("Lived experience practitioner (clinical)", "ClinicalTreatment", None, "Paid", False,
                         (("roleHolderReceivesSupport", FALSE), ("nonClinical", FALSE)))


@dataclass(frozen=True)
class OrganisationKind:
    cls: str  # the ps: class
    weight: int  # how common among top-level organisations
    names: tuple[str, ...]
    roles: tuple[tuple[RoleTemplate, int], ...]  # role mix, with weights
    settings: tuple[str, ...]
    formats: tuple[str, ...]
    funding: tuple[str, ...]


KINDS = (
    OrganisationKind(
        "VoluntarySectorOrganisation", 35,
        ("Mental Health Charity", "Wellbeing Association", "Community Mind", "Recovery Foundation", "Befriending Scheme"),
        ((VOLUNTEER, 25), (FACILITATOR, 20), (WARD_VISITOR, 10), (BROKER, 10), (PEER_WORKER, 10), (DROP_IN, 10),
         (MENTOR, 10), (ROLE_MODEL, 5)),
        ("CommunitySetting", "DayCentre", "Online", "Prison", "InpatientWard", "SupportedHousing", "CrisisHouse"),
        ("OneToOne", "GroupFormat", "Virtual"),
        ("CharitableGrant", "StatutoryFunding")),
    OrganisationKind(
        "UserLedOrganisation", 25,
        ("Survivors Network", "Voices Collective", "Peer Network", "Service User Forum", "Hearing Voices Network"),
        ((USER_LED_PEER_WORKER, 25), (FACILITATOR, 25), (FORMAL_MEMBER, 20), (DROP_IN, 10), (MENTOR, 10),
         (TRAINER, 10)),
        ("CommunitySetting", "DayCentre", "Online", "InpatientWard", "CrisisHouse", "Prison", "SpecialHospital"),
        ("OneToOne", "GroupFormat", "Virtual"),
        ("CharitableGrant", "StatutoryFunding", "SelfFunded")),
    OrganisationKind(
        "SelfOrganisedGroup", 22,
        ("Peer Support Circle", "Hearing Voices Group", "Women's Peer Group", "Mutual Support Group", "Online Peer Group"),
        ((GROUP_MEMBER, 50), (MEMBER, 20), (FACILITATOR, 30)),
        ("CommunitySetting", "Online"),
        ("GroupFormat", "Virtual"),
        ("SelfFunded", "CharitableGrant")),
    OrganisationKind(
        "StatutoryService", 18,
        ("Mental Health Trust", "Community Mental Health Team", "Inpatient Service", "Recovery College"),
        ((PEER_WORKER, 35), (SENIOR_PEER_WORKER, 10), (WARD_VISITOR, 10), (BROKER, 5), (STR_WORKER, 15),
         (TRAINER, 10), (CLINICIAN, 10), (MENTOR, 5)),
        ("InpatientWard", "CommunitySetting", "DayCentre", "RecoveryCollege", "SpecialHospital", "CrisisHouse"),
        ("OneToOne", "GroupFormat"),
        ("StatutoryFunding",)),
)
KIND_BY_CLASS = {kind.cls: kind for kind in KINDS}
# The kinds a project hosted by an organisation of each kind may be (self-organised groups host none).
PROJECT_KINDS = {
    "VoluntarySectorOrganisation": ("VoluntarySectorOrganisation", "UserLedOrganisation"),
    "UserLedOrganisation": ("VoluntarySectorOrganisation", "UserLedOrganisation"),
    "StatutoryService": ("StatutoryService",),
}
PROJECT_NAMES = ("Ward Visiting Project", "Hearing Voices Project", "Peer Befriending Project",
                 "Community Peer Project", "Women's Peer Project", "Online Peer Project")
PLACES = ("Riverside", "Northgate", "Eastbrook", "Millfield", "Harbourside", "Ashvale", "Kingsmere", "Westholm",
          "Oakridge", "Fernhill", "Stonebridge", "Larkspur", "Brackenford", "Willowmead", "Highcombe", "Copperdale")
COMMUNITIES = (("MentalHealthServiceUsers", 40), ("PeopleWithPsychosis", 12), ("BlackAndMinorityEthnic", 12),
               ("LGBTPeople", 10), ("Carers", 10), ("Inpatients", 10), ("WomenInCriminalJustice", 6))
ROLES_PER_ORGANISATION = ((1, 30), (2, 25), (3, 18), (4, 12), (5, 9), (6, 6))
PROJECT_SHARE = 0.15
HOST_WINDOW = 64  # projects are hosted by one of the last 64 organisations that can host: memory stays flat
# How a voluntary mark is contradicted, in a statutory service and elsewhere: each leaves exactly
# one of canDecline, consentAsked false (an order or a point of care imposes it: Mandated).
IMPOSED = {
    True: ((("participationMode", "Assigned"), 3), (("participationMode", "Mandated"), 1), (("imposedBy", None), 2),
           (("imposedAt", None), 5), (("canDecline", False), 1), (("consentAsked", False), 1)),
    False: ((("participationMode", "Assigned"), 3), (("participationMode", "Mandated"), 1), (("imposedBy", None), 3),
            (("imposedAt", None), 1), (("canDecline", False), 1), (("consentAsked", False), 1)),
}
IMPOSING_AUTHORITIES = ("TreatmentOrder", "CourtOrder", "TenancyCondition", "EmploymentOrBenefitCondition")
CARE_PATHWAY_POINTS = ("AtAdmission", "DuringDetention", "AtDischarge", "InCommunityCare")
# The share of peers on the board (ps:peerBoardShare), in twentieths: a user-led organisation is
# controlled by people with lived experience (004, section 2.2); a voluntary-sector one may have some.
BOARD_SHARES = {"UserLedOrganisation": (11, 20), "VoluntarySectorOrganisation": (0, 8)}
ENTRY_LEVEL_BANDS = ("AfCBand2", "AfCBand3", "AfCBand4")  # ps:EntryLevelPayBands
OTHER_BANDS = ("AfCBand5", "AfCBand6", "AfCBand7")


@dataclass
class Tally:
    """What a run made. ``failures`` maps each role-level shape's local name (``OneWayHelpShape``,
    ...) to the number of results the validator gives for it; ``marks`` maps each mark's code to
    how many claiming roles show it, leave it not recorded and contradict it."""

    organisations: int = 0
    projects: int = 0
    roles: int = 0
    claiming_roles: int = 0
    triples: int = 0
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHAPES, 0))
    marks: dict[str, dict[str, int]] = field(
        default_factory=lambda: {mark.code: dict.fromkeys(STATUSES, 0) for mark in MARKS})

    def as_dict(self) -> dict:
        return {"organisations": self.organisations, "projects": self.projects, "roles": self.roles,
                "claiming_roles": self.claiming_roles, "triples": self.triples, "failures": dict(self.failures),
                "marks": {code: dict(counts) for code, counts in self.marks.items()}}

    def summary(self) -> str:
        lines = [f"{self.triples} triples: {self.organisations} organisations ({self.projects} hosted projects), "
                 f"{self.roles} roles, {self.claiming_roles} of them claiming peer support"]
        lines += [f"  {code}: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES) for code, counts in self.marks.items()]
        lines += [f"  {shape}: {count}" for shape, count in self.failures.items()]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Organisation:
    iri: str  # in <...>
    kind: OrganisationKind
    user_led_base: bool  # it or its host is user-led or self-organised


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _triple(subject: str, predicate: str, obj: str) -> str:
    return f"{subject} {predicate} {obj} .\n"


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _some(rng: random.Random, pool, most: int) -> list:
    return rng.sample(pool, rng.randint(1, min(most, len(pool))))


def _communities(rng: random.Random) -> list[str]:
    chosen = [_weighted(rng, COMMUNITIES) for _ in range(rng.randint(0, 2))]
    return list(dict.fromkeys(chosen))  # without repeats, in a stable order


def _funding(rng: random.Random, kind: OrganisationKind, hosted: bool) -> list[str]:
    """A hosted project is funded by its host, sometimes with a source of its own as well."""
    if not hosted:
        return _some(rng, kind.funding, 2)
    return ["HostOrganisationFunding"] + ([rng.choice(kind.funding)] if rng.random() < 0.4 else [])


def _new_organisation(rng: random.Random, number: int, hosts: deque) -> tuple[_Organisation, str | None]:
    """The organisation numbered ``number`` and the IRI of its host, if it is a hosted project."""
    iri = f"<{BASE}organisation/{number}>"
    if hosts and rng.random() < PROJECT_SHARE:
        host = rng.choice(hosts)
        kind = KIND_BY_CLASS[rng.choice(PROJECT_KINDS[host.kind.cls])]
        user_led = host.user_led_base or kind.cls == "UserLedOrganisation"
        return _Organisation(iri, kind, user_led), host.iri
    kind = _weighted(rng, [(kind, kind.weight) for kind in KINDS])
    organisation = _Organisation(iri, kind, kind.cls in ("UserLedOrganisation", "SelfOrganisedGroup"))
    if kind.cls in PROJECT_KINDS:
        hosts.append(organisation)
    return organisation, None


def _organisation_lines(rng: random.Random, organisation: _Organisation, number: int, host: str | None) -> list[str]:
    kind, s = organisation.kind, organisation.iri
    name = rng.choice(PROJECT_NAMES if host else kind.names)
    lines = [_triple(s, RDF_TYPE, f"<{ORG}Organization>"), _triple(s, RDF_TYPE, _ps(kind.cls)),
             _triple(s, RDFS_LABEL, _literal(f"{rng.choice(PLACES)} {name} {number}"))]
    funding = _funding(rng, kind, hosted=host is not None)
    if host:
        lines.append(_triple(s, f"<{ORG}subOrganizationOf>", host))
    values = [("fundingSource", funding), ("setting", _some(rng, kind.settings, 2)),
              ("format", _some(rng, kind.formats, 2)), ("communityServed", _communities(rng))]
    lines += [_triple(s, _ps(prop), _ps(concept)) for prop, concepts in values for concept in concepts]
    if kind.cls in BOARD_SHARES and rng.random() < 0.5:  # peer governance: user-led means peer-controlled
        low, high = BOARD_SHARES[kind.cls]
        share = f"{rng.randint(low, high) / 20:.2f}"
        lines.append(_triple(s, _ps("peerBoardShare"), f'"{share}"^^<http://www.w3.org/2001/XMLSchema#decimal>'))
    return lines


def implied_evidence(template: RoleTemplate, organisation_kind: str, with_kind: bool = True) -> dict[str, str]:
    """What the vocabulary's axioms imply about a role made from ``template`` in an organisation of
    the kind ``organisation_kind``, its role kind recorded or not: property local name -> value."""
    implied: dict[str, str] = {}
    for prop, value in (KIND_IMPLIES.get(template.kind, ()) if with_kind else ()) \
            + PRACTICE_IMPLIES.get(template.practice, ()) + ORGANISATION_IMPLIES.get(organisation_kind, ()):
        implied.setdefault(prop, value)
    return implied


class _Claim:
    """The evidence of one role that claims peer support, with the results it gives counted."""

    def __init__(self, rng: random.Random, share: float, tally: Tally, implied: dict[str, str]):
        self.rng, self.share, self.tally, self.implied = rng, share, tally, implied
        self.evidence: dict[str, str] = {}

    def state(self, prop: str, value: str, redundant: float = 0.75) -> None:
        """Record ``prop``; a value the axioms already imply is recorded only sometimes."""
        if self.implied.get(prop) != value or self.rng.random() < redundant:
            self.evidence[prop] = value

    def result(self, shape: str) -> None:
        self.tally.failures[shape] += 1

    def drawn(self) -> bool:
        return self.rng.random() < self.share

    def conflict(self, prop: str) -> None:
        """Record ``prop`` false against the true the organisation implies."""
        self.evidence[prop] = FALSE
        self.result(CONFLICT)

    def reciprocal(self, status: str, in_groups: bool) -> None:
        partly = status == "not-recorded" and self.rng.random() < 0.5
        if status == "shown":
            self.state("roleHolderReceivesSupport", TRUE)
        elif status == "contradicted":
            self.evidence["roleHolderReceivesSupport"] = FALSE
            self.result("OneWayHelpShape")
        elif status == "conflict":
            self.conflict("roleHolderReceivesSupport")
        else:
            self.result("ReciprocityPartlyRecordedShape" if partly else "ReciprocityNotRecordedShape")
        # Supporting evidence: shared decisions, a mutual agreement, learning together.
        if "sharedDecisionMaking" not in self.implied:
            if self.drawn():
                self.evidence["sharedDecisionMaking"] = FALSE
                self.result("UnsharedDecisionsShape")
            elif status == "shown" and self.drawn():
                self.result(SHARED_DECISIONS_NOT_RECORDED)  # left out: a warning, the mark is still shown
            elif status == "shown" or partly:
                self.evidence["sharedDecisionMaking"] = TRUE
        if self.drawn():
            self.evidence["mutualAgreement"] = FALSE
            self.result("NoExplicitAgreementShape")
        elif (status in ("shown", "conflict") or partly) and self.rng.random() < 0.7:
            self.evidence["mutualAgreement"] = TRUE
        if status in ("shown", "conflict") and self.rng.random() < 0.3 or partly and TRUE not in (
                self.evidence.get("sharedDecisionMaking"), self.evidence.get("mutualAgreement")):
            self.evidence["collaborativeLearning"] = TRUE
        if status in ("shown", "conflict") and in_groups and self.rng.random() < 0.3:
            self.evidence["rotatesAmongMembers"] = TRUE  # a role members take in turn (004, section 2.3)
        if status != "contradicted" and self.rng.random() < 0.5:
            self.evidence["relationshipFocused"] = TRUE  # 003, common feature 5: no shape asks for it

    def voluntary(self, status: str, statutory: bool) -> None:
        rng = self.rng
        if status == "shown":
            if "participationMode" in self.implied:
                self.state("participationMode", self.implied["participationMode"])
            else:  # a participation mode that implies both, both answers, or the two
                mode = rng.random() < 0.75
                if mode:
                    referred = 0.6 if statutory else 0.2
                    self.evidence["participationMode"] = _ps("ReferredFreeToDecline" if rng.random() < referred
                                                             else "FreelyChosen")
                if not mode or rng.random() < 0.4:
                    self.evidence["canDecline"] = self.evidence["consentAsked"] = TRUE
        elif status == "contradicted":
            prop, value = _weighted(rng, IMPOSED[statutory])
            if prop == "imposedBy":
                self.evidence[prop] = _ps(rng.choice(IMPOSING_AUTHORITIES))
            elif prop == "imposedAt":
                self.evidence[prop] = _ps(rng.choice(CARE_PATHWAY_POINTS))
            else:
                self.evidence[prop] = _ps(value) if prop == "participationMode" else FALSE
            self.result("ImposedShape")
        elif status == "conflict":
            self.conflict(rng.choice(("canDecline", "consentAsked")))
        else:
            recorded = _weighted(rng, ((None, 2), ("canDecline", 1), ("consentAsked", 1)))
            if recorded:
                self.evidence[recorded] = TRUE
            self.result({None: "VoluntaryNotRecordedShape", "canDecline": "ConsentNotRecordedShape",
                         "consentAsked": "CanDeclineNotRecordedShape"}[recorded])

    def single(self, prop: str, status: str, contradicted: str, not_recorded: str) -> None:
        """Lived experience or non-clinical: one piece of evidence."""
        if status == "shown":
            self.state(prop, TRUE)
        elif status == "contradicted":
            self.evidence[prop] = FALSE
            self.result(contradicted)
        elif status == "conflict":
            self.conflict(prop)
        else:
            self.result(not_recorded)


def _concerns(claim: _Claim, template: RoleTemplate, organisation: _Organisation) -> list[str]:
    """Decision authority, pay band, duties and peer supervision, each a concern with probability
    ``share`` where it applies; the duties the role has."""
    rng, evidence = claim.rng, claim.evidence
    staff = template.basis in ("Paid", "Volunteer")  # peer supervision is only asked of paid and volunteer roles
    in_service = staff and organisation.kind.cls != "SelfOrganisedGroup"  # a post in an organisation's service
    if in_service:
        if claim.drawn():
            evidence["decisionAuthority"] = _ps("NoDecisionAuthority")
            claim.result("DecisionAuthorityShape")
        elif authority := rng.choice((None, "LimitedDecisionAuthority", "FullDecisionAuthority")):
            evidence["decisionAuthority"] = _ps(authority)
    if template.basis == "Paid" and organisation.kind.cls == "StatutoryService":  # NHS Agenda for Change
        if claim.drawn():
            evidence["payBand"] = _ps(rng.choice(ENTRY_LEVEL_BANDS))
            claim.result("EntryLevelPayShape")
        elif rng.random() < 0.75:
            evidence["payBand"] = _ps(rng.choice(OTHER_BANDS))
    duties = []
    if in_service and claim.drawn():
        duties.append(rng.choice(("ControlAndRestraintDuty", "RiskAssessmentDuty")))
        claim.result("StaffDutiesShape")
    if template.in_groups and claim.drawn():
        duties.append(rng.choice(("ModerationDuty", "RuleEnforcementDuty")))
        claim.result("PowerOverMembersShape")
    if staff:
        if claim.drawn():
            claim.result("PeerSupervisionShape")
            if rng.random() < 0.5:
                evidence["peerSupervision"] = FALSE
        else:
            evidence["peerSupervision"] = TRUE
    return duties


def _claim_evidence(rng: random.Random, template: RoleTemplate, organisation: _Organisation, share: float,
                    tally: Tally) -> tuple[bool, list[tuple[str, str]]]:
    """Whether the role's kind is recorded, and the evidence of a role that claims peer support."""
    cls = organisation.kind.cls
    failing = {mark.code for mark in MARKS if rng.random() < share}
    # A kind that implies what a failing mark must leave out or contradict is not recorded; what the
    # organisation implies cannot be left out, so a failing mark there is a conflict.
    from_kind, from_organisation = dict(KIND_IMPLIES.get(template.kind, ())), dict(ORGANISATION_IMPLIES.get(cls, ()))
    with_kind = template.kind is not None and not any(
        prop in from_kind and prop not in from_organisation for code in failing for prop in _CORE[code])
    claim = _Claim(rng, share, tally, implied_evidence(template, cls, with_kind))
    statuses = {}
    for mark in MARKS:
        if mark.code not in failing:
            statuses[mark.code] = "shown"
        elif any(prop in claim.implied for prop in _CORE[mark.code]):
            statuses[mark.code] = "conflict"
        else:
            statuses[mark.code] = rng.choice(("not-recorded", "contradicted"))
        tally.marks[mark.code]["contradicted" if statuses[mark.code] == "conflict" else statuses[mark.code]] += 1
    claim.reciprocal(statuses["reciprocal"], template.in_groups)
    claim.voluntary(statuses["voluntary"], statutory=cls == "StatutoryService")
    claim.single("livedExperienceRequired", statuses["lived-experience"], "NoLivedExperienceShape",
                 "LivedExperienceNotRecordedShape")
    claim.single("nonClinical", statuses["non-clinical"], "ClinicalShape", "NonClinicalNotRecordedShape")
    duties = _concerns(claim, template, organisation)
    tally.failures[USER_LED_BASE] += not organisation.user_led_base
    tally.claiming_roles += 1
    return with_kind, list(claim.evidence.items()) + [("hasDuty", _ps(duty)) for duty in duties]


def _role_lines(rng: random.Random, organisation: _Organisation, iri: str, share: float, tally: Tally) -> list[str]:
    template = _weighted(rng, organisation.kind.roles)
    lines = [_triple(iri, RDF_TYPE, f"<{ORG}Post>"), _triple(iri, RDFS_LABEL, _literal(template.title)),
             _triple(iri, f"<{ORG}postIn>", organisation.iri),
             _triple(iri, _ps("declaredPractice"), _ps(template.practice)),
             _triple(iri, _ps("remunerationBasis"), _ps(template.basis))]
    if template.claims:
        with_kind, evidence = _claim_evidence(rng, template, organisation, share, tally)
    else:
        with_kind, evidence = template.kind is not None, list(template.evidence)
    if with_kind:
        lines.append(_triple(iri, f"<{ORG}role>", _ps(template.kind)))
    lines += [_triple(iri, _ps(prop), value) for prop, value in evidence]
    tally.roles += 1
    return lines


def generate(orgs: int, seed: int, failure_share: float = 0.2, tally: Tally | None = None) -> Iterator[str]:
    """N-Triples lines (each ending in a newline) describing ``orgs`` organisations, hosted projects
    included, and their roles. Pass a ``Tally`` to learn, once the lines are consumed, what was made."""
    if orgs < 0:
        raise ValueError("orgs must be 0 or more")
    if not 0.0 <= failure_share <= 1.0:
        raise ValueError("failure_share must be between 0 and 1")
    tally = tally if tally is not None else Tally()
    rng = random.Random(seed)
    hosts: deque = deque(maxlen=HOST_WINDOW)
    for number in range(1, orgs + 1):
        organisation, host = _new_organisation(rng, number, hosts)
        lines = _organisation_lines(rng, organisation, number, host)
        for index in range(1, _weighted(rng, ROLES_PER_ORGANISATION) + 1):
            lines += _role_lines(rng, organisation, f"<{BASE}role/{number}-{index}>", failure_share, tally)
        tally.organisations += 1
        tally.projects += host is not None
        tally.triples += len(lines)
        yield from lines


def write(path: str | Path, orgs: int, seed: int, failure_share: float = 0.2) -> Tally:
    """Write the generated data to ``path`` (``.nt``, or ``.ttl``: N-Triples is valid Turtle) and
    return what was made."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ValueError(f"{path.name}: write to a file ending in {' or '.join(SUFFIXES)}")
    tally = Tally()
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.writelines(generate(orgs, seed, failure_share, tally))
    return tally
