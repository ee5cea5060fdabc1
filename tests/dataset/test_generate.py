"""The synthetic data generator: deterministic, well-formed, drawn from the vocabulary's schemes,
failing each mark exactly as often as it says, and quick at scale."""

import time
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from peersupport import NAMESPACE
from peersupport.dataset.generate import (BASE, KINDS, MARKS, SHAPES, STATUSES, Tally, generate, implied_evidence,
                                          write)
from peersupport.validation.validate import shapes_and_vocabulary, shapes_graph, validate
from peersupport.validation.verdict import marks as shape_marks
from peersupport.vocabulary.entailment import entail

ORG = "http://www.w3.org/ns/org#"
PS = NAMESPACE
PSSH = "https://w3id.org/peer-support/shapes/"


def generated(orgs: int, seed: int, failure_share: float = 0.2) -> tuple[str, Tally]:
    tally = Tally()
    return "".join(generate(orgs, seed, failure_share, tally)), tally


@pytest.fixture(scope="module")
def small():
    return generated(30, 1)


@pytest.fixture(scope="module")
def mixed() -> tuple[Graph, Tally]:
    """A larger run, parsed: enough to meet every kind and every concept."""
    text, tally = generated(300, 3)
    return Graph().parse(data=text, format="nt"), tally


def test_same_seed_gives_the_same_lines_and_another_seed_other_lines():
    assert generated(50, 7)[0] == generated(50, 7)[0]
    assert generated(50, 7)[0] != generated(50, 8)[0]
    assert sorted(generated(50, 7)[0].splitlines()) != sorted(generated(50, 8)[0].splitlines())


def test_output_parses_with_oxigraph_and_rdflib_one_distinct_triple_per_line(small):
    text, tally = small
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))
    graph = Graph().parse(data=text, format="nt")
    assert len(triples) == len(graph) == text.count("\n") == tally.triples


def test_everything_described_is_under_the_generated_namespace(small):
    graph = Graph().parse(data=small[0], format="nt")
    assert all(str(s).startswith(BASE) for s in graph.subjects())
    assert not any(str(s).startswith(NAMESPACE) for s in graph.subjects())


def test_every_vocabulary_term_used_exists_and_fits_the_property_range(ontology, mixed):
    graph = mixed[0]
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith((PS, ORG))}
    assert used and all((term, RDF.type, None) in ontology for term in used)
    for predicate in {p for p in graph.predicates() if str(p).startswith(PS)}:
        for range_class in ontology.objects(predicate, RDFS.range):
            if str(range_class).startswith(PS):
                values = set(graph.objects(None, predicate))
                assert all((value, RDF.type, range_class) in ontology for value in values), predicate


@pytest.mark.parametrize("predicate, scheme", [
    ("communityServed", "CommunityScheme"), ("format", "FormatScheme"), ("setting", "SettingScheme"),
    ("fundingSource", "FundingScheme"), ("remunerationBasis", "RemunerationScheme"),
    ("participationMode", "ParticipationModeScheme"), ("decisionAuthority", "DecisionAuthorityScheme"),
    ("hasDuty", "DutyScheme"),
])
def test_every_concept_of_the_schemes_drawn_from_is_used(ontology, mixed, predicate, scheme):
    graph = mixed[0]
    concepts = set(ontology.subjects(SKOS.inScheme, URIRef(PS + scheme)))
    assert set(graph.objects(None, URIRef(PS + predicate))) == concepts


def test_the_mix_has_every_organisation_kind_projects_and_roles_that_do_not_claim(mixed):
    graph, tally = mixed
    kinds = {o for o in graph.objects(None, RDF.type) if str(o).startswith(PS)}
    assert {k.split("/")[-1] for k in kinds} == {"UserLedOrganisation", "VoluntarySectorOrganisation",
                                                 "StatutoryService", "SelfOrganisedGroup"}
    assert len(set(graph.subjects(URIRef(ORG + "subOrganizationOf")))) == tally.projects > 0
    assert tally.organisations == 300 and tally.roles == len(set(graph.subjects(RDF.type, URIRef(ORG + "Post"))))
    assert 0.6 * tally.roles < tally.claiming_roles < 0.95 * tally.roles


def test_failure_counts_name_only_shapes_of_the_shapes_graph_and_each_mark_its_own_shapes():
    shapes = shapes_graph()
    assert set(SHAPES) <= {str(s).rsplit("/", 1)[-1] for s in shapes.subjects(SH.severity, None)}
    assert [mark.code for mark in MARKS] == [mark.code for mark in shape_marks(shapes)]
    for mark in MARKS:
        for name, status in [(mark.contradicted, "contradicted")] + [(n, "not-recorded") for n in mark.not_recorded]:
            shape = URIRef(PSSH + name)
            assert (str(shapes.value(shape, URIRef(PSSH + "mark"))), str(shapes.value(shape, URIRef(PSSH + "status")))) \
                == (mark.code, status), name


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.cls)
def test_what_the_generator_takes_as_implied_is_what_the_vocabulary_implies(kind):
    """For each role of each organisation kind, with its role kind recorded and without: the
    evidence the validator's forward chaining adds is what the generator accounts for, and a role
    that does not claim peer support records nothing that contradicts it."""
    for template, _ in kind.roles:
        for with_kind in (True, False) if template.kind else (False,):
            role, organisation = URIRef(BASE + "role/r"), URIRef(BASE + "organisation/o")
            graph = Graph()
            graph.add((role, RDF.type, URIRef(ORG + "Post")))
            graph.add((role, URIRef(ORG + "postIn"), organisation))
            graph.add((organisation, RDF.type, URIRef(PS + kind.cls)))
            graph.add((role, URIRef(PS + "declaredPractice"), URIRef(PS + template.practice)))
            if with_kind:
                graph.add((role, URIRef(ORG + "role"), URIRef(PS + template.kind)))
            closure = entail(graph, shapes_and_vocabulary()[1])  # as the validator does
            found = {(str(p).rsplit("/", 1)[-1], o.n3()) for s, p, o in closure.about(role) if p != RDF.type}
            expected = implied_evidence(template, kind.cls, with_kind)
            assert found == set(expected.items()), (kind.cls, template.title, with_kind)
            assert all(expected.get(prop, value) == value for prop, value in template.evidence), template.title
            assert expected.get("remunerationBasis", f"<{PS}{template.basis}>") == f"<{PS}{template.basis}>"


def shape_counts(text: str) -> tuple[Counter, dict]:
    """The results per shape, and per mark how many claiming roles the verdicts read with each status."""
    report = validate(text, "nt", classify=False)
    marks = {mark.code: dict.fromkeys(STATUSES, 0) for mark in MARKS}
    for verdict in report.verdicts.values():
        if verdict.claims_peer_support:
            for reading in verdict.marks:
                marks[reading.mark.code][reading.status] += 1
    return Counter(str(r.source_shape).rsplit("/", 1)[-1] for r in report.results), marks


def test_the_validator_finds_exactly_the_failures_the_generator_made(small):
    text, tally = small
    started = time.perf_counter()
    found, marks = shape_counts(text)
    print(f"\nvalidated {tally.triples} triples ({tally.roles} roles) in {time.perf_counter() - started:.1f} s")
    assert found == Counter({shape: n for shape, n in tally.failures.items() if n})
    assert marks == tally.marks
    assert all(counts[status] > 0 for counts in tally.marks.values() for status in STATUSES)
    assert all(0.05 < 1 - counts["shown"] / tally.claiming_roles < 0.4 for counts in tally.marks.values())


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_share_zero_fails_no_mark_and_share_one_fails_every_mark_of_every_claim(share):
    text, tally = generated(10, 5, share)
    found, marks = shape_counts(text)
    assert found == Counter({shape: n for shape, n in tally.failures.items() if n})
    assert marks == tally.marks
    assert all(counts["shown"] == (1 - share) * tally.claiming_roles for counts in tally.marks.values())


def test_triples_scale_linearly_and_a_hundred_thousand_take_seconds_at_most(tmp_path):
    hundred, thousand = generated(100, 1)[1], generated(1000, 1)[1]
    assert 8 < thousand.triples / hundred.triples < 12
    orgs = 100_000 * 1000 // thousand.triples
    started = time.perf_counter()
    tally = write(tmp_path / "load.nt", orgs, seed=1)
    elapsed = time.perf_counter() - started
    print(f"\n{tally.triples} triples ({tally.triples / orgs:.1f} per organisation) written in {elapsed:.2f} s")
    assert 90_000 < tally.triples < 110_000
    assert elapsed < 30  # measured well under a second; generous for slow machines


def test_write_makes_nt_or_ttl_files_and_refuses_other_suffixes(tmp_path):
    for name in ("data.nt", "data.ttl"):
        tally = write(tmp_path / name, 5, seed=2)
        assert len(Graph().parse(tmp_path / name)) == tally.triples
    with pytest.raises(ValueError, match="ending in .nt or .ttl"):
        write(tmp_path / "data.csv", 5, seed=2)


@pytest.mark.parametrize("orgs, share", [(-1, 0.2), (5, -0.1), (5, 1.5)])
def test_bad_arguments_are_refused(orgs, share):
    with pytest.raises(ValueError):
        list(generate(orgs, 1, share))
