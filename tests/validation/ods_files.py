"""OpenDocument spreadsheets written for the tests, as LibreOffice writes them: a zip whose first
member is the uncompressed ``mimetype``, cells typed (string, float, boolean), an empty row and
repeated empty rows and columns the way LibreOffice pads a sheet."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_TYPE}"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')


def _cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{word}">'
                f"<text:p>{word.upper()}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(sheets: dict[str, list[list]], content: str | None = None, mimetype: bytes = ODS_TYPE.encode()) -> bytes:
    """An .ods workbook with ``sheets`` (name -> rows of values); ``content`` replaces content.xml."""
    tables = []
    for name, rows in sheets.items():
        body = "".join(f"<table:table-row>{''.join(_cell(v) for v in row)}"
                       '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>' for row in rows)
        padding = '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        tables.append(f'<table:table table:name="{escape(name)}">{body}{padding}</table:table>')
    xml = content or (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">'
                      f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
                      "</office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
