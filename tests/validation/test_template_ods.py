"""The .ods template (issue 15): generated from the same schema as the .xlsx, shipped as generated,
made the same every time, read by the validator to the same graph and verdicts as the .xlsx, with
the same drop-down lists (ODF content validations), and offered for download."""

import re
import zipfile
import io
from xml.etree import ElementTree

import openpyxl
from rdflib.compare import isomorphic

from peersupport.validation.inputs import ODS_TYPE, read_input
from peersupport.validation.spreadsheet import COLUMNS
from peersupport.validation.template import drop_downs, example_rows, ods_template, xlsx_bytes

from ..service_fixtures import base, client  # noqa: F401 (base, client: fixtures)
from .test_spreadsheets import TEMPLATES, outcome

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _content(ods: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        assert archive.namelist()[0] == "mimetype" and archive.read("mimetype") == ODS_TYPE.encode()
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        return archive.read("content.xml").decode("utf-8")


def test_the_shipped_ods_is_the_one_generated_and_the_same_every_time():
    made = ods_template(example_rows(TEMPLATES))
    assert made == ods_template(example_rows(TEMPLATES))
    assert (TEMPLATES / "roles.ods").read_bytes() == made, "regenerate with `peersupport template`"
    assert xlsx_bytes(example_rows(TEMPLATES)) == xlsx_bytes(example_rows(TEMPLATES))
    assert (TEMPLATES / "roles.xlsx").read_bytes() == xlsx_bytes(example_rows(TEMPLATES)), "regenerate with `peersupport template`"


def test_the_ods_template_reads_to_the_same_graph_rows_and_verdicts_as_the_xlsx():
    from_ods = read_input((TEMPLATES / "roles.ods").read_bytes(), "ods")
    from_xlsx = read_input((TEMPLATES / "roles.xlsx").read_bytes(), "xlsx")
    assert from_ods.format == "ods" and from_ods.sheet == "roles"
    assert isomorphic(from_ods.graph, from_xlsx.graph)
    assert from_ods.rows == from_xlsx.rows and from_ods.columns == from_xlsx.columns
    assert outcome(from_ods.graph) == outcome(from_xlsx.graph)
    assert {role.rsplit("/", 1)[1]: v[0] for role, v in outcome(from_ods.graph)[0].items()} == {
        "ward-visitor": "peer-support", "group-member": "peer-support", "drop-in-volunteer": "peer-support",
        "mentor": "not-peer-support"}


def test_the_ods_drop_down_lists_are_the_xlsx_ones_on_the_same_cells():
    content = _content((TEMPLATES / "roles.ods").read_bytes())
    validations = ElementTree.fromstring(content).iter(TABLE + "content-validation")
    conditions = {v.get(TABLE + "name"): [c.replace('""', '"') for c in re.findall(r'"((?:[^"]|"")*)"', v.get(TABLE + "condition"))]
                  for v in validations}
    assert all(v.startswith("of:cell-content-is-in-list(") for v in re.findall(r'table:condition=.(of:[^(]*\()', content))
    expected = {f"list{i}": choices for i, (choices, _, _) in enumerate(drop_downs(), start=1) if choices}
    assert conditions == expected
    assert len(expected) == sum(1 for c in COLUMNS if c.values is not None or c.kind == "yes/no")
    remuneration = [c.name for c in COLUMNS].index("remuneration") + 1
    assert "paid" in conditions[f"list{remuneration}"]
    xlsx = openpyxl.load_workbook(TEMPLATES / "roles.xlsx")
    lists = xlsx["lists"]
    for name, choices in expected.items():
        column = int(name[4:])
        assert [lists.cell(row=r, column=column).value for r in range(1, len(choices) + 1)] == choices
    # the lists reach row 1000, as the xlsx's: header, the example rows, then repeated empty rows
    repeated = int(re.search(r'<table:table-row table:number-rows-repeated="(\d+)">', content).group(1))
    assert 1 + len(example_rows(TEMPLATES)) + repeated == 1000


def test_the_ods_template_is_downloaded(base, client):
    answer = client.get(base + "/downloads/roles.ods")
    assert (answer.status_code, answer.headers["content-type"]) == (200, ODS_TYPE)
    assert answer.headers["content-disposition"] == 'attachment; filename="roles.ods"'
    assert answer.content == (TEMPLATES / "roles.ods").read_bytes()
