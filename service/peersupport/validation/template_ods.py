"""The template as an OpenDocument spreadsheet (``roles.ods``, for LibreOffice and other ODF
programs), its content.xml rendered from ``ods_content.xml``: the same sheets as ``roles.xlsx`` (``roles``: the
header and example rows; ``columns``: what each column is) and the same drop-down lists, as ODF
content validations (``of:cell-content-is-in-list``) on every controlled and yes/no column. The
zip's members carry a fixed date, so the same file is made every time."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from peersupport.validation.inputs import ODS_TYPE
from peersupport.validation.spreadsheet import COLUMNS

FIXED_DATE = (2026, 1, 1, 0, 0, 0)
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_TYPE}"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')
_CONTENT = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True).get_template("ods_content.xml")


def _condition(choices: list[str]) -> str:
    return "of:cell-content-is-in-list(" + ";".join('"' + choice.replace('"', '""') + '"' for choice in choices) + ")"


def ods_bytes(rows: list[list[str]], explained: list[list[str]], choices: list[tuple[list[str], bool, str]],
              rows_with_lists: int) -> bytes:
    """The .ods template: ``rows`` under the header, ``explained`` as the sheet "columns", and for
    each column ``(choices, many, prompt)`` its drop-down list (none where ``choices`` is empty)."""
    names = [f"list{index}" if listed else "" for index, (listed, _, _) in enumerate(choices, start=1)]
    lists = [{"name": name, "condition": _condition(listed), "many": many, "prompt": prompt}
             for name, (listed, many, prompt) in zip(names, choices) if name]
    content = _CONTENT.render(lists=lists, header=[column.name for column in COLUMNS], rows=rows, names=names,
                              empty_rows=rows_with_lists - 1 - len(rows), explained=explained)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, compression in (("mimetype", ODS_TYPE, zipfile.ZIP_STORED),
                                        ("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED),
                                        ("content.xml", content, zipfile.ZIP_DEFLATED)):
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED_DATE), data, compress_type=compression)
    return out.getvalue()
