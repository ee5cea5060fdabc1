"""The validator as a library: every input format, clear errors for bad input, the pySHACL traps
handled, reports for machines and people, and concurrent calls."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from peersupport.validation.inputs import MAX_INPUT_BYTES, InputError, normalise_literals, parse
from peersupport.validation.report import to_graph, to_html, to_json, to_text
from peersupport.validation.validate import validate, validate_with_pyshacl

from ..conftest import REPO

INVALID = REPO / "data/examples/invalid"
CASE = INVALID / "statutory-entry-level-assigned.ttl"


def keys(report):
    return {r.key for r in report.results}


@pytest.mark.parametrize("fmt", ["nt", "xml", "json-ld"])
def test_every_rdf_format_gives_the_turtle_results(fmt):
    graph = Graph().parse(CASE)
    serialised = graph.serialize(format={"nt": "nt", "xml": "xml", "json-ld": "json-ld"}[fmt])
    expected = keys(validate(CASE.read_bytes(), "turtle", classify=False))
    assert len(expected) == 8
    assert keys(validate(serialised, fmt, classify=False)) == expected


@pytest.mark.parametrize("fmt, data, message", [
    ("turtle", b'@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d "x .\n',
     "line 3, column 12: Turtle syntax error: newline found in string literal"),
    ("nt", b"<http://e/a> <http://e/b> <http://e/c> .\n<a> <b> <c> .\n",
     "line 2, column 1: N-Triples syntax error: No scheme found in an absolute IRI"),
    ("xml", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n</rdf:RDF>',
     "line 3, column 2: RDF/XML syntax error: mismatched tag"),
    ("xml", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<rdf:RDF/>',
     "line 1, column 1: RDF/XML with a DOCTYPE or ENTITY declaration is refused (entities could read files or expand without bound)"),
    ("json-ld", b'{"@id": "http://e/a",\n "http://e/b": }', "line 2, column 16: JSON syntax error: Expecting value"),
    ("json-ld", b'{"@context": "https://example.org/ctx.jsonld", "@id": "http://e/a"}',
     "remote JSON-LD @context 'https://example.org/ctx.jsonld' refused: nothing is fetched; "
     "use https://w3id.org/peer-support/context.jsonld or put the context inline"),
    ("turtle", b"\xff\xfe<a>", "line 1: input is not UTF-8 text"),
    ("csv", b"role_id,colour\nx,red\n", "row 1, column B `colour`: unknown column; the template's columns are: "),
    ("csv", b"role_id,can_decline\nx,maybe\n", "row 2, column B `can_decline`: 'maybe' is not yes or no"),
    ("csv", b"role_id,participation_mode\nx,whenever\n",
     "row 2, column B `participation_mode`: unknown value 'whenever'; allowed: assigned, freely chosen, mandated, "
     '"referred, free to decline"'),
    ("csv", b"role_id,role_title\nx,a,b\n", "row 2: 3 cells but the header has 2 columns"),
    ("csv", b"role_id,role_title\nbad id!,a\n", "row 2, column A `role_id`: 'bad id!' is not a valid identifier (letters, digits, - _ . only)"),
    ("csv", b"role_id,organisation_name\nx,Our group\n", "row 2, column B `organisation_name`: this column needs an organisation_id in the same row"),
    ("yaml", b"a: b", "unknown format 'yaml'; use one of: turtle, nt, xml, json-ld, csv, xlsx"),
])
def test_bad_input_gets_a_message_naming_the_problem(fmt, data, message):
    with pytest.raises(InputError) as caught:
        parse(data, fmt)
    assert str(caught.value).startswith(message)
    assert "Traceback" not in str(caught.value) and "/work" not in str(caught.value)


def test_input_over_the_size_cap_is_refused():
    with pytest.raises(InputError, match=f"the limit is {MAX_INPUT_BYTES} bytes"):
        parse(b" " * (MAX_INPUT_BYTES + 1), "turtle")


def test_csv_accepts_names_and_labels_in_any_case():
    graph = parse(b"role_id,participation_mode,decision_authority,formats\nx,\"Referred, free to decline\",none,One-to-one; GROUP\n", "csv")
    role = URIRef("https://example.org/roles/x")
    ps = "https://w3id.org/peer-support/"
    assert graph.value(role, URIRef(ps + "participationMode")) == URIRef(ps + "ReferredFreeToDecline")
    assert graph.value(role, URIRef(ps + "decisionAuthority")) == URIRef(ps + "NoDecisionAuthority")
    assert set(graph.objects(role, URIRef(ps + "format"))) == {URIRef(ps + "OneToOne"), URIRef(ps + "GroupFormat")}


def test_typed_strings_and_numeric_booleans_are_normalised():
    graph = Graph()
    s, p = URIRef("http://e/s"), URIRef("http://e/p")
    graph.add((s, p, Literal("Peer support", datatype=rdflib.XSD.string)))
    graph.add((s, p, Literal("1", datatype=rdflib.XSD.boolean)))
    normalise_literals(graph)
    assert set(graph.objects(s, p)) == {Literal("Peer support"), Literal(True)}


def test_boolean_written_as_1_counts_as_true():
    text = (INVALID / "consent-not-asked.ttl").read_text().replace("ps:consentAsked false", 'ps:consentAsked "1"^^xsd:boolean')
    assert validate(text, "turtle", classify=False).conforms is True


def test_warnings_and_infos_do_not_fail_but_violations_do():
    report = validate((REPO / "data/examples/valid/no-peer-supervision.ttl").read_bytes(), "turtle", classify=False)
    assert [r.severity for r in report.results] == [SH.Warning] and report.conforms is True
    assert validate(CASE.read_bytes(), "turtle", classify=False).conforms is False


def test_results_carry_focus_path_value_severity_message_and_shape():
    report = validate((INVALID / "assigned-participation.ttl").read_bytes(), "turtle", classify=False)
    (result,) = report.results
    ps = "https://w3id.org/peer-support/"
    assert result.focus == URIRef("https://example.org/roles/assigned")
    # Assigned participation is "without being asked" (003): the consent not asked is implied.
    assert result.path == URIRef(ps + "consentAsked")
    assert result.value == Literal(False)
    assert result.severity == SH.Violation
    assert result.source_shape == URIRef(ps + "shapes/ImposedShape")
    assert (result.mark, result.status) == ("voluntary", "contradicted")
    assert report.closure.grounds((result.focus, result.path, result.value)) == (
        (result.focus, URIRef(ps + "participationMode"), URIRef(ps + "Assigned")),)
    assert result.message("en").startswith("Not voluntary: this role claims peer support")
    assert "(003, on voluntary participation)" in result.message("en") and "Fix:" in result.message("en")
    assert result.message("fr").startswith("Non volontaire : ce rôle se dit soutien par les pairs")


def test_json_report():
    document = json.loads(to_json(validate(CASE.read_bytes(), "turtle", classify=False)))
    assert document["conforms"] is False
    assert document["counts"] == {"violations": 3, "warnings": 4, "infos": 1}
    (role,) = document["roles"]
    assert (role["role"], role["claims_peer_support"], role["verdict"]) == ("https://example.org/roles/band3", True, "not-peer-support")
    assert [(m["mark"], m["status"]) for m in role["marks"]] == [
        ("reciprocal", "contradicted"), ("voluntary", "contradicted"), ("lived-experience", "shown"), ("non-clinical", "shown")]
    assert sorted((r["column"], r["mark"], r["status"]) for r in document["results"] if r["severity"] == "violation") == [
        ("can_decline", "voluntary", "contradicted"), ("consent_asked", "voluntary", "contradicted"),
        ("role_holder_receives_support", "reciprocal", "contradicted")]
    assert {"decision_authority", "duties", "peer_supervision", "shared_decision_making"} <= {r["column"] for r in document["results"]}


def test_reports_say_which_shacl_engine_validated():
    report = validate(CASE.read_bytes(), "turtle", classify=False)
    assert json.loads(to_json(report))["shacl_engine"] == {"name": "set-at-a-time", "note": None}
    graph = Graph().parse(data=to_graph(report).serialize(format="turtle"), format="turtle")
    assert [str(c) for c in graph.objects(None, rdflib.RDFS.comment)] == ["validated by the set-at-a-time SHACL engine"]


def test_json_report_says_what_implied_evidence_follows_from():
    document = json.loads(to_json(validate((INVALID / "assigned-participation.ttl").read_bytes(), "turtle", classify=False)))
    (result,) = document["results"]
    assert result["implied_by"] == [{"subject": "https://example.org/roles/assigned",
                                     "property": "https://w3id.org/peer-support/participationMode",
                                     "value": "https://w3id.org/peer-support/Assigned"}]
    voluntary = next(m for m in document["roles"][0]["marks"] if m["mark"] == "voluntary")
    assert voluntary["status"] == "contradicted"
    assert {"property": "https://w3id.org/peer-support/consentAsked", "value": False,
            "implied_by": result["implied_by"]} in voluntary["evidence"]


def test_turtle_report_is_a_shacl_validation_report():
    report = validate(CASE.read_bytes(), "turtle", classify=False)
    graph = Graph().parse(data=to_graph(report).serialize(format="turtle"), format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    results = list(graph.objects(node, SH.result))
    assert len(results) == 8
    assert all(len(set(graph.objects(r, SH.resultMessage))) == 2 for r in results)  # en and fr


def test_text_report_groups_by_organisation_then_role():
    text = to_text(validate(CASE.read_bytes(), "turtle", classify=False), lang="en")
    summary, lines = text.splitlines()[:3], text.splitlines()[3:]
    assert summary == ["1 role checked; 1 of them claims peer support.", "No role is peer support as the sources describe it; 1 is not.", ""]
    assert lines[0] == "Organisation: Riverside Mental Health Trust"
    assert lines[1] == "  Peer Support Worker (band 3) <https://example.org/roles/band3>"
    assert lines[2] == "    verdict: not peer support (claims peer support)"
    assert lines[3] == "    reciprocal: contradicted · voluntary: contradicted · lived experience: shown · non-clinical: shown"
    assert lines[-1] == "does not conform (3 violations, 4 warnings, 1 infos)"
    results = [l.split(" [")[0].split(":")[0].strip() for l in lines if l.startswith(("    violation", "    warning", "    info"))]
    assert results == ["violation"] * 3 + ["warning"] * 4 + ["info"]  # grouped by mark: reciprocal, voluntary, then concerns


def test_french_report():
    text = to_text(validate(CASE.read_bytes(), "turtle", classify=False), lang="fr")
    assert "Non volontaire : ce rôle se dit soutien par les pairs" in text
    assert "    verdict : pas du soutien par les pairs (se dit soutien par les pairs)" in text.splitlines()
    assert text.splitlines()[-1] == "non conforme (3 violations, 4 avertissements, 1 informations)"


def test_html_report_escapes_what_the_data_says():
    text = CASE.read_text().replace("Riverside Mental Health Trust", "<script>alert(1)</script>")
    page = to_html(validate(text, "turtle", classify=False))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('<li class="violation">') == 3


def test_html_report_groups_by_organisation_then_role_in_the_site_layout():
    page = to_html(validate(CASE.read_bytes(), "turtle", classify=False), "fr")
    assert '<html lang="fr">' in page and "<footer>" in page and "<style>" in page
    assert 'href="/' not in page  # a file to keep: no links that work only on the service
    assert 'class="verdict"' not in page  # the plain-words summary says it; no "does not conform" line
    assert '<p class="role-verdict not-peer-support">verdict : <strong>pas du soutien par les pairs</strong>' in page
    assert '<tr class="contradicted"><th scope="row">réciproque</th><td>contredit</td></tr>' in page
    assert '<tr class="shown"><th scope="row">expérience vécue</th><td>établi</td></tr>' in page
    organisation, role = page.index("<h2>Organisation : Riverside Mental Health Trust</h2>"), page.index("<h3>Peer Support Worker (band 3)</h3>")
    assert organisation < role < page.index('<li class="violation">')
    assert "<strong>Non volontaire</strong> : ce rôle se dit soutien par les pairs" in page
    assert '<span class="part"><strong>Pourquoi :</strong>' in page and "colonne du tableur <code>can_decline</code>" in page


def test_report_view_cuts_each_message_into_what_why_and_fix():
    from peersupport.validation.report import view

    (group,) = view(validate(CASE.read_bytes(), "turtle", classify=False))["groups"]
    first = group["roles"][0]["results"][0]
    assert (first["severity"], first["lead"], first["column"]) == ("violation", "Not reciprocal", "role_holder_receives_support")
    assert [part["label"] for part in first["parts"]] == ["Why:", "Fix:"]
    assert group["roles"][0]["reading"] is None  # not classified
    verdict = group["roles"][0]["verdict"]
    assert [(m["code"], m["status"], [r["column"] for r in m["results"]]) for m in verdict["marks"]] == [
        ("reciprocal", "contradicted", ["role_holder_receives_support"]), ("voluntary", "contradicted", ["can_decline", "consent_asked"]),
        ("lived-experience", "shown", []), ("non-clinical", "shown", [])]
    assert [r["mark"] for r in verdict["other"]] == ["decision-authority", "peer-supervision", "shared-decisions", "staff-duties", "user-led-base"]


def test_html_report_shows_the_evidence_the_vocabulary_implies():
    page = to_html(validate((REPO / "data/examples/valid/mutual-group-member-by-kind.ttl").read_bytes(), "turtle", classify=False))
    assert '<p class="role-verdict peer-support">verdict: <strong>peer support</strong>' in page
    assert ("<li>role-holder receives support: yes <span class=\"note\">(implied by role kind = mutual group member)</span></li>") in page


def test_concurrent_validations_give_the_same_results_as_one_at_a_time():
    cases = sorted(INVALID.glob("*.ttl"))
    alone = [keys(validate(c.read_bytes(), "turtle", classify=False)) for c in cases]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda c: keys(validate(c.read_bytes(), "turtle", classify=False)), cases * 2))
    assert together == alone * 2


def test_nothing_uploaded_changes_the_shared_graphs():
    from peersupport.validation.validate import shapes_and_vocabulary as _shapes_and_vocabulary

    shapes, vocabulary = _shapes_and_vocabulary()
    before = (len(shapes), len(vocabulary))
    validate(CASE.read_bytes(), "turtle", classify=False)
    assert (len(shapes), len(vocabulary)) == before
    validate_with_pyshacl(Graph().parse(CASE, format="turtle"))  # the fallback too: pySHACL writes into the shapes it gets
    assert (len(shapes), len(vocabulary)) == before


@pytest.mark.java
def test_each_role_is_also_read_by_the_reasoner(require_java):
    report = validate(CASE.read_bytes(), "turtle", classify=True)
    reading = report.readings["https://example.org/roles/band3"]
    assert reading.reads_as == "https://w3id.org/peer-support/PeersWhoProvideSupportRole"
    assert "reads as: PeersWhoProvideSupportRole" in to_text(report)


@pytest.mark.parametrize("data, where", [(b"@prefix : <http://ex.org/> . :a :b", "line 1, column 35"),
                                         (b"@prefix : <http://ex.org/> .\n:a :b :c", "line 2, column 9")])
def test_turtle_that_stops_mid_statement_is_named_not_an_index_error(data, where):
    with pytest.raises(InputError) as caught:
        parse(data, "turtle")
    assert str(caught.value) == f"{where}: syntax error: the data ends in the middle of a statement (a term or a final '.' is missing)"
