"""Each benefit, challenge, threat of professionalisation, kind of training, good-practice
principle and historical form the sources name has a concept in its scheme, citing the section
it is named in. The list below is taken from the sources: each entry quotes the words that name
the item, and the test checks the words are in the kept copy of the source."""

import re

import pytest
from rdflib import RDF, RDFS
from rdflib.namespace import DCTERMS, SKOS

from peersupport.vocabulary.graph import PS, SOURCE_NAMESPACE

from ..conftest import REPO, sources_missing

FILES = {"001": "001_b8e7f30b65c2babd.txt", "002": "002_0ba2f3b3b2f6d1e4.txt", "004": "004_eb6b9cd873e104b3.txt"}

# (scheme, concept, source, section anchor or "" for the whole source, the source's words)
NAMED_IN_THE_SOURCES = [
    ("BenefitScheme", "PersonalBenefit", "004", "section-3.1", "Personal benefits"),
    ("BenefitScheme", "CollectiveBenefit", "004", "section-3.1", "Collective benefits"),
    ("BenefitScheme", "PracticalBenefit", "004", "section-3.1", "Practical benefits"),
    ("BenefitScheme", "SocialBenefit", "004", "section-3.1", "Social benefits"),
    ("BenefitScheme", "BenefitForPeerWorkers", "004", "section-3.1", "Benefits for peer workers"),
    ("BenefitScheme", "BenefitForServicesAndStaff", "004", "section-3.1", "Benefits for services and staff"),
    ("ChallengeScheme", "InstitutionalChallenge", "004", "section-3.2", "Institutional challenges"),
    ("ChallengeScheme", "EmotionalChallenge", "004", "section-3.2", "Psychological and emotional challenges"),
    ("ChallengeScheme", "ClashOfValues", "004", "section-3.2", "Clash of values or ethos"),
    ("ChallengeScheme", "ResourcesAndFunding", "004", "section-3.2", "Resources and funding"),
    ("ChallengeScheme", "BoundariesAndRoleClarity", "004", "section-3.2", "the challenges of boundaries and role clarity"),
    ("ChallengeScheme", "ProfessionalisationOfPeerSupport", "004", "section-3.2", "Professionalisation of peer support"),
    ("ProfessionalisationThreatScheme", "StaffResistance", "002", "", "Resistance from staff wary of the autonomous, user-led way of working"),
    ("ProfessionalisationThreatScheme", "ComplianceWithStaffPolicies", "002", "", "The expectation to comply with staff policies and procedures"),
    ("ProfessionalisationThreatScheme", "CheapLabour", "002", "", "Being viewed as ‘cheap labour’"),
    ("ProfessionalisationThreatScheme", "SubsumptionOfUserLedGroups", "002", "", "peer support groups being subsumed by these newer formal models"),
    ("ProfessionalisationThreatScheme", "RecoveryHierarchyInRecruitment", "004", "section-3.2", "demonstrate their level of ‘recovery’"),
    ("ProfessionalisationThreatScheme", "LossOfDistinctRole", "004", "section-3.2", "lose the distinctness of their role"),
    ("ProfessionalisationThreatScheme", "HierarchyOfExpertise", "004", "section-4.1", "a ‘hierarchy of expertise’"),
    ("TrainingScheme", "PeerLedTraining", "004", "section-4", "the leadership of the training by peers"),
    ("TrainingScheme", "AccreditedPeerSupportTraining", "004", "section-4.1", "accredited training through the Open College Network"),
    ("TrainingScheme", "IntentionalPeerSupportTraining", "004", "section-4.1", "intentional peer support training"),
    ("TrainingScheme", "ListeningSkillsTraining", "004", "section-4.1", "Training in listening skills"),
    ("TrainingScheme", "CommunicationSkillsTraining", "004", "section-4.1", "Training in communication skills"),
    ("TrainingScheme", "CounsellingTraining", "004", "section-4.1", "Egan’s three stage model and other training in counselling"),
    ("TrainingScheme", "MentalHealthAndWellbeingTraining", "004", "section-4.1", "Training in mental health, including looking after one’s own mental health"),
    ("TrainingScheme", "GroupFacilitationTraining", "004", "section-4.1", "Training in running groups/organisations"),
    ("TrainingScheme", "RecoveryPlanningTraining", "004", "section-4", "Recovery (and personal recovery planning)"),
    ("TrainingScheme", "UserMovementHistoryTraining", "004", "section-4.1", "grounding in the history of the user movement"),
    ("TrainingScheme", "DiversityAndEqualityTraining", "004", "section-4.1", "more training on diversity and equality"),
    ("TrainingScheme", "PeerSupportBrokerageTraining", "004", "section-4.1", "training in peer support brokerage"),
    ("TrainingScheme", "InductionTraining", "004", "section-4.1", "induction training for their peer workers"),
    ("GoodPracticeScheme", "PreservingTheValueBase", "004", "section-5.1", "Preserving the value base of peer support"),
    ("GoodPracticeScheme", "OrganicBoundaries", "004", "section-5.2", "A structure that supports organic development"),
    ("GoodPracticeScheme", "ServiceUsersLeading", "004", "section-5.3", "Service users leading peer support"),
    ("GoodPracticeScheme", "PreservingVariety", "004", "section-5.4", "Preserving the variety and range of peer support"),
    ("GoodPracticeScheme", "GoodSupportAndResources", "004", "section-5.5", "Providing good support and resources"),
    ("HistoryScheme", "SurvivorGroups", "001", "", "patient/ex-patient/survivor groups"),
    ("HistoryScheme", "MentalPatientsUnions", "001", "", "Mental Patient Unions"),
    ("HistoryScheme", "CrashPads", "001", "", "‘crash pads’ and centres for people in crisis"),
    ("HistoryScheme", "SurvivorNetworks", "001", "", "the first national networking organisation in the UK"),
    ("HistoryScheme", "HearingVoicesGroups", "001", "", "Hearing Voices Groups"),
    ("HistoryScheme", "PeerSupportWorkersInServices", "001", "", "Peer Support Workers are becoming increasingly common"),
    ("HistoryScheme", "FormalisationDebate", "001", "", "formalisation of peer support has sparked a debate"),
    ("HistoryScheme", "SelfHelpAndMutualSupportGroups", "004", "section-6", "self-help groups, mutual support groups"),
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def source_texts():
    folder = REPO.parent / "shared" / "sources"
    if not folder.is_dir():
        sources_missing()
    return {ident: _flat((folder / name).read_text(encoding="utf-8")) for ident, name in FILES.items()}


@pytest.mark.parametrize("scheme, concept, source, anchor, words", NAMED_IN_THE_SOURCES, ids=[e[1] for e in NAMED_IN_THE_SOURCES])
def test_each_item_the_sources_name_has_a_concept_citing_it(ontology, source_texts, scheme, concept, source, anchor, words):
    assert words in source_texts[source], f"{words!r} is not in source {source}"
    assert (PS[concept], SKOS.inScheme, PS[scheme]) in ontology
    cited = SOURCE_NAMESPACE + FILES[source] + (f"#{anchor}" if anchor else "")
    assert cited in {str(s) for s in ontology.objects(PS[concept], DCTERMS.source)}


def test_the_schemes_hold_the_items_the_sources_name_and_no_others(ontology):
    for scheme in {entry[0] for entry in NAMED_IN_THE_SOURCES}:
        listed = {PS[entry[1]] for entry in NAMED_IN_THE_SOURCES if entry[0] == scheme}
        assert set(ontology.subjects(SKOS.inScheme, PS[scheme])) == listed, scheme


def test_each_scheme_has_a_class_of_values_and_a_property_to_report_them(ontology):
    values = {"BenefitScheme": ("Benefit", "reportedBenefit"), "ChallengeScheme": ("Challenge", "reportedChallenge"),
              "ProfessionalisationThreatScheme": ("ProfessionalisationThreat", "professionalisationConcern"),
              "TrainingScheme": ("TrainingKind", "training"), "GoodPracticeScheme": ("GoodPracticePrinciple", "goodPractice")}
    for scheme, (cls, prop) in values.items():
        assert {next(ontology.objects(c, RDF.type)) for c in ontology.subjects(SKOS.inScheme, PS[scheme])} == {PS[cls]}
        assert (PS[prop], RDFS.range, PS[cls]) in ontology
