"""The ``peersupport`` command: help, context regeneration, documentation, reasoning."""

import json
import re
import subprocess
import sys

import pytest
from rdflib import OWL, RDF, RDFS
from rdflib.namespace import SKOS

from peersupport.resources import context_file
from peersupport.vocabulary.graph import is_term_iri, local_name

from .conftest import REPO
from .test_check import NO_PITFALLS


def run(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", *args], capture_output=True, text=True, cwd=REPO)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_help_lists_the_subcommands():
    out = run("--help").stdout
    assert out.startswith("usage: peersupport")
    for command in ("context", "docs", "check", "classify"):
        assert re.search(rf"^\s+{command}\s", out, re.MULTILINE), command


def test_no_subcommand_prints_help():
    assert run().stdout.startswith("usage: peersupport")


def test_unknown_subcommand_is_a_usage_error():
    result = run("frobnicate", check=False)
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_context_command_writes_the_shipped_context(tmp_path):
    target = tmp_path / "context.jsonld"
    run("context", "--output", str(target))
    assert json.loads(target.read_text()) == json.loads(context_file().read_text())


def test_docs_document_every_term(tmp_path, ontology):
    """The files peersupport docs writes: the vocabulary page in English and French, standalone
    (the stylesheet inline, no link into the service), and the files it links to beside it."""
    assert run("docs", "--output", str(tmp_path)).stdout == f"wrote {tmp_path / 'index.html'}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["context.jsonld", "index.fr.html", "index.html", "mappings.sssom.tsv",
                                                          "shapes.ttl", "vocab.jsonld", "vocab.nt", "vocab.rdf", "vocab.ttl"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    french = (tmp_path / "index.fr.html").read_text(encoding="utf-8")
    owl_terms = [t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
                 for t in ontology.subjects(RDF.type, kind) if is_term_iri(t)]
    assert len(owl_terms) > 40
    for term in owl_terms:
        label = next(str(l) for l in ontology.objects(term, RDFS.label) if l.language == "en")
        assert f"<h3>{label}</h3>".replace("'", "&#39;") in index, label
    concepts = {s for s in ontology.subjects(SKOS.inScheme, None)} | set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    for page in (index, french):
        anchors = set(re.findall(r'<section class="term" id="([^"]+)"', page))
        assert {local_name(c) for c in concepts} <= anchors
        assert "<style>" in page and "<footer>" in page and 'href="/' not in page  # the site layout, as a file
        for linked in re.findall(r'href="([^"#:]+)"', page):  # every relative link names a file written beside it
            assert (tmp_path / linked).is_file(), linked
    assert '<section class="term" id="Hope">\n<h3>hope</h3>' in index and '<section class="term" id="Hope">\n<h3>espoir</h3>' in french
    assert '<a href="index.fr.html" hreflang="fr" lang="fr">Français</a>' in index
    assert '<a href="index.html" hreflang="en" lang="en">English</a>' in french


@pytest.mark.java
def test_check_command_reports_consistency(require_java):
    assert run("check").stdout == NO_PITFALLS + "\nconsistent; no unsatisfiable classes\n"


@pytest.mark.java
def test_classify_command_prints_what_each_role_reads_as(require_java):
    out = run("classify", "data/examples/jsonld/peer-support-role.jsonld").stdout
    assert out == (
        "Peer mentor <https://example.org/our-group/roles/mentor>\n"
        "  not peer support: reciprocal contradicted (OneWayHelpRole)\n"
        "  reads as: PeerMentoringRole\n"
        "Peer support ward visitor <https://example.org/our-group/roles/ward-visitor>\n"
        "  peer support: reciprocal, voluntary, lived experience and non-clinical all shown\n"
        "2 roles: 1 peer support, 1 not peer support\n"
    )


@pytest.mark.java
def test_classify_says_no_and_what_is_missing(require_java):
    out = run("classify", "data/examples/invalid/no-lived-experience.ttl", "data/examples/invalid/clinical.ttl",
              "data/examples/valid/consent-not-recorded.ttl").stdout.splitlines()
    assert "  not peer support: lived experience contradicted (NoLivedExperienceRole)" in out
    assert "  not peer support: non-clinical contradicted (ClinicalHelpRole)" in out
    assert "  undetermined, evidence missing: voluntary not recorded; reciprocal, lived experience and non-clinical shown" in out
    assert out[-1] == "3 roles: 2 not peer support, 1 undetermined"


@pytest.mark.java
def test_classify_reports_contradicting_evidence_and_reads_the_other_roles(require_java):
    files = [f"data/examples/invalid/contradiction-{name}.ttl" for name in (
        "two-participation-modes", "freely-chosen-cannot-decline", "volunteer-kind-paid", "statutory-user-led")]
    result = run("classify", *files, "data/examples/valid/paid-ward-visitor.ttl", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert "  inconsistent evidence: participation mode is recorded as both freely chosen and mandated, but it takes " \
           "one value only" in lines
    assert "  inconsistent evidence: can be declined is recorded as no, but participation mode: freely chosen means " \
           "yes; it takes one value only" in lines
    assert "  inconsistent evidence: remuneration basis is recorded as paid, but role: volunteer peer supporter means " \
           "volunteer (unpaid); it takes one value only" in lines
    assert "  note: set aside, as contradictory: Riverside NHS Trust is recorded as both a statutory service and a " \
           "user-led organisation, but they exclude each other" in lines
    assert lines[-2:] == ["5 roles: 2 peer support, 3 with inconsistent evidence",
                          "correct the contradicting evidence and classify again"]


def test_classify_without_java_exits_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "classify", "data/examples/valid/paid-ward-visitor.ttl"],
                            capture_output=True, text=True, cwd=REPO, env={"PATH": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == "error: HermiT needs a Java runtime (install default-jre-headless)\n"


def test_classify_reports_unreadable_input(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    result = run("classify", str(bad), check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot read input:")
    assert "Traceback" not in result.stderr


EXAMPLES = REPO / "data" / "examples"


def test_validate_exit_codes():
    assert run("validate", "--no-classify", "data/examples/valid/paid-ward-visitor.ttl").returncode == 0
    assert run("validate", "--no-classify", "data/examples/valid/no-peer-supervision.ttl").returncode == 0
    failing = run("validate", "--no-classify", "data/examples/invalid/one-way-help.ttl", check=False)
    assert failing.returncode == 1
    assert "violation [column role_holder_receives_support]: Not reciprocal" in failing.stdout


def test_validate_unreadable_input_exits_2_with_a_message(tmp_path):
    bad = tmp_path / "roles.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    result = run("validate", str(bad), check=False)
    assert result.returncode == 2
    assert result.stderr == "error: roles.ttl: line 2, column 10: Turtle syntax error: objectList expected\n"
    missing = run("validate", str(tmp_path / "nope.ttl"), check=False)
    assert (missing.returncode, missing.stderr) == (2, "error: nope.ttl: No such file or directory\n")
    unknown = run("validate", str(tmp_path / "roles.docx"), check=False)
    assert (unknown.returncode, unknown.stderr) == (2, "error: roles.docx: cannot tell the format; give --format\n")


def test_validate_several_files_and_outputs():
    files = ["data/examples/invalid/one-way-help.ttl", "data/examples/invalid/clinical.csv"]
    document = json.loads(run("validate", "--no-classify", "--output", "json", *files, check=False).stdout)
    assert document["counts"] == {"violations": 2, "warnings": 0, "infos": 0}
    turtle = run("validate", "--no-classify", "--output", "turtle", *files, check=False).stdout
    assert "sh:ValidationReport" in turtle
    html = run("validate", "--no-classify", "--output", "html", "--lang", "fr", *files, check=False).stdout
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html and "Non réciproque" in html
    assert "<style>" in html and "<footer>" in html and 'href="/' not in html  # the layout, as a file to keep


def test_validate_format_option_overrides_the_file_name(tmp_path):
    copy = tmp_path / "roles.txt"
    copy.write_bytes((EXAMPLES / "invalid" / "clinical.csv").read_bytes())
    result = run("validate", "--no-classify", "--format", "csv", str(copy), check=False)
    assert result.returncode == 1 and "Clinical: this role claims peer support" in result.stdout


@pytest.mark.java
def test_validate_the_csv_template_prints_a_report_a_coordinator_can_act_on(require_java):
    result = run("validate", "data/templates/roles.csv", check=False)
    assert result.returncode == 0  # warnings are advice
    lines = result.stdout.splitlines()
    assert lines[:2] == ["4 roles checked; 3 of them claim peer support.",
                         "3 roles are peer support as the sources describe it; 1 is not."]  # the summary first
    assert lines[3] == "Organisation: Our Voices Peer Network"
    ward_visitor = lines.index("  Peer support ward visitor <https://example.org/roles/ward-visitor>")
    assert lines[ward_visitor + 1:ward_visitor + 3] == [
        "    verdict: peer support (claims peer support)",
        "    reciprocal: shown · voluntary: shown · lived experience: shown · non-clinical: shown"]
    assert "    reads as: PeerSupportRole" in lines
    assert "    reads as: PeerMentoringRole" in lines
    assert "    verdict: not peer support (does not claim peer support)" in lines  # the peer mentor: one-way
    warning = next(i for i, l in enumerate(lines) if l.startswith("    warning [column peer_supervision (AC), row 5]: No support"))
    assert lines[warning + 1] == "      → Column peer_supervision (AC) of row 5 says no; once that changes, write yes there."
    assert lines[-1] == "conforms: no violations (0 violations, 1 warnings, 0 infos)"


def test_generated_data_is_valid_input_for_validate_and_serve(tmp_path):
    import httpx

    from .service_fixtures import free_port, stop, wait_until_up

    output = tmp_path / "generated.nt"
    made = run("generate", "--orgs", "12", "--seed", "7", "--output", str(output))
    assert made.stderr.startswith(f"wrote {output}: ") and output.stat().st_size > 1000
    again = tmp_path / "again.nt"
    run("generate", "--orgs", "12", "--seed", "7", "--output", str(again))
    assert again.read_bytes() == output.read_bytes()
    roles = len(re.findall(r"<https://example.org/generated/role/[^>]+> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                           output.read_text()))

    report = run("validate", str(output), "--output", "json", "--no-classify", check=False)
    assert report.returncode in (0, 1) and len(json.loads(report.stdout)["roles"]) == roles

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "peersupport.cli", "serve", "--port", str(port), "--store",
                                str(tmp_path / "store"), "--data", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz", process)
        query = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH <https://w3id.org/peer-support/graph/local/generated.nt> { ?r a ?t } FILTER(STRSTARTS(STR(?r), 'https://example.org/generated/role/')) }"
        answer = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, trust_env=False)
        assert answer.text.splitlines() == ["n", str(roles)]
    finally:
        stop(process)


def test_generate_refuses_a_bad_share(tmp_path):
    result = run("generate", "--orgs", "3", "--failure-share", "2", "--output", str(tmp_path / "x.nt"), check=False)
    assert (result.returncode, result.stderr) == (2, "peersupport generate: failure_share must be between 0 and 1\n")


def test_an_ill_typed_literal_is_reported_not_a_traceback(tmp_path):
    data = tmp_path / "role.ttl"
    data.write_text('@prefix ps: <https://w3id.org/peer-support/> .\n@prefix org: <http://www.w3.org/ns/org#> .\n'
                    '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<https://example.org/roles/x> a org:Post ; ps:declaredPractice ps:PeerSupport ; ps:canDecline "abc"^^xsd:integer .\n')
    result = run("validate", str(data), "--no-classify", check=False)
    assert result.returncode == 1 and result.stderr == ""
    assert "    violation [column can_decline]: Unreadable value: canDecline must be true or false." in "\n".join(result.stdout.splitlines())


def test_convert_writes_the_template_rows_as_the_turtle_the_checks_read():
    from rdflib import Graph, URIRef
    from rdflib.compare import isomorphic

    from peersupport.validation.inputs import read_input
    from peersupport.vocabulary.graph import PS

    turtle = run("convert", "data/templates/roles.csv").stdout
    converted = Graph().parse(data=turtle, format="turtle")
    assert isomorphic(converted, read_input((REPO / "data/templates/roles.csv").read_bytes(), "csv").graph)
    assert isomorphic(converted, Graph().parse(data=run("convert", "data/templates/roles.xlsx").stdout, format="turtle"))
    role = URIRef("https://example.org/roles/drop-in-volunteer")
    assert converted.value(role, PS.remunerationBasis) == PS.Volunteer
    assert converted.value(role, PS.participationMode) == PS.FreelyChosen
    assert turtle.startswith("@prefix org: <http://www.w3.org/ns/org#> .\n@prefix ps: <https://w3id.org/peer-support/> .\n")


def test_convert_names_the_bad_cell_and_exits_2(tmp_path):
    (tmp_path / "roles.csv").write_text("role_id,remuneration\nr1,payed\n")
    result = run("convert", str(tmp_path / "roles.csv"), check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert "row 2, column B `remuneration`: unknown value 'payed'; did you mean 'paid'?" in result.stderr


def test_validate_reads_a_file_larger_than_the_upload_limit(tmp_path):
    """The 10 MiB bound is the service's; a researcher's own 10^6-triple file is read in full."""
    from peersupport.validation.inputs import MAX_INPUT_BYTES

    role = (REPO / "data/examples/invalid/one-way-help.ttl").read_text()
    data = tmp_path / "big.ttl"
    data.write_text(role + "# " + "x" * MAX_INPUT_BYTES + "\n")
    assert data.stat().st_size > MAX_INPUT_BYTES
    result = run("validate", str(data), "--no-classify", "--output", "json", check=False)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["counts"] == json.loads(
        run("validate", "data/examples/invalid/one-way-help.ttl", "--no-classify", "--output", "json", check=False).stdout)["counts"]
