"""The 2012 consultation as linked data: the projects get the verdict the report supports, every
figure matches the report, every statement cites a place in the report that exists, no person is
in the graph, and the survey cubes are well-formed Data Cubes."""

import re
from collections import Counter, defaultdict

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH

from peersupport.validation.validate import validate

from ..conftest import REPO, sources_missing

DATA = REPO / "data" / "consultation-2012"
REPORT = REPO.parent / "shared" / "sources" / "004_eb6b9cd873e104b3.txt"
REPORT_IRI = "https://w3id.org/peer-support/source/004_eb6b9cd873e104b3.txt"
C12 = Namespace("https://w3id.org/peer-support/data/consultation-2012/")
ROLE = Namespace(C12 + "role/")
DEF = Namespace(C12 + "def/")
CODE = Namespace(C12 + "code/")
SURVEY = Namespace(C12 + "survey/")
QB = Namespace("http://purl.org/linked-data/cube#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
PS = Namespace("https://w3id.org/peer-support/")
SECTIONS = {"1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2", "2.3", "2.4", "3", "3.1", "3.2", "4", "4.1", "4.2", "4.3",
            "5", "5.1", "5.2", "5.3", "5.4", "5.5", "6", "6.1", "6.2", "6.3", "6.4", "6.5"}


@pytest.fixture(scope="module")
def graph():
    g = Graph()
    for path in sorted(DATA.glob("*.ttl")):
        g.parse(path)
    return g


def results_by_role():
    report = validate((DATA / "projects.ttl").read_bytes(), "turtle", classify=False)
    found = defaultdict(set)
    for result in report.results:
        found[str(result.focus).rsplit("/", 1)[-1]].add(str(result.source_shape).rsplit("/", 1)[-1])
    return report, found


def test_the_group_based_projects_and_two_paid_roles_show_every_mark_the_others_lack_some():
    report, found = results_by_role()
    # Section 1.4: "Five of the nine projects have paid peer workers. The other four are group-based
    # with an approach that regards all members as equals."
    for member in ("kindred-minds-member", "ktc-member", "peer-support-network-st-helens-member", "re-energize-member"):
        assert member not in found
    # Canerows and Plaits records two-way help (2.2) and visits without assigning people (2.4, freely
    # chosen, so declining and consent are implied): every mark is shown, shared decisions are not
    # recorded (a warning). CAPITAL's inpatient post is one-way by design (2.3): contradicted.
    # Roads to Recovery and Wish: the report says nothing of two-way help or how people come.
    # MindOut: the report says nothing of two-way help or of non-clinical work. Lived experience is
    # implied by the role kind: the report counts MindOut among the "five of the nine projects [that]
    # have paid peer workers" (1.4) and says "MindOut recruits peer workers" (4, training), and a paid peer
    # worker has lived experience by the vocabulary's definition (004), although the service is
    # LGBT-led, "not mental health service user-led" (1.4).
    assert found == {
        "canerows-and-plaits-ward-visitor": {"SharedDecisionsNotRecordedShape"},
        "capital-inpatient-peer-worker": {"OneWayHelpShape"},
        "mindout-group-worker": {"ReciprocityNotRecordedShape", "NonClinicalNotRecordedShape", "UserLedBaseShape"},
        "roads-to-recovery-peer-support-worker": {"ReciprocityNotRecordedShape", "VoluntaryNotRecordedShape"},
        "wish-peer-worker": {"ReciprocityNotRecordedShape", "VoluntaryNotRecordedShape"},
    }
    assert [report.count(severity) for severity in (SH.Violation, SH.Warning, SH.Info)] == [7, 1, 1]


def test_the_nine_projects_of_table_4(graph):
    projects = {str(graph.value(s, RDFS.label)) for s in graph.subjects(PS.communityServed, None)}
    assert projects == {"Canerows and Plaits", "CAPITAL inpatient peer support service", "Kindred Minds",
                        "Kindred Minds Theatre Company", "MindOut peer support service", "Peer Support Network St Helens",
                        "Re-energize", "Roads to Recovery", "Wish"}
    user_led = set(graph.subjects(RDF.type, PS.UserLedOrganisation)) | set(graph.subjects(RDF.type, PS.SelfOrganisedGroup))
    assert len({o for o in graph.subjects(PS.communityServed, None)} & user_led) == 8  # "eight of which were service user/carer led"
    paid = {graph.value(r, ORG.postIn) for r in graph.subjects(PS.remunerationBasis, PS.Paid)
            if (r, ORG.role, PS.PaidPeerWorker) in graph}
    assert len(paid) == 5  # "Five of the nine projects have paid peer workers"


def test_no_person_is_in_the_graph(graph):
    persons = [s for s in graph.subjects(RDF.type, None)
               if graph.value(s, RDF.type) in (FOAF.Person, SCHEMA.Person, PROV.Person)]
    assert persons == [] and not list(graph.triples((None, ORG.member, None))) and not list(graph.triples((None, ORG.heldBy, None)))


def test_every_described_resource_cites_a_place_in_the_report(graph):
    typed = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(C12)}
    uncited = sorted(str(s) for s in typed if not any(
        str(o).startswith(REPORT_IRI) for o in graph.objects(s, DCTERMS.source))
        and not (s, QB.dataSet, None) in graph  # an observation cites through its own dct:source below
        and graph.value(s, RDF.type) not in (QB.DataStructureDefinition, PROV.Activity, PROV.Agent))
    assert [s for s in uncited if not re.search(r"/(def|code)/", s)] == []
    observations = set(graph.subjects(RDF.type, QB.Observation))
    assert observations and all(str(graph.value(o, DCTERMS.source)).startswith(REPORT_IRI) for o in observations)


def test_every_anchor_cited_exists_in_the_report(graph):
    anchors = {str(o).split("#", 1)[1] for o in graph.objects(None, DCTERMS.source) if str(o).startswith(REPORT_IRI + "#")}
    sections = {a.removeprefix("section-") for a in anchors if a.startswith("section-")}
    assert sections <= SECTIONS
    assert {a for a in anchors if not a.startswith("section-")} <= {"table-1", "table-2", "table-3", "table-4", "appendix-1"}
    if not REPORT.exists():
        sources_missing()
    text = REPORT.read_text(encoding="utf-8")
    for section in sections:
        assert re.search(rf"^\s*{re.escape(section)}(\.|\s|$)", text, re.MULTILINE), section
    for table in ("1", "2", "3", "4"):
        assert f"Table {table}:" in text


def observations(graph, dataset):
    return [o for o in graph.subjects(QB.dataSet, dataset)]


def test_table_1_figures_match_the_report(graph):
    counts, shares = defaultdict(dict), defaultdict(dict)
    for o in observations(graph, SURVEY.demography):
        group = str(graph.value(graph.value(o, DEF.respondentGroup), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
        characteristic = str(graph.value(o, DEF.characteristic)).rsplit("/", 1)[-1]
        counts[characteristic][group] = graph.value(o, DEF.respondents).toPython()
        if graph.value(o, DEF.printedPercentage) is not None:
            shares[characteristic][group] = graph.value(o, DEF.printedPercentage).toPython()
    assert {c: sum(groups.values()) for c, groups in counts.items()} == dict.fromkeys(
        ["age", "gender", "ethnicity", "sexual-orientation", "disability", "religion", "user-carer"], 44)
    for characteristic, groups in shares.items():
        for group, share in groups.items():
            assert share == round(100 * counts[characteristic][group] / 44), (characteristic, group)
    assert counts["gender"] == {"Women": 30, "Men": 10, "No response": 4}
    assert counts["age"]["46-55"] == 18 and shares["age"]["46-55"] == 41
    # Three rows have no percentage printed in the report.
    assert sum(len(g) for g in counts.values()) - sum(len(g) for g in shares.values()) == 3
    assert "Other ethnicity" not in shares["ethnicity"] and "No response" not in shares["disability"]


def test_table_2_figures_match_the_report(graph):
    table = {}
    for o in observations(graph, SURVEY.contexts):
        context = str(graph.value(o, DEF.context)).rsplit("/", 1)[-1]
        supporter = str(graph.value(o, DEF.supporterType)).rsplit("/", 1)[-1]
        table[context, supporter] = graph.value(o, DEF.percentage).toPython()
    assert table == {
        ("FormalPeerSupportWithClearDistinction", "supporter-all"): 15, ("FormalPeerSupportWithClearDistinction", "Paid"): 38,
        ("FormalPeerSupportWithClearDistinction", "Volunteer"): 0, ("FormalPeerSupportWithClearDistinction", "MutualMember"): 0,
        ("FormalMutualPeerSupport", "supporter-all"): 9, ("FormalMutualPeerSupport", "Paid"): 15,
        ("FormalMutualPeerSupport", "Volunteer"): 9, ("FormalMutualPeerSupport", "MutualMember"): 0,
        ("InformalPeerSupport", "supporter-all"): 58, ("InformalPeerSupport", "Paid"): 15,
        ("InformalPeerSupport", "Volunteer"): 55, ("InformalPeerSupport", "MutualMember"): 100,
        ("context-both", "supporter-all"): 12, ("context-both", "Paid"): 23, ("context-both", "Volunteer"): 27,
        ("context-dont-know", "supporter-all"): 6, ("context-dont-know", "Paid"): 8, ("context-dont-know", "Volunteer"): 9,
    }
    columns = Counter()
    for (_, supporter), value in table.items():
        columns[supporter] += value
    assert dict(columns) == {"supporter-all": 100, "Paid": 99, "Volunteer": 100, "MutualMember": 100}


def test_table_3_and_the_section_1_3_figures(graph):
    parts = Counter(str(graph.value(o, DEF.groupType)).rsplit("/", 1)[-1] for o in observations(graph, SURVEY.groups))
    assert parts == {"peer-support-groups": 9, "voluntary-sector-groups": 4, "user-led-groups-not-called-ps": 11}
    figures = {str(graph.value(o, DEF.indicator)).rsplit("/", 1)[-1]:
               (graph.value(o, DEF.figure).toPython(), str(graph.value(o, DEF.unit)).rsplit("/", 1)[-1])
               for o in observations(graph, SURVEY.figures)}
    assert figures == {"responses": (44, "respondents"), "attend-group": (52, "percent"), "offer-peer-support": (75, "percent"),
                       "receive-and-offer": (45, "percent"), "received-mutual-support": (59, "percent"),
                       "received-from-paid-workers": (15, "percent"), "received-both": (3, "respondents"),
                       "offer-as-paid-worker": (39, "percent"), "offer-as-volunteer": (33, "percent"),
                       "offer-as-group-member": (27, "percent")}


def test_quotations_are_the_reports_words(graph):
    if not REPORT.exists():
        sources_missing()
    text = re.sub(r"\s+", " ", REPORT.read_text(encoding="utf-8"))
    quoted = [q for o in graph.objects(None, None) if isinstance(o, Literal) for q in re.findall(r"«([^»]+)»", str(o))]
    assert len(quoted) > 100
    # Table cells came out of the PDF with their lines interleaved with other cells' lines, so a
    # quotation is found word by word, in order, each word soon after the one before.
    missing = [q for q in quoted for piece in re.split(r"…", q) if not _in_order(piece.split(), text)]
    assert missing == []


def _in_order(words: list[str], text: str, window: int = 400) -> bool:
    def from_(position: int, index: int) -> bool:
        if index == len(words):
            return True
        start = text.find(words[index], position)
        while start != -1 and (index == 0 or start - position <= window):
            if from_(start + len(words[index]), index + 1):
                return True
            if index > 0:
                return False
            start = text.find(words[index], start + 1)
        return False
    return from_(0, 0)


def test_provenance_of_the_dataset(graph):
    dataset = C12[""]
    assert (dataset, PROV.wasDerivedFrom, URIRef(REPORT_IRI)) in graph
    activity = graph.value(dataset, PROV.wasGeneratedBy)
    assert (activity, RDF.type, PROV.Activity) in graph and (activity, PROV.used, URIRef(REPORT_IRI)) in graph
    assert graph.value(activity, PROV.wasAssociatedWith) == graph.value(dataset, PROV.wasAttributedTo)
    assert graph.value(URIRef(REPORT_IRI), SCHEMA.sponsor) == C12.together


def test_the_survey_cubes_are_well_formed(graph):
    from peersupport.dataset.datacube import integrity_violations

    ontology = Graph()
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        ontology.parse(path)
    assert integrity_violations(graph + ontology) == []


def test_how_the_roles_read_by_owl_reasoning(graph, require_java):
    from peersupport.validation.validate import validate_graph
    from peersupport.vocabulary.reasoning import classify

    roles = sorted(set(graph.subjects(ORG.postIn, None)))
    readings = {iri.rsplit("/", 1)[-1]: reading for iri, reading in classify(graph, roles).items()}
    by_verdict = defaultdict(set)
    for name, reading in readings.items():
        by_verdict[reading.verdict].add(name)
    # The four mutual groups show every mark (1.4: "an approach that regards all members as
    # equals"); so does the Canerows and Plaits ward visitor: two-way (2.2: "a two-way process; it is
    # about giving as well as receiving"), not assigned to anyone (2.4), which the vocabulary reads as
    # freely chosen, so declinable and consented to. CAPITAL's inpatient post, one-way by design
    # (2.3), is "peers who provide support" (003); the others stay undetermined.
    assert by_verdict == {
        "peer-support": {"kindred-minds-member", "ktc-member", "peer-support-network-st-helens-member",
                         "re-energize-member", "canerows-and-plaits-ward-visitor"},
        "not-peer-support": {"capital-inpatient-peer-worker"},
        "undetermined": {"ktc-facilitator", "mindout-group-worker", "re-energize-volunteer-organiser",
                         "roads-to-recovery-peer-support-worker", "wish-peer-worker"},
    }
    capital = readings["capital-inpatient-peer-worker"]
    assert capital.reads_as == str(PS.PeersWhoProvideSupportRole)
    assert [m.cls for m in capital.deciding()] == [str(PS.OneWayHelpRole)]
    # HermiT and the validator's forward chaining give every role the same verdict and marks.
    verdicts = validate_graph(graph, classify=False).verdicts
    for role in roles:
        reading, verdict = readings[str(role).rsplit("/", 1)[-1]], verdicts[role]
        assert (reading.verdict, [m.status for m in reading.marks]) == (verdict.outcome, [m.status for m in verdict.marks])
