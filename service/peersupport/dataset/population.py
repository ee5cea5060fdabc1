"""What the generated organisations and roles are made of: the marks and the shapes whose results
the generator counts, what role kinds, practices and organisation kinds imply (the vocabulary's
axioms, as ``vocabulary.entailment`` applies them; a test checks the two agree), the role
templates, the organisation kinds with their mix, and the names and values drawn from.
``dataset.generate`` draws from these.
"""

from __future__ import annotations

from dataclasses import dataclass

from peersupport import NAMESPACE

BASE = "https://example.org/generated/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
FALSE = '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>'
SUFFIXES = (".nt", ".ttl")  # N-Triples is also Turtle


def ps_term(name: str) -> str:
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
    "MutualGroupMember": (("roleHolderReceivesSupport", TRUE), _LIVED, ("remunerationBasis", ps_term("MutualMember"))),
    "PaidPeerWorker": (_LIVED, ("remunerationBasis", ps_term("Paid"))),
    "VolunteerPeerSupporter": (_LIVED, ("remunerationBasis", ps_term("Volunteer"))),
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
                           ("nonClinical", TRUE), ("participationMode", ps_term("FreelyChosen")),
                           ("canDecline", TRUE), ("consentAsked", TRUE)),
}
# The evidence that shows each mark, as the verdict reads it (ps:ReciprocalRole ...).
CORE_EVIDENCE = {"reciprocal": ("roleHolderReceivesSupport",), "voluntary": ("canDecline", "consentAsked"),
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
                          False, _ONE_WAY + (("participationMode", ps_term("Assigned")),))
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
