"""OpenDocument spreadsheets (.ods, what LibreOffice saves by default) read as the .xlsx template
is: the same rows give the same graph and verdicts, row numbers as the sheet shows them, the
format known from the name or from the zip's ``mimetype``, and damaged or hostile files refused
with a message, on the library, the web and the CLI."""

import io
import json
import resource
import time

import openpyxl
import pytest
from rdflib import URIRef
from rdflib.compare import isomorphic

from peersupport.validation.inputs import ODS_TYPE, detect_format, format_from_name, read_input

from ..service_fixtures import base, client  # noqa: F401 (base, client: fixtures)
from .ods_files import _NS, ods
from .test_spreadsheets import TEMPLATES, _zip, edited_template, outcome, problems_of, run


def sheet_values(xlsx: bytes, name: str) -> list[list]:
    """A workbook sheet's cells as typed values (True, 0.5, text), as LibreOffice keeps them on saving as .ods."""
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(xlsx))[name].iter_rows(values_only=True)]


def edited_ods() -> bytes:
    """The edited template saved as .ods: the explanation sheet first, so "roles" is found by name."""
    xlsx = edited_template()
    return ods({"columns": sheet_values(xlsx, "columns"), "roles": sheet_values(xlsx, "roles")})


def test_the_same_rows_as_ods_give_the_same_graph_verdicts_and_row_numbers_as_the_xlsx():
    from_xlsx, from_ods = read_input(edited_template(), "xlsx"), read_input(edited_ods(), "ods")
    assert from_ods.format == "ods" and from_ods.sheet == "roles" and from_ods.encoding is None
    assert isomorphic(from_ods.graph, from_xlsx.graph)
    assert from_ods.rows == from_xlsx.rows and from_ods.columns == from_xlsx.columns
    assert from_ods.rows[URIRef("https://example.org/roles/peer-worker")] == 6
    assert outcome(from_ods.graph) == outcome(from_xlsx.graph)
    assert {role.rsplit("/", 1)[1]: v[0] for role, v in outcome(from_ods.graph)[0].items()} == {
        "ward-visitor": "inconsistent", "group-member": "peer-support", "drop-in-volunteer": "peer-support",
        "peer-worker": "not-peer-support"}


def test_rows_are_numbered_as_the_sheet_shows_them_even_below_empty_rows_and_right_of_empty_columns():
    rows = [[], [], [None, "role_id", "remuneration"], [None, "r1", "payed"]]
    error = problems_of(ods({"roles": rows}), "ods")
    assert str(error) == "row 4, column C `remuneration`: unknown value 'payed'; did you mean 'paid'? allowed: mutual member, paid, volunteer (unpaid)"


def test_the_format_is_known_from_the_name_the_media_type_and_the_content():
    assert format_from_name("roles.ods") == format_from_name(ODS_TYPE) == format_from_name("ods") == "ods"
    assert detect_format(edited_ods()) == "ods"
    assert detect_format(edited_template()) == "xlsx"
    # A zip's mimetype wins over the format chosen: an .ods sent as "xlsx" is read as .ods.
    assert read_input(edited_ods(), "xlsx").format == "ods"


def _repeated(rows: int, columns: int, value: str = "<text:p>x</text:p>") -> bytes:
    content = (f'<?xml version="1.0"?><office:document-content {_NS}><office:body><office:spreadsheet><table:table table:name="roles">'
               f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{columns}" '
               f'office:value-type="string">{value}</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               "</office:document-content>")
    return ods({}, content=content)


@pytest.mark.parametrize("data, says", [
    (b"PK\x03\x04 not really a zip", "not a readable .ods spreadsheet (it is not a zip archive)"),
    (ods({"roles": [["role_id"], ["r1"]]})[:200], "not a readable .ods spreadsheet"),
    (_zip({"mimetype": ODS_TYPE.encode()}), "not a readable .ods spreadsheet: it has no content.xml"),
    (_zip({"mimetype": ODS_TYPE.encode(), "content.xml": b"<office:document-content"}), "content.xml is damaged"),
    (_zip({"mimetype": ODS_TYPE.encode(), "content.xml": b"<a/>"}), "not a readable .ods spreadsheet"),
    (_zip({"mimetype": ODS_TYPE.encode(),
           "content.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'}), "DOCTYPE or ENTITY"),
    (_zip({"mimetype": ODS_TYPE.encode(), "content.xml": b"\0" * (101 * 1024 * 1024)}),
     "the spreadsheet expands to more than 100 MiB"),
    (_repeated(100_000, 100), "more than 1,000,000 cells once its repeated rows and cells are counted"),
    (_repeated(10, 10 ** 9), "more than 1,000,000 cells"),
])
def test_a_damaged_or_hostile_ods_is_refused_with_a_message(data, says):
    error = problems_of(data, "ods")
    assert says in str(error) and "Traceback" not in str(error)


def test_a_repeated_cell_bomb_is_refused_before_calamine_expands_it():
    """800 bytes saying "10^7 cells of x" made calamine take 8 s and 1.2 GB; refused unread."""
    before, start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter()
    problems_of(_repeated(100_000, 100), "ods")
    assert time.perf_counter() - start < 0.5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB


def test_libreoffice_padding_of_a_million_empty_rows_is_read_quickly():
    start = time.perf_counter()
    assert read_input(ods({"roles": [["role_id", "role_title"], ["r1", "Peer worker"]]}), "ods").rows == {
        URIRef("https://example.org/roles/r1"): 2}
    assert time.perf_counter() - start < 1


def test_an_ods_is_validated_over_http_by_name_and_by_content(base, client):
    upload = client.post(base + "/validate", files={"file": ("roles.ods", edited_ods(), ODS_TYPE)},
                         data={"format": ""}, headers={"Accept": "application/json"})
    assert upload.status_code == 200, upload.text
    assert upload.json()["conforms"] is False
    body = client.post(base + "/validate", content=edited_ods(), headers={"Content-Type": ODS_TYPE, "Accept": "application/json"})
    assert body.status_code == 200 and body.json() == upload.json()
    bad = client.post(base + "/validate", files={"file": ("roles.ods", b"PK\x03\x04 broken", ODS_TYPE)},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("not a readable .ods spreadsheet")


def test_the_cli_validates_an_ods_by_name_and_by_content(tmp_path):
    named, unnamed = tmp_path / "roles.ods", tmp_path / "roles-export"
    named.write_bytes(edited_ods())
    unnamed.write_bytes(edited_ods())
    result = run("validate", "--no-classify", "--output", "json", str(named))
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["conforms"] is False
    assert run("validate", "--no-classify", "--output", "json", str(unnamed)).stdout == result.stdout
