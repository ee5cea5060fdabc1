"""A spreadsheet's cells as rows of text, whatever program wrote it: ``.xlsx`` (openpyxl), ``.ods``
(OpenDocument, as LibreOffice writes it; read by calamine), or CSV
separated by ``,``, ``;`` or tab (what Excel writes in many locales), in UTF-8 with or without a
byte-order mark, UTF-16 or Windows-1252/Latin-1. The encoding and the separator are detected and
kept on the ``Table``, so a report can say which were read. Row numbers are the ones a spreadsheet
program shows (the header is usually row 1), not lines of text: a quoted cell may span lines.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from peersupport.validation.messages import input_error

XLSX_MAGIC = b"PK\x03\x04"  # any zip: .xlsx and .ods alike
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # an .xlsx expands about tenfold; more is a zip bomb
# An .ods row or cell can say "repeated a million times": 800 bytes made calamine build 10^7
# cells (1.2 GB). Cells holding a value, counted with their repeats, are bounded before reading.
MAX_CELLS = 1_000_000
_SAVE_AS = {"xlsx": "save-as-xlsx-or-csv", "ods": "save-as-ods-or-csv"}  # what to do with what is not a workbook
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass
class Table:
    """The rows of a spreadsheet: ``(row number as shown, cells)``, empty rows left out."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    kind: str = "csv"  # "csv", "xlsx" or "ods"
    encoding: str | None = None  # "UTF-8", "UTF-8 with BOM", "UTF-16", "Windows-1252" or "Latin-1"; None for xlsx, ods
    delimiter: str | None = None  # the CSV separator read
    sheet: str | None = None  # the worksheet read, for xlsx and ods

    @property
    def delimiter_name(self) -> str | None:
        return _DELIMITER_NAMES.get(self.delimiter) if self.delimiter else None


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a byte-order mark decides; otherwise UTF-16 without
    a mark (every other byte NUL), UTF-8, Windows-1252 and, for the bytes Windows-1252 leaves
    undefined, Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "UTF-8 with BOM"), "UTF-8 with BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", "UTF-16"), "UTF-16"
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
        return _strict(data, "utf-16-le", "UTF-16"), "UTF-16"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
        return _strict(data, "utf-16-be", "UTF-16"), "UTF-16"
    for codec, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "Latin-1"


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise input_error("bad-declared-encoding", "save-as-csv-utf8", encoding=name, byte=error.start + 1) from None


def sniff_delimiter(text: str) -> str:
    """The separator of the header row: whichever of comma, semicolon and tab it holds most
    (outside quotes); a comma when it holds none (one column)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_table(data: bytes | str) -> Table:
    """The rows of CSV text or bytes (the encoding detected when given bytes)."""
    text, encoding = (data, None) if isinstance(data, str) else decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    table = Table(kind="csv", encoding=encoding, delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if any(cell.strip() for cell in row):
                table.rows.append((number, row))
    except csv.Error as error:
        raise input_error("bad-csv", "save-again-as-csv", row=number + 1, detail=str(error)) from None
    return table


def read_xlsx_table(data: bytes) -> Table:
    """The rows of the sheet named "roles", or else of the first sheet, of an .xlsx workbook.
    Formulas are read as the values last computed; nothing is evaluated."""
    _check_zip(data, "xlsx")
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many types on a damaged file; none may escape as a 500
        raise input_error("unreadable-xlsx", "resave-xlsx", detail=_first_line(error)) from None
    sheet = book["roles"] if "roles" in book.sheetnames else book.worksheets[0]
    return _table("xlsx", sheet.title, enumerate(sheet.iter_rows(values_only=True), start=1))


def read_ods_table(data: bytes) -> Table:
    """The rows of the sheet named "roles", or else of the first sheet, of an .ods spreadsheet.
    Formulas are read as the values last computed; nothing is evaluated."""
    archive = _check_zip(data, "ods")
    _check_repeats(archive)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = "roles" if "roles" in book.sheet_names else book.sheet_names[0]
        sheet = book.get_sheet_by_name(name)
        # From A1, empty rows and columns included, so rows and letters are the ones the sheet shows
        # (calamine's iter_rows starts at the first column used).
        rows = list(enumerate(sheet.to_python(skip_empty_area=False), start=1))
    except Exception as error:  # calamine raises its own types (and IndexError: no sheet); none may escape as a 500
        raise input_error("unreadable-ods", "resave-ods", detail=_first_line(error)) from None
    return _table("ods", name, rows)


def _table(kind: str, sheet: str, rows) -> Table:
    table = Table(kind=kind, sheet=sheet)
    for number, values in rows:
        cells = [_cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if any(cell.strip() for cell in cells):
            table.rows.append((number, cells))
    return table


def zip_kind(data: bytes) -> str | None:
    """"ods" or "xlsx" for a readable zip (an OpenDocument file says so in its ``mimetype``
    member), None for what is not one."""
    if not data.startswith(XLSX_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "mimetype" in archive.namelist() and archive.getinfo("mimetype").file_size < 100:
                return "ods" if archive.read("mimetype").strip() == ODS_TYPE.encode() else "xlsx"
    except Exception:  # a damaged zip: reading it in the format chosen says what is wrong
        return None
    return "xlsx"


def _check_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Refuse what is not a workbook, what would expand without bound, and XML with a DOCTYPE or
    entities, before openpyxl or calamine reads any of it. Returns the archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise input_error(f"not-a-zip-{kind}", _SAVE_AS[kind]) from None
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        raise input_error(f"expands-too-much-{kind}", mib=MAX_UNZIPPED_BYTES // (1024 * 1024))
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            try:
                head = archive.read(member)
            except Exception:
                raise input_error(f"member-damaged-{kind}", _SAVE_AS[kind], member=member.filename) from None
            if re.search(rb"<!\s*(DOCTYPE|ENTITY)", head, re.IGNORECASE):
                raise input_error(f"book-doctype-{kind}")
    return archive


_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _check_repeats(archive: zipfile.ZipFile) -> None:
    """Refuse an .ods whose repeated rows and cells holding values add up to more than MAX_CELLS
    (empty ones, which LibreOffice writes to pad every sheet, cost nothing to read)."""
    from xml.etree.ElementTree import ParseError, iterparse

    row_tag, cells = f"{{{_TABLE_NS}}}table-row", 0
    cell_tags = (f"{{{_TABLE_NS}}}table-cell", f"{{{_TABLE_NS}}}covered-table-cell")
    rows_repeated, columns_repeated = f"{{{_TABLE_NS}}}number-rows-repeated", f"{{{_TABLE_NS}}}number-columns-repeated"
    try:
        with archive.open("content.xml") as content:
            for _, element in iterparse(content):
                if element.tag != row_tag:
                    continue
                width = column = 0
                for cell in element:
                    if cell.tag in cell_tags:
                        column += _count(cell.get(columns_repeated))
                        if len(cell) or cell.get(f"{{{_OFFICE_NS}}}value-type"):
                            width = column
                cells += width * _count(element.get(rows_repeated))
                element.clear()
                if cells > MAX_CELLS:
                    raise input_error("too-many-ods-cells", cells=MAX_CELLS)
    except KeyError:
        raise input_error("ods-without-content", _SAVE_AS["ods"]) from None
    except (ParseError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise input_error("ods-content-damaged", _SAVE_AS["ods"], detail=str(error)) from None


def _first_line(error: Exception) -> str:
    """What a library's exception says, on one line (its type's name when it says nothing)."""
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def column_letter(index: int) -> str:
    """The spreadsheet's name of the column at 0-based ``index``: A … Z, AA, AB …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
