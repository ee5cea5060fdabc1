"""Every example case gives exactly its expected results, as Turtle and as CSV rows; together the
cases cover every shape and severity; roles built from the sources get the sources' verdict."""

import csv
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from peersupport.validation.validate import shapes_graph, validate, validate_graph

from ..conftest import REPO

EXAMPLES = REPO / "data" / "examples"
CASES = sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted((EXAMPLES / "invalid").glob("*.ttl"))
CSV_CASES = [case for case in CASES if case.with_suffix(".csv").exists()]


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def expected(case: Path) -> set[tuple]:
    with case.with_suffix(".expected.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {(r["focus"], r["path"], r["constraint_component"], r["severity"]) for r in rows}


def test_there_are_at_least_20_cases_each_with_expected_results():
    assert len(CASES) >= 20
    assert all(case.with_suffix(".expected.tsv").exists() for case in CASES)
    assert len(CSV_CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case_gives_exactly_the_expected_results(case):
    report = validate(case.read_bytes(), "turtle", classify=False)
    assert {r.key for r in report.results} == expected(case)
    assert report.conforms is (case.parent.name == "valid")


@pytest.mark.parametrize("case", CSV_CASES, ids=case_id)
def test_same_case_as_csv_rows_gives_the_same_results(case):
    report = validate(case.with_suffix(".csv").read_bytes(), "csv", classify=False)
    assert {r.key for r in report.results} == expected(case)


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
    seen_shapes, seen_severities = set(), set()
    for case in CASES:
        for result in validate(case.read_bytes(), "turtle", classify=False).results:
            seen_shapes.add(result.source_shape)
            seen_severities.add(result.severity)
    assert all_shapes - seen_shapes == set()
    assert seen_severities == {SH.Violation, SH.Warning, SH.Info}


def test_roles_from_the_sources_get_the_sources_verdict():
    """Roles that claim peer support without its marks are violations; peer support roles, and
    roles that do not claim peer support (clinical treatment, role modelling), are not."""
    data = Graph().parse(EXAMPLES / "classification" / "roles-from-sources.ttl")
    report = validate_graph(data, classify=False)
    with_violations = {str(r.focus).rsplit("/", 1)[-1] for r in report.results if r.severity == SH.Violation}
    assert with_violations == {
        "peer-mentor", "entry-level-assigned-worker", "mandated-volunteer-group", "policy-bound-peer-worker", "title-only",
    }


def test_template_readme_documents_every_column():
    from peersupport.validation.spreadsheet import columns_markdown

    readme = (REPO / "data/templates/README.md").read_text(encoding="utf-8")
    assert readme == columns_markdown(), "regenerate data/templates/README.md from csv_template.columns_markdown()"


def test_template_header_has_every_column():
    from peersupport.validation.spreadsheet import COLUMN_NAMES

    header = (REPO / "data/templates/roles.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert sorted(header) == sorted(COLUMN_NAMES)
