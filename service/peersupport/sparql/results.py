"""Serialising query results in the SPARQL 1.1 result formats (JSON, XML, CSV, TSV) and graph
results in RDF formats, with a cap on rows or triples. Kept free of rdflib so that query worker
processes start fast.

Solutions of a query already limited to one row past the cap are written by Oxigraph itself
(JSON, XML), about as fast as reading them into Python, and the extra row, if any, is then cut
from the bytes; other results are written here, row by row (CSV and TSV too: Oxigraph's short
Turtle forms such as ``44`` for an integer would make them differ from query to query)."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

SELECT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "application/json", "application/xml"]
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
_RDF_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
                "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_CANONICAL_BOOLEANS = {"1": ox.Literal("true", datatype=_XSD_BOOLEAN), "0": ox.Literal("false", datatype=_XSD_BOOLEAN)}


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        entry = {"type": "literal", "value": term.value}
        if term.language:
            entry["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            entry["datatype"] = term.datatype.value
        return entry
    return {"type": "triple", "value": {"subject": _term_json(term.subject), "predicate": _term_json(term.predicate),
                                         "object": _term_json(term.object)}}


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}</predicate>"
            f"<object>{_term_xml(term.object)}</object></triple>")


def _term_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def canonical_boolean(term):
    """``term``, with a boolean written ``1`` or ``0`` (Virtuoso's only forms of a boolean) in the
    canonical form ``true`` or ``false`` of XML Schema: the same value, written as the embedded store
    writes it, so that an answer reads the same whatever the engine."""
    if isinstance(term, ox.Literal) and term.datatype == _XSD_BOOLEAN:
        return _CANONICAL_BOOLEANS.get(term.value, term)
    return term


def collect_rows(solutions, max_rows: int, canonical: bool = False) -> tuple[list[str], list[list], bool]:
    """(variables, rows, truncated): at most ``max_rows`` rows, booleans in their canonical form
    if ``canonical``."""
    variables = [v.value for v in solutions.variables]
    rows, truncated = [], False
    for solution in solutions:
        if len(rows) == max_rows:
            truncated = True
            break
        row = [solution[v] for v in variables]
        rows.append([canonical_boolean(t) for t in row] if canonical else row)
    return variables, rows, truncated


def select_bytes(variables: list[str], rows: list[list], media_type: str) -> bytes:
    if media_type in ("application/sparql-results+json", "application/json"):
        bindings = [{v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if media_type in ("application/sparql-results+xml", "application/xml"):
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        body = "".join(
            "<result>" + "".join(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>" for v, t in zip(variables, row) if t is not None) + "</result>"
            for row in rows
        )
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{head}</head><results>{body}</results></sparql>\n").encode()
    if media_type == "text/csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_term_csv(t) for t in row] for row in rows)
        return out.getvalue().encode()
    if media_type == "text/tab-separated-values":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(media_type)


_OXIGRAPH_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                     "application/json": ox.QueryResultsFormat.JSON,
                     "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                     "application/xml": ox.QueryResultsFormat.XML}


def written_by_oxigraph(media_type: str) -> bool:
    return media_type in _OXIGRAPH_FORMATS


def limited_select_bytes(solutions, media_type: str, max_rows: int) -> tuple[bytes, bool]:
    """(body, truncated): ``solutions`` (at most ``max_rows`` + 1 of them: the query was limited)
    written by Oxigraph in ``media_type``, without the row past the cap."""
    body = solutions.serialize(format=_OXIGRAPH_FORMATS[media_type])
    if _OXIGRAPH_FORMATS[media_type] == ox.QueryResultsFormat.XML:
        # "<" is escaped in XML text and attributes, so every "<result>" opens a row.
        if body.count(b"<result>") <= max_rows:
            return body, False
        return body[:body.rindex(b"<result>")] + b"</results></sparql>", True
    return _limited_json(body, max_rows)


def _limited_json(body: bytes, max_rows: int) -> tuple[bytes, bool]:
    # A quote inside a JSON string is escaped, so '},{"' only ever separates two rows that each
    # bind something. With an empty row ("{}"), or a "{}" in some value, the body is parsed.
    if b"{}" in body:
        results = json.loads(body)
        bindings = results["results"]["bindings"]
        if len(bindings) <= max_rows:
            return body, False
        results["results"]["bindings"] = bindings[:max_rows]
        return json.dumps(results, ensure_ascii=False).encode(), True
    rows = 0 if body.endswith(b'"bindings":[]}}') else body.count(b'},{"') + 1
    if rows <= max_rows:
        return body, False
    return body[:body.rindex(b'},{"') + 1] + b"]}}", True


def ask_bytes(answer: bool, media_type: str) -> bytes:
    if media_type in ("application/sparql-results+json", "application/json"):
        return json.dumps({"head": {}, "boolean": answer}).encode()
    if media_type in ("application/sparql-results+xml", "application/xml"):
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if answer else 'false'}</boolean></sparql>\n").encode()
    # CSV/TSV have no boolean form in the standard; the common practice is one cell.
    return ("_askResult\r\n" if media_type == "text/csv" else "?_askResult\n").encode() + (b"true\n" if answer else b"false\n")


def graph_bytes(triples: list, media_type: str) -> bytes:
    return ox.serialize(triples, format=_RDF_FORMATS[media_type]) or b""
