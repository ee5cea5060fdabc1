"""A spreadsheet's cells as rows of text, whatever program wrote it: ``.xlsx`` (openpyxl), or CSV
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

from peersupport.errors import InputError

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # an .xlsx expands about tenfold; more is a zip bomb
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass
class Table:
    """The rows of a spreadsheet: ``(row number as shown, cells)``, empty rows left out."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    kind: str = "csv"  # "csv" or "xlsx"
    encoding: str | None = None  # "UTF-8", "UTF-8 with BOM", "UTF-16", "Windows-1252" or "Latin-1"; None for xlsx
    delimiter: str | None = None  # the CSV separator read
    sheet: str | None = None  # the worksheet read, for xlsx

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
        raise InputError(f"the file says it is {name} text but byte {error.start + 1} is not {name}",
                         hint="Save the spreadsheet again as CSV UTF-8, or as .xlsx.") from None


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
        raise InputError(f"row {number + 1}: not valid CSV: {error}",
                         hint="Save the spreadsheet again as CSV, or send the .xlsx file.") from None
    return table


def read_xlsx_table(data: bytes) -> Table:
    """The rows of the sheet named "roles", or else of the first sheet, of an .xlsx workbook.
    Formulas are read as the values last computed; nothing is evaluated."""
    _check_zip(data)
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many types on a damaged file; none may escape as a 500
        raise InputError(f"not a readable .xlsx workbook: {str(error).splitlines()[0] if str(error) else type(error).__name__}",
                         hint="Open the file in your spreadsheet program and save it again as .xlsx (Excel workbook).") from None
    sheet = book["roles"] if "roles" in book.sheetnames else book.worksheets[0]
    table = Table(kind="xlsx", sheet=sheet.title)
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if any(cell.strip() for cell in cells):
            table.rows.append((number, cells))
    return table


def _check_zip(data: bytes) -> None:
    """Refuse what is not a workbook, what would expand without bound, and XML with a DOCTYPE or
    entities, before openpyxl reads any of it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError("not a readable .xlsx workbook (it is not a zip archive)",
                         hint="Save the spreadsheet as .xlsx (Excel workbook) or as CSV.") from None
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        raise InputError(f"the workbook expands to more than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MiB; send fewer rows at a time")
    with archive:
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                try:
                    head = archive.read(member)
                except Exception:
                    raise InputError(f"not a readable .xlsx workbook: {member.filename} is damaged") from None
                if re.search(rb"<!\s*(DOCTYPE|ENTITY)", head, re.IGNORECASE):
                    raise InputError("a workbook with a DOCTYPE or ENTITY declaration is refused "
                                     "(entities could read files or expand without bound)")


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
