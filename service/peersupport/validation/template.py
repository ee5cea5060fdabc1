"""The template, made from ``spreadsheet.COLUMNS`` and the vocabulary's schemes so it never drifts
from what the reader accepts: ``roles.schema.json`` (a Frictionless Table Schema: each column's
type, allowed values with their English and French labels, description), ``roles.xlsx`` (a header
row, the example rows of ``roles.csv``, a drop-down list in every controlled and yes/no column, a
sheet explaining each column), the same as ``roles.ods`` (``template_ods``) and ``README.md``.
``peersupport template`` (``make template``) writes them into ``data/templates/``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

from peersupport.validation.template_ods import FIXED_DATE, ods_bytes
from peersupport.validation.spreadsheet import COLUMNS, FRENCH_HEADERS, NO, YES, Column, columns_markdown, scheme_values

ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*"
SHARE_PATTERN = r"\s*(0|1|[01]?[.,][0-9]+|[0-9]{1,3}([.,][0-9]+)?\s*%)\s*"
FIXED_TIME = datetime(*FIXED_DATE)  # workbook properties: the same file every time it is made
ROWS_WITH_LISTS = 1000  # the drop-down lists reach this row


def _variants(words) -> list[str]:
    return [form for word in words for form in dict.fromkeys((word, word.capitalize(), word.upper()))]


def _field(column: Column) -> dict:
    field = {"name": column.name, "frenchName": FRENCH_HEADERS[column.name], "description": column.meaning,
             "describes": column.subject}
    if column.predicate is not None:
        field["rdfPredicate"] = str(column.predicate)
    if column.kind in ("id", "parent"):
        field.update(type="string", constraints={"pattern": ID_PATTERN})
    elif column.kind == "text":
        field["type"] = "string"
    elif column.kind == "yes/no":
        field.update(type="boolean", trueValues=_variants(YES), falseValues=_variants(NO))
    elif column.kind == "share":
        field.update(type="string", constraints={"pattern": SHARE_PATTERN})
    else:
        values = scheme_values()[column.values]
        spellings = list(dict.fromkeys(form for v in values for s in v.spellings() for form in (s, s.casefold())))
        field["values"] = [{"name": v.name, "en": v.en, "fr": v.fr, "iri": str(v.iri)} for v in values]
        if column.kind == "many":
            field.update(type="list", delimiter=";", itemType="string")
        else:
            field.update(type="string", constraints={"enum": spellings})
    if column.name == "role_id":
        field["columnRequired"] = True
    return field


def table_schema() -> dict:
    """The template as a Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/)."""
    return {
        "title": "Peer-support roles",
        "description": ("One row per role (a row with only organisation columns describes an organisation alone). "
                        "Generated from the peer-support vocabulary by `peersupport template`; do not edit by hand. "
                        "The reader also accepts any case and accents, French headers (frenchName), and for controlled "
                        "columns a value's name, English or French label; list columns separate values with ';'. "
                        "columnRequired: the column must be present."),
        "fields": [_field(column) for column in COLUMNS],
        "missingValues": [""],
    }


def schema_json() -> str:
    return json.dumps(table_schema(), indent=2, ensure_ascii=False) + "\n"


def example_rows(templates: Path) -> list[list[str]]:
    """The example rows of ``roles.csv`` (without its header)."""
    with (templates / "roles.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def workbook(rows: list[list[str]]):
    """The .xlsx template as an openpyxl workbook: sheet "roles" (header and ``rows``), sheet
    "columns" (what each column is), and a hidden sheet "lists" the drop-downs read."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = "peersupport template"
    sheet = book.active
    sheet.title = "roles"
    sheet.append([column.name for column in COLUMNS])
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    lists = book.create_sheet("lists")
    lists.sheet_state = "hidden"
    explained = book.create_sheet("columns")
    for line in explained_rows():
        explained.append(line)
    for cell in explained[1]:
        cell.font = Font(bold=True)
    for index, (column, (choices, many, prompt)) in enumerate(zip(COLUMNS, drop_downs()), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.name) + 2))
        if not choices:
            continue
        for position, choice in enumerate(choices, start=1):
            lists.cell(row=position, column=index, value=choice)
        validation = DataValidation(type="list", formula1=f"lists!${letter}$1:${letter}${len(choices)}", allow_blank=True,
                                    showErrorMessage=not many, errorStyle="warning",
                                    error="Choose a value from the list (see the sheet columns).",
                                    prompt=prompt, showInputMessage=True)
        validation.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
        sheet.add_data_validation(validation)
    explained.column_dimensions["D"].width = 60
    explained.column_dimensions["E"].width = 60
    return book


def explained_rows() -> list[list[str]]:
    """The sheet "columns" of the templates: a header, then what each column is and allows."""
    rows = [["column", "en français", "describes", "what to write", "allowed values", "valeurs permises"]]
    for column in COLUMNS:
        choices, note = _choices(column)
        rows.append([column.name, FRENCH_HEADERS[column.name], column.subject, column.meaning,
                     ", ".join(choices) or note, ", ".join(_french(column)) or note])
    return rows


def drop_downs() -> list[tuple[list[str], bool, str]]:
    """Per column, the drop-down list of the templates: (choices, several allowed, prompt)."""
    return [(_choices(column)[0], column.kind == "many",
             "Several values: separate them with ;" if column.kind == "many" else column.meaning) for column in COLUMNS]


def _choices(column: Column) -> tuple[list[str], str]:
    if column.kind == "yes/no":
        return ["yes", "no"], ""
    if column.values is not None:
        return [v.en for v in scheme_values()[column.values]], ""
    return [], {"id": "letters, digits, - _ .", "text": "any text", "parent": "an organisation_id",
                "share": "0 to 1, or 0% to 100%"}[column.kind]


def _french(column: Column) -> list[str]:
    if column.kind == "yes/no":
        return ["oui", "non"]
    return [v.fr for v in scheme_values()[column.values]] if column.values is not None else []


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """The .xlsx template, re-zipped with fixed dates (openpyxl stamps the members and the
    properties with the time of saving) so the same file is made every time."""
    saved = io.BytesIO()
    workbook(rows).save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "docProps/core.xml":  # openpyxl sets "modified" to the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), data)
            archive.writestr(zipfile.ZipInfo(member.filename, date_time=FIXED_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_template(rows: list[list[str]]) -> bytes:
    return ods_bytes(rows, explained_rows(), drop_downs(), ROWS_WITH_LISTS)


def write_templates(templates: Path) -> list[Path]:
    """Write roles.schema.json, roles.xlsx, roles.ods and README.md into ``templates`` (roles.csv is the source of the example rows)."""
    written = [templates / "roles.schema.json", templates / "roles.xlsx", templates / "roles.ods", templates / "README.md"]
    rows = example_rows(templates)
    written[0].write_text(schema_json(), encoding="utf-8")
    written[1].write_bytes(xlsx_bytes(rows))
    written[2].write_bytes(ods_template(rows))
    written[3].write_text(columns_markdown(), encoding="utf-8")
    return written
