"""HermiT (through owlready2) finds the vocabulary consistent, and classifies role descriptions
drawn from the sources as the sources say."""

import pytest
from rdflib import Graph, URIRef

from peersupport.vocabulary.reasoning import check_ontology, classify

from ..conftest import REPO

pytestmark = [pytest.mark.java, pytest.mark.usefixtures("require_java")]

EX = "https://example.org/roles/"
PS = "https://w3id.org/peer-support/"


def classes(*names):
    return frozenset(PS + name for name in ("DescribedRole", *names))


PEER_SUPPORT = classes("PeerSupportRole", "ReciprocalRole", "FreelyChosenRole")

# role -> (verdict, every vocabulary class HermiT must infer, and no other)
EXPECTED = {
    "mutual-agreement-member": ("PeerSupportRole", PEER_SUPPORT),
    "paid-ward-visitor": ("PeerSupportRole", PEER_SUPPORT),
    "theatre-group-member": ("PeerSupportRole", PEER_SUPPORT),
    "volunteer-facilitator": ("PeerSupportRole", PEER_SUPPORT),
    "peer-mentor": ("PeerMentoringRole", classes(
        "PeerMentoringRole", "OneWayHelpRole", "LacksAMarkRole", "PeersWhoProvideSupportRole", "FreelyChosenRole")),
    "entry-level-assigned-worker": ("PeersWhoProvideSupportRole", classes(
        "PeersWhoProvideSupportRole", "LacksAMarkRole", "OneWayHelpRole", "UnsharedDecisionsRole", "ImposedRole",
        "RoleWithoutDecisionAuthority")),
    "clinical-intervention": ("ClinicalHelpRole", classes(
        "ClinicalHelpRole", "OneWayHelpRole", "LacksAMarkRole", "FreelyChosenRole")),
    "mandated-volunteer-group": ("PeersWhoProvideSupportRole", classes(
        "PeersWhoProvideSupportRole", "LacksAMarkRole", "ImposedRole", "ReciprocalRole")),
    "policy-bound-peer-worker": ("PeersWhoProvideSupportRole", classes(
        "PeersWhoProvideSupportRole", "LacksAMarkRole", "UnsharedDecisionsRole", "FreelyChosenRole")),
    "role-model-worker": ("PeersWhoProvideSupportRole", classes(
        "PeersWhoProvideSupportRole", "LacksAMarkRole", "OneWayHelpRole")),
    "title-only": (None, classes()),
}


@pytest.fixture(scope="module")
def readings(ontology):
    data = Graph().parse(REPO / "data/examples/classification/roles-from-sources.ttl")
    return classify(data, [URIRef(EX + name) for name in EXPECTED], ontology=ontology)


def test_vocabulary_is_consistent_with_no_unsatisfiable_classes(ontology):
    result = check_ontology(ontology)
    assert result.consistent is True
    assert result.unsatisfiable == ()


def test_an_unsatisfiable_class_is_reported(ontology):
    broken = (ontology + Graph()).parse(format="turtle", data="""
        @prefix ps: <https://w3id.org/peer-support/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ps:MentoringPeerSupport a owl:Class ; rdfs:subClassOf ps:PeerSupportRole , ps:PeerMentoringRole .
    """)
    result = check_ontology(broken)
    assert result.consistent is True
    assert result.unsatisfiable == (PS + "MentoringPeerSupport",)


def test_an_inconsistent_description_is_reported(ontology):
    broken = (ontology + Graph()).parse(format="turtle", data="""
        @prefix ps: <https://w3id.org/peer-support/> . @prefix org: <http://www.w3.org/ns/org#> .
        <https://example.org/roles/both> a org:Post , ps:PeerMentoringRole ;
            ps:roleHolderReceivesSupport true .
    """)
    assert check_ontology(broken).consistent is False


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_role_from_the_sources_is_classified_as_the_sources_say(readings, role):
    verdict, expected_classes = EXPECTED[role]
    reading = readings[EX + role]
    assert reading.classes == expected_classes
    assert reading.reads_as == (PS + verdict if verdict else None)


def test_volunteer_is_not_voluntary(readings):
    """An unpaid role can be imposed; a paid one can be freely chosen."""
    assert PS + "ImposedRole" in readings[EX + "mandated-volunteer-group"].classes
    assert PS + "FreelyChosenRole" in readings[EX + "paid-ward-visitor"].classes


def test_user_led_charity_and_clinically_overseen_peer_post_are_consistent(ontology):
    """A voluntary-sector charity can be user-led (Table 4), and a one-way lived-experience post
    overseen clinically is both clinical help and 'peers who provide support' (003)."""
    data = Graph().parse(format="turtle", data="""
        @prefix ps: <https://w3id.org/peer-support/> . @prefix org: <http://www.w3.org/ns/org#> .
        <https://example.org/charity> a org:Organization , ps:UserLedOrganisation , ps:VoluntarySectorOrganisation .
        <https://example.org/nhs-peer-post> a org:Post ; org:postIn <https://example.org/charity> ;
            ps:roleHolderReceivesSupport false ; ps:livedExperienceRequired true ; ps:nonClinical false .
    """)
    reading = classify(data, [URIRef("https://example.org/nhs-peer-post")], ontology=ontology)["https://example.org/nhs-peer-post"]
    assert reading.classes == classes("ClinicalHelpRole", "PeersWhoProvideSupportRole", "OneWayHelpRole", "LacksAMarkRole")
    assert reading.reads_as == PS + "ClinicalHelpRole"


def test_a_statutory_user_led_organisation_is_a_contradiction(ontology):
    broken = (ontology + Graph()).parse(format="turtle", data="""
        @prefix ps: <https://w3id.org/peer-support/> .
        <https://example.org/trust> a ps:StatutoryService , ps:UserLedOrganisation .
    """)
    assert check_ontology(broken).consistent is False


def test_a_membership_can_carry_the_evidence(ontology):
    data = Graph().parse(format="turtle", data="""
        @prefix ps: <https://w3id.org/peer-support/> . @prefix org: <http://www.w3.org/ns/org#> .
        <https://example.org/membership> a org:Membership ; ps:roleHolderReceivesSupport true ; ps:sharedDecisionMaking true ;
            ps:mutualAgreement true ; ps:participationMode ps:FreelyChosen ; ps:canDecline true ; ps:consentAsked true ;
            ps:livedExperienceRequired true ; ps:nonClinical true .
    """)
    reading = classify(data, [URIRef("https://example.org/membership")], ontology=ontology)["https://example.org/membership"]
    assert reading.reads_as == PS + "PeerSupportRole"
