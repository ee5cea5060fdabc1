"""The template as an OpenDocument spreadsheet (``roles.ods``, for LibreOffice and other ODF
programs), written with the standard library: the same sheets as ``roles.xlsx`` (``roles``: the
header and example rows; ``columns``: what each column is) and the same drop-down lists, as ODF
content validations (``of:cell-content-is-in-list``) on every controlled and yes/no column. The
zip's members carry a fixed date, so the same file is made every time."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from peersupport.validation.inputs import ODS_TYPE
from peersupport.validation.spreadsheet import COLUMNS

FIXED_DATE = (2026, 1, 1, 0, 0, 0)
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
       'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_TYPE}"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')
_STYLES = ('<office:automatic-styles>'
           '<style:style style:name="header" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>'
           '<style:style style:name="narrow" style:family="table-column"><style:table-column-properties style:column-width="3.5cm"/></style:style>'
           '<style:style style:name="wide" style:family="table-column"><style:table-column-properties style:column-width="10cm"/></style:style>'
           '</office:automatic-styles>')


def _cell(value: str, style: str = "", validation: str = "") -> str:
    attributes = (f' table:style-name="{style}"' if style else "") + (f' table:content-validation-name="{validation}"' if validation else "")
    if value == "":
        return f"<table:table-cell{attributes}/>"
    return f'<table:table-cell{attributes} office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def _validation(name: str, choices: list[str], many: bool, prompt: str) -> str:
    listed = ";".join('"' + choice.replace('"', '""') + '"' for choice in choices)
    return (f'<table:content-validation table:name="{name}" table:allow-empty-cell="true" table:display-list="unsorted" '
            f'table:condition={quoteattr(f"of:cell-content-is-in-list({listed})")}>'
            f'<table:help-message table:display="true"><text:p>{escape(prompt)}</text:p></table:help-message>'
            f'<table:error-message table:message-type="warning" table:display="{"false" if many else "true"}">'
            "<text:p>Choose a value from the list (see the sheet columns).</text:p></table:error-message>"
            "</table:content-validation>")


def _roles_table(rows: list[list[str]], names: list[str], rows_with_lists: int) -> str:
    columns = "".join('<table:table-column table:style-name="narrow"/>' for _ in COLUMNS)
    header = "<table:table-row>" + "".join(_cell(column.name, "header") for column in COLUMNS) + "</table:table-row>"
    body = "".join("<table:table-row>" + "".join(_cell(value, "", names[i]) for i, value in enumerate(row)) + "</table:table-row>"
                   for row in rows)
    empty = (f'<table:table-row table:number-rows-repeated="{rows_with_lists - 1 - len(rows)}">'
             + "".join(_cell("", "", name) for name in names) + "</table:table-row>")
    return f'<table:table table:name="roles">{columns}{header}{body}{empty}</table:table>'


def _columns_table(explained: list[list[str]]) -> str:
    columns = '<table:table-column table:style-name="narrow" table:number-columns-repeated="3"/>' \
              '<table:table-column table:style-name="wide" table:number-columns-repeated="3"/>'
    rows = "".join("<table:table-row>" + "".join(_cell(value, "header" if i == 0 else "") for value in row) + "</table:table-row>"
                   for i, row in enumerate(explained))
    return f'<table:table table:name="columns">{columns}{rows}</table:table>'


def ods_bytes(rows: list[list[str]], explained: list[list[str]], choices: list[tuple[list[str], bool, str]],
              rows_with_lists: int) -> bytes:
    """The .ods template: ``rows`` under the header, ``explained`` as the sheet "columns", and for
    each column ``(choices, many, prompt)`` its drop-down list (none where ``choices`` is empty)."""
    names = [f"list{index}" if listed else "" for index, (listed, _, _) in enumerate(choices, start=1)]
    validations = "".join(_validation(name, listed, many, prompt) for name, (listed, many, prompt) in zip(names, choices) if name)
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2">{_STYLES}'
               f"<office:body><office:spreadsheet><table:content-validations>{validations}</table:content-validations>"
               f"{_roles_table(rows, names, rows_with_lists)}{_columns_table(explained)}"
               "</office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, compression in (("mimetype", ODS_TYPE, zipfile.ZIP_STORED),
                                        ("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED),
                                        ("content.xml", content, zipfile.ZIP_DEFLATED)):
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED_DATE), data, compress_type=compression)
    return out.getvalue()
