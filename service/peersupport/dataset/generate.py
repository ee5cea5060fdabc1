"""Synthetic organisations and roles, at any scale, for benchmarks and load tests.

``generate`` yields N-Triples lines one by one, so a million triples stream to a file without a
graph ever being held in memory; ``write`` saves them to a file. The same seed always gives the
same lines. Everything described is made up: organisations are named after invented places and
numbered ("Riverside Peer Network 123"), and no person is described. IRIs are minted under
https://example.org/generated/ (the shapes skip the vocabulary's own namespace), and every
controlled value comes from the concept schemes of ``ontology/schemes.ttl``.

The mix follows the sources: voluntary-sector organisations, user-led organisations,
self-organised groups and statutory services, some hosting projects (``org:subOrganizationOf``),
each with one to six roles: paid, volunteer or mutual members. Most roles claim peer support; the
rest are neighbouring practices that do not (peer mentoring, training, role modelling, clinical
work) and which the shapes therefore leave alone.

Each role that claims peer support fails each mark (two-way help, shared decisions, mutual
agreement, freely chosen, can decline, consent, lived experience, non-clinical) with probability
``failure_share``, decided independently per mark, by omitting the evidence or giving a failing
value (false, Assigned, Mandated). The three concerns the shapes warn about (no decision-making
authority, a staff duty, no peer supervision for a paid or volunteer role) are drawn the same way.
``Tally.failures`` counts, per shape, how many roles were made to fail it, which is exactly the
number of results the validator gives for that shape. It also counts ``UserLedBaseShape`` (an info,
not a failure): claiming roles whose organisation has no user-led or self-organised base.
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

# The marks a claim must show: (shape local name, evidence property). Failing one is a violation.
MARKS = (
    ("TwoWayHelpShape", "roleHolderReceivesSupport"),
    ("SharedDecisionsShape", "sharedDecisionMaking"),
    ("MutualAgreementShape", "mutualAgreement"),
    ("FreelyChosenShape", "participationMode"),
    ("CanDeclineShape", "canDecline"),
    ("ConsentShape", "consentAsked"),
    ("LivedExperienceShape", "livedExperienceRequired"),
    ("NonClinicalShape", "nonClinical"),
)
CONCERNS = ("DecisionAuthorityShape", "StaffDutiesShape", "PeerSupervisionShape")  # warnings
USER_LED_BASE = "UserLedBaseShape"  # an info, following from where the role is
SHAPES = tuple(shape for shape, _ in MARKS) + CONCERNS + (USER_LED_BASE,)


@dataclass(frozen=True)
class RoleTemplate:
    title: str
    practice: str  # a concept of ps:PracticeScheme
    kind: str | None  # a concept of ps:RoleKindScheme (org:role)
    basis: str  # a concept of ps:RemunerationScheme
    claims: bool = True  # declares peer support (or narrower)
    evidence: tuple[tuple[str, str], ...] = ()  # fixed evidence of a role that does not claim


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
# Neighbouring practices: their titles must not mention peer support, or they would claim it.
MENTOR = RoleTemplate("Peer mentor", "PeerMentoring", "PeerMentor", "Volunteer", False,
                      _ONE_WAY + (("guidesOthersLearning", TRUE),))
TRAINER = RoleTemplate("Recovery college trainer", "LivedExperienceCoaching", "Trainer", "Paid", False,
                       _ONE_WAY + (("guidesOthersLearning", TRUE),))
ROLE_MODEL = RoleTemplate("Lived experience role model", "RoleModelling", "RoleModel", "Paid", False, _ONE_WAY)
STR_WORKER = RoleTemplate("Support, time and recovery worker", "PeersWhoProvideSupport", "PaidPeerWorker", "Paid",
                          False, _ONE_WAY + (("participationMode", f"<{NAMESPACE}Assigned>"),))
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
        ("CommunitySetting", "DayCentre", "Online", "Prison", "InpatientWard"),
        ("OneToOne", "GroupFormat", "Virtual"),
        ("CharitableGrant", "StatutoryFunding")),
    OrganisationKind(
        "UserLedOrganisation", 25,
        ("Survivors Network", "Voices Collective", "Peer Network", "Service User Forum", "Hearing Voices Network"),
        ((USER_LED_PEER_WORKER, 25), (FACILITATOR, 25), (FORMAL_MEMBER, 20), (DROP_IN, 10), (MENTOR, 10),
         (TRAINER, 10)),
        ("CommunitySetting", "DayCentre", "Online", "InpatientWard"),
        ("OneToOne", "GroupFormat", "Virtual"),
        ("CharitableGrant", "StatutoryFunding", "SelfFunded")),
    OrganisationKind(
        "SelfOrganisedGroup", 22,
        ("Peer Support Circle", "Hearing Voices Group", "Women's Peer Group", "Mutual Support Group", "Online Peer Group"),
        ((GROUP_MEMBER, 45), (MEMBER, 15), (FACILITATOR, 30), (MENTOR, 10)),
        ("CommunitySetting", "Online"),
        ("GroupFormat", "Virtual"),
        ("SelfFunded", "CharitableGrant")),
    OrganisationKind(
        "StatutoryService", 18,
        ("Mental Health Trust", "Community Mental Health Team", "Inpatient Service", "Recovery College"),
        ((PEER_WORKER, 35), (SENIOR_PEER_WORKER, 10), (WARD_VISITOR, 10), (BROKER, 5), (STR_WORKER, 15),
         (TRAINER, 10), (CLINICIAN, 10), (MENTOR, 5)),
        ("InpatientWard", "CommunitySetting", "DayCentre"),
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


@dataclass
class Tally:
    """What a run made. ``failures`` maps each role-level shape's local name (``TwoWayHelpShape``,
    ...) to the number of roles made to fail it: the number of results the validator gives."""

    organisations: int = 0
    projects: int = 0
    roles: int = 0
    claiming_roles: int = 0
    triples: int = 0
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHAPES, 0))

    def as_dict(self) -> dict:
        return {"organisations": self.organisations, "projects": self.projects, "roles": self.roles,
                "claiming_roles": self.claiming_roles, "triples": self.triples, "failures": dict(self.failures)}

    def summary(self) -> str:
        lines = [f"{self.triples} triples: {self.organisations} organisations ({self.projects} hosted projects), "
                 f"{self.roles} roles, {self.claiming_roles} of them claiming peer support"]
        lines += [f"  {shape}: {count}" for shape, count in self.failures.items()]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Organisation:
    iri: str  # in <...>
    kind: OrganisationKind
    user_led_base: bool  # it or its host is user-led or self-organised


def _ps(name: str) -> str:
    return f"<{NAMESPACE}{name}>"


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
    return lines


def _mark_value(rng: random.Random, prop: str, fails: bool, organisation: _Organisation) -> str | None:
    """The evidence recorded for one mark: a passing value, or (when it fails) none or a failing one."""
    if prop == "participationMode":
        if fails:
            return rng.choice((None, _ps("Assigned"), _ps("Mandated")))
        referred = 0.6 if organisation.kind.cls == "StatutoryService" else 0.2
        return _ps("ReferredFreeToDecline" if rng.random() < referred else "FreelyChosen")
    return rng.choice((None, FALSE)) if fails else TRUE


def _concern_values(rng: random.Random, template: RoleTemplate, share: float, failures: dict) -> list[tuple[str, str]]:
    """Decision authority, duties and peer supervision, each a concern with probability ``share``."""
    values = []
    if rng.random() < share:
        failures["DecisionAuthorityShape"] += 1
        values.append(("decisionAuthority", _ps("NoDecisionAuthority")))
    else:
        authority = rng.choice((None, "LimitedDecisionAuthority", "FullDecisionAuthority"))
        values += [("decisionAuthority", _ps(authority))] if authority else []
    if rng.random() < share:
        failures["StaffDutiesShape"] += 1
        values.append(("hasDuty", _ps(rng.choice(("ControlAndRestraintDuty", "RiskAssessmentDuty")))))
    if template.basis != "MutualMember":  # peer supervision is only asked of paid and volunteer roles
        if rng.random() < share:
            failures["PeerSupervisionShape"] += 1
            supervision = rng.choice((None, FALSE))
        else:
            supervision = TRUE
        values += [("peerSupervision", supervision)] if supervision else []
    return values


def _claim_evidence(rng: random.Random, template: RoleTemplate, organisation: _Organisation, share: float,
                    tally: Tally) -> list[tuple[str, str]]:
    evidence = []
    for shape, prop in MARKS:
        fails = rng.random() < share
        tally.failures[shape] += fails
        value = _mark_value(rng, prop, fails, organisation)
        if value is not None:
            evidence.append((prop, value))
    evidence += _concern_values(rng, template, share, tally.failures)
    tally.failures[USER_LED_BASE] += not organisation.user_led_base
    tally.claiming_roles += 1
    return evidence


def _role_lines(rng: random.Random, organisation: _Organisation, iri: str, share: float, tally: Tally) -> list[str]:
    template = _weighted(rng, organisation.kind.roles)
    lines = [_triple(iri, RDF_TYPE, f"<{ORG}Post>"), _triple(iri, RDFS_LABEL, _literal(template.title)),
             _triple(iri, f"<{ORG}postIn>", organisation.iri),
             _triple(iri, _ps("declaredPractice"), _ps(template.practice)),
             _triple(iri, _ps("remunerationBasis"), _ps(template.basis))]
    if template.kind:
        lines.append(_triple(iri, f"<{ORG}role>", _ps(template.kind)))
    evidence = _claim_evidence(rng, template, organisation, share, tally) if template.claims else template.evidence
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
