"""Reading organisations' data safely into an in-memory graph.

Turtle, N-Triples, RDF/XML, JSON-LD (contexts resolved locally, remote ones refused) and the CSV
template. Every failure is an ``InputError`` whose message names the problem, with the line and
column where the parser gives them, and never a file path or a stack trace.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import XSD, Graph, Literal

from peersupport.errors import InputError
from peersupport.shacl.terms import to_rdflib

FORMATS = ("turtle", "nt", "xml", "json-ld", "csv")
MAX_INPUT_BYTES = 10 * 1024 * 1024

_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".xml": "xml", ".owl": "xml",
             ".jsonld": "json-ld", ".json": "json-ld", ".csv": "csv"}
_MEDIA_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                "application/ld+json": "json-ld", "text/csv": "csv"}
_FORMAT_NAMES = {"ttl": "turtle", "turtle": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
                 "xml": "xml", "rdfxml": "xml", "rdf/xml": "xml", "jsonld": "json-ld", "json-ld": "json-ld",
                 "csv": "csv"}


def format_from_name(name: str | None) -> str | None:
    """The format a file name, format name or media type stands for, or None."""
    if not name:
        return None
    name = name.split(";", 1)[0].strip().lower()
    return _FORMAT_NAMES.get(name) or _MEDIA_TYPES.get(name) or _SUFFIXES.get(Path(name).suffix)


def _text(data: bytes) -> str:
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"input is {len(data)} bytes; the limit is {MAX_INPUT_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("input is not UTF-8 text", line=line) from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _parse_rdf(text: str, fmt: str) -> Graph:
    from rdflib.plugins.parsers.notation3 import BadSyntax
    from xml.sax import SAXParseException

    graph = Graph()
    try:
        graph.parse(data=text, format=fmt)
    except BadSyntax as error:
        line, column = _line_column(text, error._i)
        raise InputError(f"Turtle syntax error: {error._why}", line, column) from None
    except SAXParseException as error:
        raise InputError(f"RDF/XML syntax error: {error.getMessage()}", error.getLineNumber(), error.getColumnNumber()) from None
    except RecursionError:
        raise
    except IndexError:  # rdflib's Turtle parser reads past the end of an unfinished statement
        line, column = _line_column(text, len(text.rstrip()))
        raise InputError("syntax error: the data ends in the middle of a statement (a term or a final '.' is missing)",
                         line, column) from None
    except Exception as error:  # rdflib's parsers raise many types; none may escape as a 500
        raise InputError(str(error).split("\n", 1)[0]) from None
    return graph


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
        raise InputError(f"N-Triples syntax error: {message}", error.lineno, error.offset) from None
    return graph


_DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse(data: bytes | str, fmt: str) -> Graph:
    """Parse ``data`` in format ``fmt`` (one of FORMATS) into a fresh graph."""
    text = _text(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        graph = _parse_text(text, fmt)
    except RecursionError:
        raise InputError(TOO_DEEP) from None
    _refuse_surrogates(graph)
    return normalise_literals(graph)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(graph: Graph) -> None:
    """An escape such as \\uD800 names half of a UTF-16 pair, not a character: such text cannot be
    written out again (in a report or a store), so it is refused here."""
    for triple in graph:
        for term in triple:
            if _SURROGATE.search(str(term)):
                raise InputError(f"the data holds an escaped lone surrogate (\\u{ord(_SURROGATE.search(str(term)).group()):04X}), "
                                 "which is not a Unicode character")


TOO_DEEP = ("the data is nested too deeply (blank nodes, collections or JSON objects hundreds of levels deep); "
            "write the nested parts as separate resources")


def _parse_text(text: str, fmt: str) -> Graph:
    from peersupport.validation.spreadsheet import read_csv
    from peersupport.validation.jsonld import RemoteContextError, parse_jsonld

    if fmt == "csv":
        graph = read_csv(text)
    elif fmt == "json-ld":
        try:
            graph = parse_jsonld(text)
        except RemoteContextError as error:
            raise InputError(str(error)) from None
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            if hasattr(error, "lineno"):
                raise InputError(f"JSON syntax error: {error.msg}", error.lineno, error.colno) from None
            raise InputError(f"JSON-LD error: {error}") from None
        except RecursionError:
            raise
        except Exception as error:
            raise InputError(f"JSON-LD error: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    elif fmt == "xml":
        match = _DOCTYPE.search(text)
        if match:
            line, column = _line_column(text, match.start())
            raise InputError("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entities could read files or expand without bound)", line, column)
        graph = _parse_rdf(text, "xml")
    elif fmt == "nt":
        graph = _parse_ntriples(text)
    elif fmt == "turtle":
        graph = _parse_rdf(text, fmt)
    else:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
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
