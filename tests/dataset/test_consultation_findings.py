"""The findings the 2012 report attributes to its projects: the benefits, challenges, concerns
about professionalisation, training and good practice recorded in the consultation data are
exactly those listed here, each a concept of its property's scheme, each justified in the
resource's comment by the report's words, placed in the section the resource cites."""

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from peersupport.vocabulary.graph import PS

from ..conftest import REPO, sources_missing

PROJECTS = REPO / "data" / "consultation-2012" / "projects.ttl"
REPORT = REPO.parent / "shared" / "sources" / "004_eb6b9cd873e104b3.txt"
DATA = "https://w3id.org/peer-support/data/consultation-2012/"
REPORT_IRI = "https://w3id.org/peer-support/source/004_eb6b9cd873e104b3.txt#"
SCHEMES = {"reportedBenefit": "BenefitScheme", "reportedChallenge": "ChallengeScheme",
           "professionalisationConcern": "ProfessionalisationThreatScheme", "training": "TrainingScheme",
           "goodPractice": "GoodPracticeScheme"}

SUPPORT = ("4.2", "Support to peer workers is considered of crucial importance by CAPITAL, Roads to Recovery, Wish, MindOut and Canerows and Plaits")
USER_LED = ("5.3", "(e.g. Canerows and Plaits, Kindred Minds, CAPITAL, Wish and MindOut) emphasised the importance of having an organisation with a user-led ethos")
INPATIENT_HOPE = ("3.1", "Similar views were given about the two services offering peer support to people on inpatient wards")
FRIENDSHIPS = ("2.2", "talked about the formation of natural friendships through groups")
COLLECTIVE = ("3.1", "A collective focus on achieving something positive together")

# (resource, property, value) -> (section, words of the quotation that justifies it)
FINDINGS = {
    ("org/canerows-and-plaits", "reportedBenefit", "BenefitForServicesAndStaff"): ("3.1", "staff were very positive about the Canerows and Plaits service"),
    ("org/canerows-and-plaits", "reportedBenefit", "PersonalBenefit"): INPATIENT_HOPE,
    ("org/canerows-and-plaits", "reportedChallenge", "ProfessionalisationOfPeerSupport"): ("3.2", "Their concern was that professionalising peer support"),
    ("org/canerows-and-plaits", "professionalisationConcern", "RecoveryHierarchyInRecruitment"): ("3.2", "demonstrate their level of ‘recovery’"),
    ("org/canerows-and-plaits", "goodPractice", "ServiceUsersLeading"): USER_LED,
    ("org/canerows-and-plaits", "goodPractice", "GoodSupportAndResources"): SUPPORT,
    ("role/canerows-and-plaits-ward-visitor", "reportedBenefit", "BenefitForPeerWorkers"): ("3.1", "similar benefits for the peer workers (ward visitors) at Canerows and Plaits"),
    ("role/canerows-and-plaits-ward-visitor", "reportedChallenge", "EmotionalChallenge"): ("3.2", "found it hard to encounter people in severe distress"),
    ("role/canerows-and-plaits-ward-visitor", "training", "AccreditedPeerSupportTraining"): ("4.1", "has developed its own accredited training"),
    ("role/canerows-and-plaits-ward-visitor", "training", "ListeningSkillsTraining"): ("4.1", "which involves listening skills"),
    ("role/canerows-and-plaits-ward-visitor", "training", "RecoveryPlanningTraining"): ("4.1", "understanding recovery"),
    ("role/canerows-and-plaits-ward-visitor", "training", "DiversityAndEqualityTraining"): ("4.1", "cultural and diversity issues"),
    ("role/canerows-and-plaits-ward-visitor", "goodPractice", "PreservingTheValueBase"): ("5.1", "The ward visitors at Canerows and Plaits feel that this is the aspect"),
    ("org/capital-inpatient-service", "reportedBenefit", "PersonalBenefit"): INPATIENT_HOPE,
    ("org/capital-inpatient-service", "goodPractice", "ServiceUsersLeading"): USER_LED,
    ("org/capital-inpatient-service", "goodPractice", "GoodSupportAndResources"): SUPPORT,
    ("role/capital-inpatient-peer-worker", "reportedChallenge", "EmotionalChallenge"): ("3.2", "both in the light of the emotional challenges"),
    ("role/capital-inpatient-peer-worker", "training", "InductionTraining"): ("4.1", "‘heavy induction’"),
    ("org/kindred-minds", "reportedChallenge", "ProfessionalisationOfPeerSupport"): ("3.2", "peer support will just be fitted into the all-pervading medical models"),
    ("org/kindred-minds", "professionalisationConcern", "LossOfDistinctRole"): ("5.3", "will need to be fitted into the existing modes of working within mental health services"),
    ("org/kindred-minds", "goodPractice", "ServiceUsersLeading"): USER_LED,
    ("org/kindred-minds", "goodPractice", "GoodSupportAndResources"): ("4.2", "Kindred Minds actively seeks out external supervision and peer support"),
    ("org/kindred-minds-theatre-company", "reportedBenefit", "CollectiveBenefit"): ("3.1", "members of KTC valued both being ‘black people together’"),
    ("org/kindred-minds-theatre-company", "reportedBenefit", "PersonalBenefit"): FRIENDSHIPS,
    ("org/mindout-peer-support-service", "reportedChallenge", "BoundariesAndRoleClarity"): ("5.2", "we have constant struggles with boundaries"),
    ("org/mindout-peer-support-service", "goodPractice", "ServiceUsersLeading"): USER_LED,
    ("org/mindout-peer-support-service", "goodPractice", "GoodSupportAndResources"): SUPPORT,
    ("org/peer-support-network-st-helens", "reportedBenefit", "CollectiveBenefit"): COLLECTIVE,
    ("org/re-energize", "reportedBenefit", "SocialBenefit"): ("3.1", "enabling social inclusion/integration"),
    ("org/re-energize", "reportedBenefit", "PersonalBenefit"): ("3.1", "reducing the isolation of its members"),
    ("org/re-energize", "reportedBenefit", "CollectiveBenefit"): COLLECTIVE,
    ("org/roads-to-recovery", "reportedChallenge", "ResourcesAndFunding"): ("4.3", "they were too small an organisation to apply alone"),
    ("org/roads-to-recovery", "goodPractice", "GoodSupportAndResources"): SUPPORT,
    ("role/roads-to-recovery-peer-support-worker", "training", "IntentionalPeerSupportTraining"): ("4.1", "had accessed the ‘intentional peer support’ training"),
    ("org/wish", "reportedBenefit", "PersonalBenefit"): ("3.1", "For Wish, the peer workers are acting as role models"),
    ("org/wish", "reportedChallenge", "InstitutionalChallenge"): ("3.2", "the resistance they encountered eventually caused the project to close"),
    ("org/wish", "goodPractice", "ServiceUsersLeading"): USER_LED,
    ("org/wish", "goodPractice", "GoodSupportAndResources"): SUPPORT,
    ("role/wish-peer-worker", "training", "InductionTraining"): ("4.1", "They provide induction training for their peer workers"),
}


@pytest.fixture(scope="module")
def projects():
    return Graph().parse(PROJECTS)


def recorded(graph):
    return {(str(s).removeprefix(DATA), str(p).removeprefix(str(PS)), str(o).removeprefix(str(PS)))
            for prop in SCHEMES for s, p, o in graph.triples((None, PS[prop], None))}


def placed_quotations(comment: str) -> list[tuple[str, str]]:
    """(quotation, the section named after it) for each «…» of a comment."""
    placed = []
    for quote in re.finditer(r"«([^»]+)»", comment):
        place = re.compile(r"\((\d(?:\.\d)?)\)").search(comment, quote.end())
        placed.append((quote.group(1), place.group(1) if place else ""))
    return placed


def test_the_findings_are_those_the_report_attributes_to_the_projects(projects):
    assert recorded(projects) == set(FINDINGS)


def test_each_value_is_a_concept_of_its_propertys_scheme(projects, ontology):
    for _, prop, value in recorded(projects):
        assert (PS[value], SKOS.inScheme, PS[SCHEMES[prop]]) in ontology, (prop, value)
        assert (PS[value], RDF.type, ontology.value(PS[prop], RDFS.range)) in ontology, (prop, value)


def test_each_finding_is_quoted_in_the_comment_and_its_section_cited(projects):
    unjustified = []
    for (resource, prop, value), (section, words) in FINDINGS.items():
        subject = URIRef(DATA + resource)
        comment = str(projects.value(subject, RDFS.comment))
        quoted = any(words in quote and place == section for quote, place in placed_quotations(comment))
        cited = URIRef(f"{REPORT_IRI}section-{section}") in set(projects.objects(subject, DCTERMS.source))
        if not (quoted and cited):
            unjustified.append((resource, prop, value, quoted, cited))
    assert unjustified == []


def test_the_quotations_of_the_resources_with_findings_are_the_reports_words(projects):
    if not REPORT.exists():
        sources_missing()
    text = re.sub(r"\s+", " ", REPORT.read_text(encoding="utf-8"))
    subjects = {s for prop in SCHEMES for s in projects.subjects(PS[prop], None)}
    comments = [str(c) for s in subjects for c in projects.objects(s, RDFS.comment) if isinstance(c, Literal)]
    quotations = [quote for comment in comments for quote, _ in placed_quotations(comment)]
    assert len(quotations) > len(FINDINGS)
    missing = [piece for quote in quotations for piece in (re.sub(r"\s+", " ", p).strip() for p in quote.split("…"))
               if piece not in text]
    assert missing == []
