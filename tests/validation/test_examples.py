"""Every example case gives exactly its expected results (with the mark and status of each) and
verdicts, as Turtle and as CSV rows; together the cases cover every shape, severity, status and
verdict; roles built from the sources get the sources' verdict; claims are recognised in the
words organisations use."""

import csv
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

RDFS_LABEL = RDFS.label

from peersupport.validation.validate import shapes_graph, validate, validate_graph

from ..conftest import REPO

EXAMPLES = REPO / "data" / "examples"
CASES = sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted((EXAMPLES / "invalid").glob("*.ttl"))
CSV_CASES = [case for case in CASES if case.with_suffix(".csv").exists()]


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def expected(case: Path) -> list[tuple]:
    rows = _rows(case.with_suffix(".expected.tsv"))
    return sorted((r["focus"], r["path"], r["constraint_component"], r["severity"], r["mark"], r["status"]) for r in rows)


def expected_verdicts(case: Path) -> dict[str, tuple]:
    return {r["role"]: (r["claims_peer_support"], r["verdict"], r["reciprocal"], r["voluntary"], r["lived-experience"], r["non-clinical"])
            for r in _rows(case.with_suffix(".verdicts.tsv"))}


def results(report) -> list[tuple]:
    return sorted((*r.key, r.mark, r.status) for r in report.results)


def verdicts(report) -> dict[str, tuple]:
    return {str(role): ("yes" if v.claims_peer_support else "no", v.outcome, *[m.status for m in v.marks])
            for role, v in report.verdicts.items()}


def test_there_are_at_least_40_cases_each_with_expected_results_and_verdicts():
    assert len(CASES) >= 40
    assert all(case.with_suffix(".expected.tsv").exists() and case.with_suffix(".verdicts.tsv").exists() for case in CASES)
    assert len(CSV_CASES) >= 35


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case_gives_exactly_the_expected_results_and_verdicts(case):
    report = validate(case.read_bytes(), "turtle", classify=False)
    assert results(report) == expected(case)
    assert verdicts(report) == expected_verdicts(case)
    assert report.conforms is (case.parent.name == "valid")


@pytest.mark.parametrize("case", CSV_CASES, ids=case_id)
def test_same_case_as_csv_rows_gives_the_same_results(case):
    report = validate(case.with_suffix(".csv").read_bytes(), "csv", classify=False)
    assert results(report) == expected(case)
    assert verdicts(report) == expected_verdicts(case)


@pytest.mark.parametrize("case", CSV_CASES, ids=case_id)
def test_csv_twin_describes_the_same_triples_as_the_turtle(case):
    from rdflib.compare import isomorphic

    from peersupport.validation.inputs import parse

    from_csv = parse(case.with_suffix(".csv").read_bytes(), "csv")
    from_turtle = parse(case.read_bytes(), "turtle")
    assert isomorphic(from_csv, from_turtle)


def test_cases_cover_every_shape_and_severity():
    shapes = shapes_graph()
    all_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    seen_shapes, seen_severities, seen_statuses, seen_marks = set(), set(), set(), set()
    for case in CASES:
        report = validate(case.read_bytes(), "turtle", classify=False)
        for result in report.results:
            seen_shapes.add(result.source_shape)
            seen_severities.add(result.severity)
            seen_statuses.add(result.status)
        for verdict in report.verdicts.values():
            seen_marks |= {(m.mark.code, m.status) for m in verdict.marks}
            seen_marks.add(("verdict", verdict.outcome))
    assert all_shapes - seen_shapes == set()
    assert seen_severities == {SH.Violation, SH.Warning, SH.Info}
    assert seen_statuses == {"contradicted", "not-recorded", "concern", "unreadable"}
    every = {(mark, status) for mark in ("reciprocal", "voluntary", "lived-experience", "non-clinical")
             for status in ("shown", "not-recorded", "contradicted")}
    every |= {("verdict", outcome) for outcome in ("peer-support", "not-peer-support", "inconsistent", "undetermined")}
    assert every - seen_marks == set()


def test_roles_from_the_sources_get_the_sources_verdict():
    """Roles that claim peer support with a mark contradicted or missing are violations; peer
    support roles, and roles that do not claim it (clinical treatment, role modelling), are not.
    The policy-bound worker (003: decisions 'made by policy and regulation long before they even
    meet a peer support worker') is two-way and chosen: a concern, not a violation."""
    data = Graph().parse(EXAMPLES / "classification" / "roles-from-sources.ttl")
    report = validate_graph(data, classify=False)
    with_violations = {str(r.focus).rsplit("/", 1)[-1] for r in report.results if r.severity == SH.Violation}
    assert with_violations == {"peer-mentor", "entry-level-assigned-worker", "mandated-volunteer-group", "title-only"}
    concerns = {(str(r.focus).rsplit("/", 1)[-1], r.mark) for r in report.results if r.status == "concern" and r.severity == SH.Warning}
    assert ("policy-bound-peer-worker", "shared-decisions") in concerns
    outcomes = {str(role).rsplit("/", 1)[-1]: v.outcome for role, v in report.verdicts.items()}
    assert outcomes == {
        "clinical-intervention": "not-peer-support", "entry-level-assigned-worker": "not-peer-support",
        "mandated-volunteer-group": "not-peer-support", "mutual-agreement-member": "peer-support",
        "paid-ward-visitor": "peer-support", "peer-mentor": "not-peer-support", "policy-bound-peer-worker": "peer-support",
        "role-model-worker": "not-peer-support", "theatre-group-member": "peer-support", "title-only": "undetermined",
        "volunteer-facilitator": "peer-support",
    }


# Titles organisations give their roles: which claim peer support (003, "overcoming the confusion";
# the vocabulary's French labels) and which do not.
CLAIMING_TITLES = (
    "Peer support worker", "PEER SUPPORT WORKER", "peer-support worker", "Peersupport coordinator",
    "Peer supporter", "Senior Peer Supporter (Band 4)", "Peer to peer support volunteer", "Peer-to-peer support lead",
    "Pair-aidance", "Pair aidant", "Pair-aidante en psychiatrie", "Pairs aidants bénévoles", "Soutien par les pairs",
    "Animatrice soutien entre pairs", "Soutien par des pairs",
)
NOT_CLAIMING_TITLES = (
    "Peer mentor", "Peer Mentor (Band 3)", "Lived experience practitioner", "Support worker", "Peer researcher",
    "Mentor pair", "Mutual support group member", "Peer-led trainer", "Supporter engagement officer",
)


def _titled(titles) -> Graph:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    from peersupport.vocabulary.graph import ORG

    graph = Graph()
    for number, title in enumerate(titles):
        role = URIRef(f"https://example.org/roles/r{number}")
        graph.add((role, RDF.type, ORG.Post))
        graph.add((role, RDFS.label, Literal(title)))
    return graph


def test_titles_that_claim_peer_support_are_claims_and_others_are_not():
    report = validate_graph(_titled(CLAIMING_TITLES + NOT_CLAIMING_TITLES), classify=False)
    claiming = {str(report.data.value(role, RDFS_LABEL)) for role, v in report.verdicts.items() if v.claims_peer_support}
    assert claiming == set(CLAIMING_TITLES)


def test_pyshacl_recognises_the_same_claims():
    from peersupport.validation.validate import implied, validate_with_pyshacl

    data = _titled(CLAIMING_TITLES + NOT_CLAIMING_TITLES)
    _, claims = validate_with_pyshacl(data, implied(data)[1])
    assert {str(data.value(role, RDFS_LABEL)) for role in claims} == set(CLAIMING_TITLES)


def test_template_readme_documents_every_column():
    from peersupport.validation.spreadsheet import columns_markdown

    readme = (REPO / "data/templates/README.md").read_text(encoding="utf-8")
    assert readme == columns_markdown(), "regenerate data/templates/README.md from csv_template.columns_markdown()"


def test_template_header_has_every_column():
    from peersupport.validation.spreadsheet import COLUMN_NAMES

    header = (REPO / "data/templates/roles.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert sorted(header) == sorted(COLUMN_NAMES)
