"""Reading the roles in groups, several groups to a Java run, gives exactly the readings of one
HermiT run over all of them: on the bundled examples, and on generated data with roles that
contradict themselves, an organisation that contradicts itself, unreadable values and a
contradiction only HermiT finds (its group has no model and is narrowed down on its own)."""

import pytest
from rdflib import RDF, Graph, URIRef

from peersupport.dataset.generate import generate
from peersupport.validation.inputs import ROLE_CLASSES
from peersupport.vocabulary import hermit, reasoning
from peersupport.vocabulary.reasoning import classify
from peersupport.vocabulary.reasoning_groups import groups

from ..conftest import REPO

pytestmark = [pytest.mark.java, pytest.mark.usefixtures("require_java")]

EXAMPLES = REPO / "data" / "examples"
PREFIXES = """
    @prefix ps: <https://w3id.org/peer-support/> . @prefix org: <http://www.w3.org/ns/org#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix ex: <https://example.org/odd/> .
"""
# Added to the generated data: each kind of description classify treats apart.
ODD = PREFIXES + """
    ex:two-modes a org:Post ; ps:participationMode ps:FreelyChosen , ps:Mandated .
    ex:trust a org:Organization , ps:StatutoryService , ps:UserLedOrganisation ; ps:setting ps:Prison .
    ex:trust-worker a org:Post ; org:postIn ex:trust ; ps:roleHolderReceivesSupport true ; ps:nonClinical true .
    ex:trust-visitor a org:Post ; org:postIn ex:trust ; ps:livedExperienceRequired false .
    ex:typo a org:Post ; ps:roleHolderReceivesSupport "yes" ; ps:livedExperienceRequired true ; ps:imposedBy ps:Police .
    ex:odd a org:Post ; ps:participationMode ex:sometimes .
    ex:sometimes a ps:ParticipationMode ;
        owl:differentFrom ps:FreelyChosen , ps:ReferredFreeToDecline , ps:Assigned , ps:Mandated .
    ex:hosted a org:Post ; ps:roleHolderReceivesSupport false .
    ex:host org:hasPost ex:hosted .
"""


def roles_of(data: Graph) -> list:
    return sorted({s for cls in ROLE_CLASSES for s in data.subjects(RDF.type, cls)}, key=str)


def fields(readings: dict) -> list:
    return [(r.role, r.classes, r.contradictions, r.set_aside, r.unreadable) for r in readings.values()]


def test_grouped_readings_equal_one_run_on_the_bundled_examples(ontology):
    data = Graph().parse(EXAMPLES / "classification" / "roles-from-sources.ttl")
    for case in sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted((EXAMPLES / "invalid").glob("*.ttl")):
        data.parse(case)
    roles = roles_of(data)
    assert len(roles) >= 40
    whole = classify(data, roles, ontology=ontology, roles_per_run=len(roles))
    grouped = classify(data, roles, ontology=ontology, roles_per_run=4)
    assert fields(grouped) == fields(whole)
    assert {r.verdict for r in whole.values()} == {"peer-support", "not-peer-support", "undetermined", "inconsistent"}


def test_grouped_readings_equal_one_run_on_generated_data_with_every_odd_case(ontology, monkeypatch):
    data = Graph().parse(data="".join(generate(orgs=50, seed=7)), format="nt")
    data.parse(data=ODD, format="turtle")
    roles = roles_of(data)
    assert 100 <= len(roles) <= 200
    whole = classify(data, roles, ontology=ontology, roles_per_run=len(roles))

    answers = []
    real = hermit.read_many
    monkeypatch.setattr(reasoning, "read_many", lambda *args: answers.append(real(*args)) or answers[-1])
    grouped = classify(data, roles, ontology=ontology, roles_per_run=10)
    assert fields(grouped) == fields(whole)
    assert len(answers) >= 2 and sum(len(a) for a in answers) >= 10  # several Java runs, several groups each
    assert sum(a.count(None) for a in answers) == 1  # the group holding ex:odd, narrowed down on its own

    odd = "https://example.org/odd/"
    assert grouped[odd + "two-modes"].contradictions == (
        "participation mode is recorded as both freely chosen and mandated, but it takes one value only",)
    assert grouped[odd + "odd"].verdict == "inconsistent"
    assert "the reasoner finds that this description contradicts" in grouped[odd + "odd"].contradictions[0]
    for role in ("trust-worker", "trust-visitor"):
        assert len(grouped[odd + role].set_aside) == 1
    assert grouped[odd + "trust-visitor"].verdict == "not-peer-support"
    assert grouped[odd + "typo"].unreadable == ("imposed by: ps:Police", 'role-holder receives support: "yes"')
    assert grouped[odd + "hosted"].verdict == "not-peer-support"
    verdicts = [r.verdict for r in grouped.values()]
    assert (verdicts.count("inconsistent"), verdicts.count("peer-support")) == (18, 47)


def test_a_group_holds_whole_components_and_what_every_group_needs(ontology):
    data = Graph().parse(format="turtle", data=PREFIXES + """
        ex:a a org:Post ; org:postIn ex:org1 .
        ex:b a org:Post ; org:postIn ex:org1 .
        ex:c a org:Post .
        ex:org2 org:hasPost ex:d .
        ex:d a org:Post .
        ex:e a org:Post ; ps:participationMode ps:FreelyChosen .
        ps:FreelyChosen owl:differentFrom ex:other .
        ex:other ps:note ex:f .
    """)
    found = groups(data, [URIRef("https://example.org/odd/" + n) for n in "edcba"], ontology, 1)
    names = [[str(r).rsplit("/", 1)[1] for r in members] for members, _ in found]
    assert names == [["e"], ["d"], ["c"], ["b", "a"]]  # a and b share their organisation
    shared = {("https://w3id.org/peer-support/FreelyChosen", "https://example.org/odd/other"),
              ("https://example.org/odd/other", "https://example.org/odd/f")}
    for _, graph in found:
        assert shared <= {(str(s), str(o)) for s, _, o in graph}
    assert {str(s) for s, _, _ in found[1][1]} - {str(s) for s, _, _ in found[0][1]} == {
        "https://example.org/odd/d", "https://example.org/odd/org2"}  # linked to d by a statement about d


def test_one_java_run_reads_several_graphs_and_goes_on_after_one_without_a_model(ontology):
    role = "https://example.org/odd/r"

    def graph(turtle):
        return Graph().parse(format="turtle", data=PREFIXES + turtle)

    runs = [(graph("ex:r a org:Post ; ps:roleHolderReceivesSupport false ."), [URIRef(role)]),
            (graph("ex:t a ps:StatutoryService , ps:UserLedOrganisation ."), []),
            (graph("ex:r a org:Post ; ps:nonClinical false ."), [URIRef(role)])]
    first, second, third = hermit.read_many(ontology, runs)
    assert second is None
    assert "https://w3id.org/peer-support/OneWayHelpRole" in first[URIRef(role)]
    assert "https://w3id.org/peer-support/ClinicalHelpRole" not in first[URIRef(role)]
    assert "https://w3id.org/peer-support/ClinicalHelpRole" in third[URIRef(role)]
    assert "https://w3id.org/peer-support/OneWayHelpRole" not in third[URIRef(role)]
