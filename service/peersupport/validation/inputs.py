"""Reading organisations' data safely into an in-memory graph.

Turtle, N-Triples, RDF/XML, JSON-LD (contexts resolved locally, remote ones refused) and the
spreadsheet template as CSV, ``.xlsx`` or ``.ods``. Every failure is an ``InputError`` whose message names the
problem, with the line and column where the parser gives them (for a spreadsheet: every problem,
each with its row and column), and never a file path or a stack trace. ``read_input`` also says
how the input was read (``Parsed``: encoding, separator, the row of each role); ``detect_format``
tells the format from the content when no name says it; ``require_roles`` refuses an input that
describes no role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, URIRef

from peersupport.errors import InputError
from peersupport.shacl.terms import to_rdflib
from peersupport.validation.messages import input_error
from peersupport.vocabulary.graph import ORG, PS, bind_prefixes

FORMATS = ("turtle", "nt", "xml", "json-ld", "csv")  # the formats read as text
BINARY_FORMATS = ("xlsx", "ods")
SPREADSHEETS = ("csv", "xlsx", "ods")
# What a role is: the classes of the resources the validator checks and gives a verdict.
ROLE_CLASSES = (ORG.Post, ORG.Role, ORG.Membership, PS.DescribedRole)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
MAX_INPUT_BYTES = 10 * 1024 * 1024

_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".xml": "xml", ".owl": "xml",
             ".jsonld": "json-ld", ".json": "json-ld", ".csv": "csv", ".tsv": "csv", ".txt": None,
             ".xlsx": "xlsx", ".ods": "ods"}
_MEDIA_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                "application/ld+json": "json-ld", "text/csv": "csv",
                "text/tab-separated-values": "csv", XLSX_TYPE: "xlsx", ODS_TYPE: "ods"}
_FORMAT_NAMES = {"ttl": "turtle", "turtle": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
                 "xml": "xml", "rdfxml": "xml", "rdf/xml": "xml", "jsonld": "json-ld", "json-ld": "json-ld",
                 "csv": "csv", "tsv": "csv", "xlsx": "xlsx", "excel": "xlsx",
                 "ods": "ods", "opendocument": "ods", "libreoffice": "ods"}


def format_from_name(name: str | None) -> str | None:
    """The format a file name, format name or media type stands for, or None."""
    if not name:
        return None
    name = name.split(";", 1)[0].strip().lower()
    return _FORMAT_NAMES.get(name) or _MEDIA_TYPES.get(name) or _SUFFIXES.get(Path(name).suffix)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise input_error("not-utf8", line=line) from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# Relative IRIs are resolved against the document's own base (xml:base, @base, @context's @base);
# where it gives none, against this placeholder, then refused: a relative IRI would otherwise be
# resolved against the service's working directory (file:///…), which the SHACL engine refuses.
UNRESOLVED_BASE = "https://unresolved.invalid/"


def refuse_relative_iris(graph: Graph, text: str) -> Graph:
    """``graph`` unless it holds an IRI written relative with no base to resolve it: then an
    InputError naming the first one and, where the text shows it, its line and column."""
    relative = sorted({str(t)[len(UNRESOLVED_BASE):] for triple in graph for t in triple
                       if isinstance(t, URIRef) and str(t).startswith(UNRESOLVED_BASE)})
    if not relative:
        return graph
    first = relative[0]
    offsets = [i for i in (text.find(f'"{first}"'), text.find(f"<{first}>"), text.find(f"'{first}'")) if i >= 0]
    line, column = _line_column(text, min(offsets)) if offsets else (None, None)
    if len(relative) > 1:
        raise input_error("relative-iris", "relative-iri-fix", line, column, iri=first, more=len(relative) - 1)
    raise input_error("relative-iri", "relative-iri-fix", line, column, iri=first)


def _parse_rdf(text: str, fmt: str) -> Graph:
    from rdflib.plugins.parsers.notation3 import BadSyntax
    from xml.sax import SAXParseException

    graph = Graph()
    try:
        graph.parse(data=text, format=fmt, publicID=UNRESOLVED_BASE)
    except BadSyntax as error:
        line, column = _line_column(text, error._i)
        raise input_error("turtle-syntax", line=line, column=column, detail=error._why) from None
    except SAXParseException as error:
        raise input_error("rdfxml-syntax", line=error.getLineNumber(), column=error.getColumnNumber(),
                          detail=error.getMessage()) from None
    except RecursionError:
        raise
    except IndexError:  # rdflib's Turtle parser reads past the end of an unfinished statement
        line, column = _line_column(text, len(text.rstrip()))
        raise input_error("unfinished-statement", line=line, column=column) from None
    except Exception as error:  # rdflib's parsers raise many types; none may escape as a 500
        raise input_error("unreadable-rdf", detail=str(error).split("\n", 1)[0]) from None
    return refuse_relative_iris(graph, text)


def _parse_ntriples(text: str) -> Graph:
    """N-Triples by Oxigraph's parser: strict, and linear where rdflib's slows down quadratically
    on long lines (a 2 MB literal took it 17 s)."""
    import pyoxigraph as ox

    graph = Graph()
    try:
        for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    except SyntaxError as error:
        message = re.sub(r"^Parser error (at|between) [^:]*: ", "", error.msg)
        raise input_error("ntriples-syntax", line=error.lineno, column=error.offset, detail=message) from None
    return graph


_DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class Parsed:
    """An input read into a graph, and how it was read."""

    graph: Graph
    format: str
    encoding: str | None = None  # the text encoding read: "UTF-8", "UTF-8 with BOM", "UTF-16", "Windows-1252", "Latin-1"; None for xlsx, ods
    delimiter: str | None = None  # the CSV separator read: ",", ";" or "\t"
    sheet: str | None = None  # the worksheet read, for xlsx and ods
    rows: dict[URIRef, int] = field(default_factory=dict)  # spreadsheets: each role's and organisation's first row
    columns: dict[str, str] = field(default_factory=dict)  # spreadsheets: each template column read -> its letter

    @property
    def spreadsheet(self) -> bool:
        return self.format in SPREADSHEETS

    def turtle(self) -> str:
        """The graph read (a spreadsheet's rows or RDF), as Turtle with the vocabulary's prefixes."""
        return bind_prefixes(self.graph).serialize(format="turtle")


def parse(data: bytes | str, fmt: str) -> Graph:
    """Parse ``data`` in format ``fmt`` (one of FORMATS or BINARY_FORMATS) into a fresh graph."""
    return read_input(data, fmt).graph


def read_input(data: bytes | str, fmt: str, max_bytes: int | None = MAX_INPUT_BYTES) -> Parsed:
    """Read ``data`` in format ``fmt`` (one of FORMATS or BINARY_FORMATS): the graph, and how it was
    read. ``max_bytes`` bounds what the service accepts; the command line, reading its own user's
    files, gives None (a spreadsheet's own bounds on cells and unpacked size still hold)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if max_bytes is not None and len(raw) > max_bytes:
        raise input_error("input-too-large", size=len(raw), limit=max_bytes)
    try:
        if fmt in SPREADSHEETS:
            parsed = _read_spreadsheet(raw, fmt)
        else:
            parsed = Parsed(_parse_text(_text(raw), fmt), fmt, encoding="UTF-8")
    except RecursionError:
        raise input_error("too-deep") from None
    _refuse_surrogates(parsed.graph)
    normalise_literals(parsed.graph)
    return parsed


def _read_spreadsheet(data: bytes, fmt: str) -> Parsed:
    from peersupport.validation.sheet import read_table
    from peersupport.validation.tables import read_csv_table, read_ods_table, read_xlsx_table, zip_kind

    # A zip's own mimetype says whether it is .ods or .xlsx, whatever its name or the choice made.
    fmt = (zip_kind(data) or fmt) if fmt in BINARY_FORMATS else fmt
    table = {"xlsx": read_xlsx_table, "ods": read_ods_table}.get(fmt, read_csv_table)(data)
    reading = read_table(table)
    return Parsed(reading.graph, fmt, table.encoding, table.delimiter, table.sheet, reading.rows, reading.columns)


def detect_format(data: bytes | str) -> str | None:
    """The format the content looks like, when no name or choice says it, or None."""
    from peersupport.validation.spreadsheet import headers, key
    from peersupport.validation.tables import XLSX_MAGIC, decode, sniff_delimiter, zip_kind

    if isinstance(data, bytes) and data.startswith(XLSX_MAGIC):
        return zip_kind(data) or "xlsx"  # a damaged zip: reading it says what is wrong
    try:
        text = data if isinstance(data, str) else decode(data[:65536])[0]
    except InputError:
        return None
    start = re.sub(r"^(\ufeff|\s|#[^\n]*\n)*", "", text[:4096])
    if start.startswith(("{", "[")):
        return "json-ld"
    if start.startswith("<?xml") or re.match(r"<(rdf:RDF|[\w-]+:[\w-]+)[\s>]", start):
        return "xml"
    if re.match(r"(@prefix|@base|prefix\s|base\s)", start, re.IGNORECASE):
        return "turtle"
    if re.match(r"(<[^>\s]*>|_:\S+)\s+<[^>\s]*>", start):
        return "nt"
    first = start.splitlines()[0] if start else ""
    names = [key(cell.strip().strip('"')) for cell in first.split(sniff_delimiter(first))]
    if any(name in headers() for name in names):
        return "csv"
    if re.search(r"^\s*\S+:\S*\s+(a|\S+:\S*)\s", start, re.MULTILINE):
        return "turtle"
    return None


def require_roles(parsed: Parsed | Graph) -> None:
    """Refuse an input that describes no role: validating it would say "conforms" of nothing. An
    organisation described without roles passes: the shapes say its roles are missing."""
    graph = parsed.graph if isinstance(parsed, Parsed) else parsed
    if any(True for cls in (*ROLE_CLASSES, ORG.Organization) for _ in graph.subjects(RDF.type, cls)):
        return
    if isinstance(parsed, Parsed) and parsed.spreadsheet:
        error = input_error("no-role-in-sheet", "no-role-in-sheet-fix")
    else:
        error = input_error("no-role-in-rdf", "no-role-in-rdf-fix")
    error.title = "No role found"
    raise error


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(graph: Graph) -> None:
    """An escape such as \\uD800 names half of a UTF-16 pair, not a character: such text cannot be
    written out again (in a report or a store), so it is refused here."""
    for triple in graph:
        for term in triple:
            if found := _SURROGATE.search(str(term)):
                raise input_error("lone-surrogate", code=f"{ord(found.group()):04X}")


def _parse_text(text: str, fmt: str) -> Graph:
    from peersupport.validation.jsonld import RemoteContextError, parse_jsonld

    if fmt == "json-ld":
        try:
            graph = parse_jsonld(text, base=UNRESOLVED_BASE)
        except RemoteContextError as error:
            raise input_error("jsonld-refused", detail=str(error)) from None
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            if hasattr(error, "lineno"):
                raise input_error("json-syntax", line=error.lineno, column=error.colno, detail=error.msg) from None
            raise input_error("jsonld-error", detail=str(error)) from None
        except RecursionError:
            raise
        except Exception as error:
            raise input_error("jsonld-error", detail=str(error).splitlines()[0] if str(error) else type(error).__name__) from None
        graph = refuse_relative_iris(graph, text)
    elif fmt == "xml":
        match = _DOCTYPE.search(text)
        if match:
            line, column = _line_column(text, match.start())
            raise input_error("rdfxml-doctype", line=line, column=column)
        graph = _parse_rdf(text, "xml")
    elif fmt == "nt":
        graph = _parse_ntriples(text)
    elif fmt == "turtle":
        graph = _parse_rdf(text, fmt)
    else:
        raise input_error("unknown-format", format=fmt, formats=", ".join(FORMATS + BINARY_FORMATS))
    return graph


def normalise_literals(graph: Graph) -> Graph:
    """Plain ``"x"^^xsd:string`` becomes ``"x"`` and booleans take their canonical form, so that
    ``sh:in``/``sh:hasValue`` and SPARQL term matches compare values, not spellings."""
    changes = []
    for s, p, o in graph:
        if isinstance(o, Literal):
            if o.datatype == XSD.string:
                changes.append(((s, p, o), (s, p, Literal(str(o)))))
            elif o.datatype == XSD.boolean and str(o) in ("1", "0"):
                changes.append(((s, p, o), (s, p, Literal(str(o) == "1"))))
    for old, new in changes:
        graph.remove(old)
        graph.add(new)
    return graph
