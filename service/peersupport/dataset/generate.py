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

What the generator draws from (the marks, what kinds imply, role templates, organisation kinds,
names) is ``dataset.population``.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from peersupport.dataset.population import (
    BASE, BOARD_SHARES, CARE_PATHWAY_POINTS, COMMUNITIES, CONFLICT, CORE_EVIDENCE, ENTRY_LEVEL_BANDS, FALSE,
    HOST_WINDOW, IMPOSED, IMPOSING_AUTHORITIES, KIND_BY_CLASS, KIND_IMPLIES, KINDS, MARKS, ORG,
    ORGANISATION_IMPLIES, OrganisationKind, OTHER_BANDS, PLACES, PRACTICE_IMPLIES, PROJECT_KINDS,
    PROJECT_NAMES, PROJECT_SHARE, ps_term, RDF_TYPE, RDFS_LABEL, ROLES_PER_ORGANISATION, RoleTemplate, SHAPES,
    SHARED_DECISIONS_NOT_RECORDED, STATUSES, SUFFIXES, TRUE, USER_LED_BASE)


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
    lines = [_triple(s, RDF_TYPE, f"<{ORG}Organization>"), _triple(s, RDF_TYPE, ps_term(kind.cls)),
             _triple(s, RDFS_LABEL, _literal(f"{rng.choice(PLACES)} {name} {number}"))]
    funding = _funding(rng, kind, hosted=host is not None)
    if host:
        lines.append(_triple(s, f"<{ORG}subOrganizationOf>", host))
    values = [("fundingSource", funding), ("setting", _some(rng, kind.settings, 2)),
              ("format", _some(rng, kind.formats, 2)), ("communityServed", _communities(rng))]
    lines += [_triple(s, ps_term(prop), ps_term(concept)) for prop, concepts in values for concept in concepts]
    if kind.cls in BOARD_SHARES and rng.random() < 0.5:  # peer governance: user-led means peer-controlled
        low, high = BOARD_SHARES[kind.cls]
        share = f"{rng.randint(low, high) / 20:.2f}"
        lines.append(_triple(s, ps_term("peerBoardShare"), f'"{share}"^^<http://www.w3.org/2001/XMLSchema#decimal>'))
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
                    self.evidence["participationMode"] = ps_term("ReferredFreeToDecline" if rng.random() < referred
                                                             else "FreelyChosen")
                if not mode or rng.random() < 0.4:
                    self.evidence["canDecline"] = self.evidence["consentAsked"] = TRUE
        elif status == "contradicted":
            prop, value = _weighted(rng, IMPOSED[statutory])
            if prop == "imposedBy":
                self.evidence[prop] = ps_term(rng.choice(IMPOSING_AUTHORITIES))
            elif prop == "imposedAt":
                self.evidence[prop] = ps_term(rng.choice(CARE_PATHWAY_POINTS))
            else:
                self.evidence[prop] = ps_term(value) if prop == "participationMode" else FALSE
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
            evidence["decisionAuthority"] = ps_term("NoDecisionAuthority")
            claim.result("DecisionAuthorityShape")
        elif authority := rng.choice((None, "LimitedDecisionAuthority", "FullDecisionAuthority")):
            evidence["decisionAuthority"] = ps_term(authority)
    if template.basis == "Paid" and organisation.kind.cls == "StatutoryService":  # NHS Agenda for Change
        if claim.drawn():
            evidence["payBand"] = ps_term(rng.choice(ENTRY_LEVEL_BANDS))
            claim.result("EntryLevelPayShape")
        elif rng.random() < 0.75:
            evidence["payBand"] = ps_term(rng.choice(OTHER_BANDS))
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
        prop in from_kind and prop not in from_organisation for code in failing for prop in CORE_EVIDENCE[code])
    claim = _Claim(rng, share, tally, implied_evidence(template, cls, with_kind))
    statuses = {}
    for mark in MARKS:
        if mark.code not in failing:
            statuses[mark.code] = "shown"
        elif any(prop in claim.implied for prop in CORE_EVIDENCE[mark.code]):
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
    return with_kind, list(claim.evidence.items()) + [("hasDuty", ps_term(duty)) for duty in duties]


def _role_lines(rng: random.Random, organisation: _Organisation, iri: str, share: float, tally: Tally) -> list[str]:
    template = _weighted(rng, organisation.kind.roles)
    lines = [_triple(iri, RDF_TYPE, f"<{ORG}Post>"), _triple(iri, RDFS_LABEL, _literal(template.title)),
             _triple(iri, f"<{ORG}postIn>", organisation.iri),
             _triple(iri, ps_term("declaredPractice"), ps_term(template.practice)),
             _triple(iri, ps_term("remunerationBasis"), ps_term(template.basis))]
    if template.claims:
        with_kind, evidence = _claim_evidence(rng, template, organisation, share, tally)
    else:
        with_kind, evidence = template.kind is not None, list(template.evidence)
    if with_kind:
        lines.append(_triple(iri, f"<{ORG}role>", ps_term(template.kind)))
    lines += [_triple(iri, ps_term(prop), value) for prop, value in evidence]
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
