"""Spreadsheets as small organisations have them: the template described once (Table Schema,
.xlsx with drop-downs, generated and checked against the vocabulary), CSV in any separator and
encoding a spreadsheet program writes, .xlsx, English or French headers, every problem reported
at once with its row and column, and no role at all refused, on the library, the web and the CLI."""

import csv
import io
import json
import subprocess
import sys
import zipfile

import httpx
import openpyxl
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from peersupport.validation.inputs import XLSX_TYPE, InputError, detect_format, read_input, require_roles
from peersupport.validation.spreadsheet import COLUMN_NAMES, COLUMNS, FRENCH_HEADERS, scheme_values
from peersupport.validation.template import example_rows, schema_json, table_schema, workbook
from peersupport.validation.validate import validate_graph

from ..conftest import REPO
from ..service_fixtures import base, client  # noqa: F401 (base, client: fixtures)

TEMPLATES = REPO / "data/templates"
TEMPLATE_CSV = (TEMPLATES / "roles.csv").read_bytes()


def rows_of(csv_bytes: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"), newline="")))


def as_csv(rows, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def outcome(graph: Graph) -> tuple[dict, list]:
    report = validate_graph(graph, classify=False)
    return ({str(role): (v.outcome, tuple(m.status for m in v.marks)) for role, v in report.verdicts.items()},
            sorted((r.key, r.mark, r.status) for r in report.results))


def problems_of(data: bytes, fmt: str = "csv") -> InputError:
    with pytest.raises(InputError) as caught:
        read_input(data, fmt)
    return caught.value


# ---------------------------------------------------------------- the template, described once

def test_the_shipped_table_schema_is_the_one_generated_from_the_vocabulary():
    assert (TEMPLATES / "roles.schema.json").read_text(encoding="utf-8") == schema_json(), \
        "regenerate data/templates with `peersupport template` (make template)"


def test_the_schema_names_every_column_its_type_values_in_english_and_french_and_the_required_one():
    fields = {f["name"]: f for f in table_schema()["fields"]}
    assert list(fields) == list(COLUMN_NAMES)
    remuneration = fields["remuneration"]
    assert remuneration["type"] == "string" and remuneration["frenchName"] == "remuneration"
    assert {(v["name"], v["en"], v["fr"]) for v in remuneration["values"]} >= {("Paid", "paid", "rémunéré")}
    assert {"Paid", "paid", "rémunéré", "volunteer"} <= set(remuneration["constraints"]["enum"])
    assert fields["formats"]["type"] == "list" and fields["formats"]["delimiter"] == ";"
    assert fields["can_decline"]["type"] == "boolean" and "oui" in fields["can_decline"]["trueValues"]
    assert fields["role_id"]["columnRequired"] is True and all("columnRequired" not in f for n, f in fields.items() if n != "role_id")
    for column in COLUMNS:
        assert fields[column.name]["description"] == column.meaning
        if column.values is not None:
            assert [v["iri"] for v in fields[column.name]["values"]] == [str(v.iri) for v in scheme_values()[column.values]]


def test_frictionless_finds_the_shipped_templates_valid_against_the_schema():
    from frictionless import Resource, Schema, formats, validate

    schema = Schema.from_descriptor(json.loads((TEMPLATES / "roles.schema.json").read_text(encoding="utf-8")))
    assert validate(Resource("roles.csv", basepath=str(TEMPLATES), schema=schema)).valid
    report = validate(Resource("roles.xlsx", basepath=str(TEMPLATES), schema=schema, control=formats.ExcelControl(sheet="roles")))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])


def _sheets(book) -> dict:
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_shipped_xlsx_is_the_one_generated_and_has_drop_downs_for_every_controlled_column():
    shipped = openpyxl.load_workbook(TEMPLATES / "roles.xlsx")
    assert _sheets(shipped) == _sheets(workbook(example_rows(TEMPLATES))), "regenerate with `peersupport template`"
    roles = shipped["roles"]
    assert [c.value for c in roles[1]] == list(COLUMN_NAMES)
    assert [[c or "" for c in row] for row in _sheets(shipped)["roles"][1:]] == [
        row + [""] * (len(COLUMN_NAMES) - len(row)) for row in rows_of(TEMPLATE_CSV)[1:]]
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in roles.data_validations.dataValidation}
    controlled = [i for i, c in enumerate(COLUMNS) if c.values is not None or c.kind == "yes/no"]
    assert len(lists) == len(controlled)
    remuneration = COLUMN_NAMES.index("remuneration")
    letter = openpyxl.utils.get_column_letter(remuneration + 1)
    choices = [row[0].value for row in shipped["lists"][lists[letter].replace("lists!", "").replace("$", "")]]
    assert choices == ["mutual member", "paid", "volunteer (unpaid)"]
    explained = {row[0]: row for row in _sheets(shipped)["columns"][1:]}
    assert explained["can_decline"][1] == FRENCH_HEADERS["can_decline"] and explained["can_decline"][4] == "yes, no"


# ---------------------------------------------------------------- reading what spreadsheet programs write

@pytest.mark.parametrize("delimiter, encoding, named", [
    (",", "utf-8", "UTF-8"), (";", "utf-8-sig", "UTF-8 with BOM"), ("\t", "utf-16", "UTF-16"),
    (";", "cp1252", "Windows-1252"), (",", "utf-16-le", "UTF-16"),
])
def test_csv_in_any_separator_and_encoding_reads_as_the_template(delimiter, encoding, named):
    rows = rows_of(TEMPLATE_CSV)
    rows[1][1] = "Our Voices — Café des pairs"  # a character each encoding writes differently
    expected = read_input(as_csv(rows), "csv").graph
    parsed = read_input(as_csv(rows, delimiter, encoding), "csv")
    assert (parsed.encoding, parsed.delimiter) == (named, delimiter)
    assert isomorphic(parsed.graph, expected)
    assert parsed.rows and parsed.columns["remuneration"] == "K"


def test_latin_1_beyond_windows_1252_is_read_as_latin_1():
    parsed = read_input("role_id,role_title\nr1,caf\xe9 \x81\n".encode("latin-1"), "csv")
    assert parsed.encoding == "Latin-1" and "café \x81" in {str(o) for o in parsed.graph.objects()}


def test_headers_match_in_any_case_and_accents_and_in_french_and_values_in_french():
    french = "Identifiant_Rôle;INTITULÉ_RÔLE;rémunération;Peut refuser;mode de participation;formats\n" \
             "r1;Pair aidant;rémunéré;oui;Orienté, libre de refuser;Groupe; en ligne\n"
    english = "role_id,role_title,remuneration,can_decline,participation_mode,formats\n" \
              "r1,Pair aidant,paid,yes,\"referred, free to decline\",group format;virtual\n"
    got = read_input(french.replace("Groupe; en ligne", '"GroupFormat; virtual"').encode("cp1252"), "csv")
    assert isomorphic(got.graph, read_input(english.replace("group format;virtual", "GroupFormat;Virtual").encode(), "csv").graph)
    assert got.columns == {"role_id": "A", "role_title": "B", "remuneration": "C", "can_decline": "D",
                           "participation_mode": "E", "formats": "F"}


def test_five_mistakes_are_reported_together_with_row_column_and_did_you_mean():
    rows = rows_of(TEMPLATE_CSV)
    header = rows[0]
    rows[0] = header + ["colour"]
    rows[2][header.index("remuneration")] = "payed"          # row 3, column K
    rows[3][header.index("can_decline")] = "maybe"           # row 4, column S
    rows[4][header.index("participation_mode")] = "freely chosn"  # row 5, column R
    rows[1][header.index("peer_board_share")] = "lots"       # row 2, column D
    error = problems_of(as_csv(rows, ";", "cp1252"))
    message = str(error)
    assert message.startswith("5 problems in the spreadsheet:\n")
    lines = message.splitlines()[1:]
    assert lines == [
        "- row 1, column AG `colour`: unknown column; the template's columns are: " + ", ".join(COLUMN_NAMES),
        "- row 2, column D `peer_board_share`: 'lots' is not a share (write 0.6 or 60%)",
        "- row 3, column K `remuneration`: unknown value 'payed'; did you mean 'paid'? allowed: mutual member, paid, "
        "volunteer (unpaid)",
        "- row 4, column S `can_decline`: 'maybe' is not yes or no",
        "- row 5, column R `participation_mode`: unknown value 'freely chosn'; did you mean 'freely chosen'? allowed: "
        'assigned, freely chosen, mandated, "referred, free to decline"',
    ]
    assert [(p["row"], p["column"], p["suggestion"]) for p in error.problems][2] == (3, "K", "paid")
    assert error.line == 1 and "Traceback" not in message


def test_a_misspelt_column_is_named_with_what_was_probably_meant():
    error = problems_of(b"role_id,remuneraton,peut_refusr\nr1,paid,oui\n")
    assert str(error) == ("2 problems in the spreadsheet:\n"
                          "- row 1, column B `remuneraton`: unknown column; did you mean `remuneration`?\n"
                          "- row 1, column C `peut_refusr`: unknown column; did you mean `peut_refuser`?")


@pytest.mark.parametrize("data, fmt, says", [
    (b"", "turtle", "nothing in the data is an org:Post"),
    (b"@prefix ex: <http://e/> . ex:a ex:b ex:c .", "turtle", "nothing in the data is an org:Post"),
    (b"role_id,role_title\n", "csv", "no row below the header has a role_id"),
    (b"", "csv", "no row below the header has a role_id"),
])
def test_an_input_with_no_role_is_an_error_that_says_so(data, fmt, says):
    with pytest.raises(InputError) as caught:
        require_roles(read_input(data, fmt))
    assert str(caught.value).startswith("no role was found: ") and says in str(caught.value)
    assert caught.value.status == 400 and caught.value.title == "No role found"


@pytest.mark.parametrize("data, fmt", [
    (TEMPLATE_CSV, "csv"), (TEMPLATE_CSV.replace(b",", b";"), "csv"), ((TEMPLATES / "roles.xlsx").read_bytes(), "xlsx"),
    (b"@prefix ps: <https://w3id.org/peer-support/> .\n", "turtle"), (b"PREFIX ps: <x:>\n", "turtle"),
    (b"# a comment\n<http://e/a> <http://e/b> <http://e/c> .\n", "nt"), (b'{"@id": "http://e/a"}', "json-ld"),
    (b'<?xml version="1.0"?><rdf:RDF/>', "xml"), (b"ex:role a org:Post .", "turtle"), (b"hello world", None),
    ("identifiant_rôle;intitulé\nr1;x\n".encode("cp1252"), "csv"),
])
def test_the_format_is_detected_from_the_content(data, fmt):
    assert detect_format(data) == fmt


# ---------------------------------------------------------------- .xlsx: the template filled in

def edited_template() -> bytes:
    """The shipped template as a user edits it: a drop-down value changed, an empty cell filled,
    a row deleted, a row added with typed cells (a boolean, a number)."""
    book = openpyxl.load_workbook(TEMPLATES / "roles.xlsx")
    sheet = book["roles"]
    col = {name: index + 1 for index, name in enumerate(COLUMN_NAMES)}
    sheet.cell(row=2, column=col["participation_mode"], value="mandated")   # ward visitor: now imposed
    sheet.cell(row=5, column=col["peer_supervision"], value="yes")          # drop-in volunteer: supervision recorded
    sheet.delete_rows(4)                                                     # the mentor row goes
    new = {"organisation_id": "our-voices", "role_id": "peer-worker", "role_title": "Peer support worker",
           "role_kind": "paid peer worker", "declared_practice": "peer support", "remuneration": "paid",
           "role_holder_receives_support": False, "participation_mode": "freely chosen", "can_decline": True,
           "lived_experience_required": True, "non_clinical": True, "peer_board_share": 0.5}
    for name, value in new.items():
        sheet.cell(row=6, column=col[name], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_filled_in_xlsx_validates_with_the_expected_results_and_as_semicolon_windows_1252_csv_the_same():
    parsed = read_input(edited_template(), "xlsx")
    assert parsed.sheet == "roles" and parsed.encoding is None
    verdicts, results = outcome(parsed.graph)
    assert {role.rsplit("/", 1)[1]: v[0] for role, v in verdicts.items()} == {
        "ward-visitor": "inconsistent", "group-member": "peer-support", "drop-in-volunteer": "peer-support",
        "peer-worker": "not-peer-support"}
    assert verdicts["https://example.org/roles/peer-worker"][1][0] == "contradicted"  # reciprocal: receives no support
    assert ("voluntary", "contradicted") in {(mark, status) for key, mark, status in results if key[0].endswith("ward-visitor")}
    assert not [r for r in results if r[0][0].endswith("drop-in-volunteer")]  # supervision recorded: no concern left
    assert parsed.rows[URIRef("https://example.org/roles/peer-worker")] == 6  # the row the sheet shows
    # The same rows, typed into a CSV by a French-locale spreadsheet program.
    sheet = openpyxl.load_workbook(io.BytesIO(edited_template()))["roles"]
    rows = [["" if v is None else ("yes" if v is True else "no" if v is False else str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)]
    again = read_input(as_csv(rows, ";", "cp1252"), "csv")
    assert again.encoding in ("UTF-8", "Windows-1252") and again.delimiter == ";"
    assert isomorphic(again.graph, parsed.graph)
    assert outcome(again.graph) == (verdicts, results)


def test_mistakes_in_an_xlsx_are_named_by_the_sheet_s_row_and_column():
    book = openpyxl.load_workbook(TEMPLATES / "roles.xlsx")
    sheet = book["roles"]
    sheet["K3"] = "payed"
    sheet["S4"] = 3
    out = io.BytesIO()
    book.save(out)
    message = str(problems_of(out.getvalue(), "xlsx"))
    assert "row 3, column K `remuneration`: unknown value 'payed'; did you mean 'paid'?" in message
    assert "row 4, column S `can_decline`: '3' is not yes or no" in message


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("data, says", [
    (b"PK\x03\x04 not really a zip", "not a readable .xlsx workbook"),
    ((TEMPLATES / "roles.xlsx").read_bytes()[:3000], "not a readable .xlsx workbook"),
    (_zip({"[Content_Types].xml": b"<Types/>"}), "not a readable .xlsx workbook"),
    (_zip({"xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'}), "DOCTYPE or ENTITY"),
    (_zip({"xl/a.xml": b"\0" * (101 * 1024 * 1024)}), "the workbook expands to more than 100 MiB"),
    (b"hello", "not a readable .xlsx workbook"),
])
def test_a_damaged_or_hostile_workbook_is_refused_with_a_message(data, says):
    error = problems_of(data, "xlsx")
    assert says in str(error) and "Traceback" not in str(error)


# ---------------------------------------------------------------- the web and the command line


def test_the_xlsx_template_is_downloaded_and_validated_over_http(base, client):
    download = client.get(base + "/downloads/roles.xlsx")
    assert download.status_code == 200 and download.headers["content-type"] == XLSX_TYPE
    assert download.content == (TEMPLATES / "roles.xlsx").read_bytes()
    assert client.get(base + "/downloads/roles.schema.json").json()["fields"][0]["name"] == "organisation_id"
    upload = client.post(base + "/validate", files={"file": ("roles.xlsx", edited_template(), XLSX_TYPE)},
                         data={"format": ""}, headers={"Accept": "application/json"})
    assert upload.status_code == 200, upload.text
    assert upload.json()["conforms"] is False
    body = client.post(base + "/validate", content=download.content, headers={"Content-Type": XLSX_TYPE, "Accept": "application/json"})
    assert body.status_code == 200 and body.json()["conforms"] is True


def test_pasted_csv_with_no_format_chosen_is_detected(base, client):
    pasted = as_csv(rows_of(TEMPLATE_CSV), ";").decode()
    answer = client.post(base + "/validate", data={"text": pasted, "format": ""}, headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["conforms"] is True


def test_the_web_reports_every_mistake_in_one_answer_and_no_role_as_an_error(base, client):
    bad = b"role_id;remuneration;can_decline;colour\nr1;payed;maybe;red\nr 2;paid;yes;\n"
    answer = client.post(base + "/validate", files={"file": ("roles.csv", bad, "text/csv")}, headers={"Accept": "application/json"})
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["message"].startswith("4 problems in the spreadsheet:\n")
    assert "- row 2, column B `remuneration`: unknown value 'payed'; did you mean 'paid'?" in error["message"]
    page = client.post(base + "/validate", files={"file": ("roles.csv", bad, "text/csv")}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and '<nav class="top"' in page.text and "Row 3, column A <code>role_id</code>:" in page.text
    for data, media in [(b"role_id,role_title\n", "text/csv"), (b"", "text/turtle")]:
        empty = client.post(base + "/validate", content=data, headers={"Content-Type": media, "Accept": "application/json"})
        assert empty.status_code == 400 and empty.json()["error"]["message"].startswith("no role was found")
        assert empty.json()["error"]["title"] == "No role found"


def run(*args):
    return subprocess.run([sys.executable, "-m", "peersupport.cli", *args], capture_output=True, text=True, cwd=REPO)


def test_the_cli_validates_an_xlsx_by_name_or_by_content_and_refuses_no_role(tmp_path):
    filled = tmp_path / "roles.xlsx"
    filled.write_bytes(edited_template())
    result = run("validate", "--no-classify", "--output", "json", str(filled))
    assert result.returncode == 1 and json.loads(result.stdout)["conforms"] is False
    unnamed = tmp_path / "roles-export"
    unnamed.write_bytes((TEMPLATES / "roles.xlsx").read_bytes())
    assert run("validate", "--no-classify", str(unnamed)).returncode == 0
    header_only = tmp_path / "roles.csv"
    header_only.write_text("role_id;role_title\n")
    refused = run("validate", "--no-classify", str(header_only))
    assert refused.returncode == 2 and refused.stderr.startswith("error: no role was found: no row below the header")
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    assert run("validate", "--no-classify", str(empty)).returncode == 2


def test_an_organisation_without_roles_is_checked_not_refused():
    """The shapes have something to say of it: its roles are missing (a warning)."""
    from peersupport.validation.validate import validate

    report = validate(b"organisation_id,organisation_name\no1,Us\n", "csv", classify=False)
    assert [(r.mark, r.status) for r in report.results] == [("organisation", "not-recorded")] * 2
