"""The report for programs: JSON (the summary, every role with its verdict and marks, every
result with where it is in the input and the fix), Turtle (a SHACL ``sh:ValidationReport``; its
``sh:conforms`` follows the specification: false when there is any result), and CSV with one
row per problem, to work through when fixing a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, SH

from peersupport.validation.report.advice import fix
from peersupport.validation.report.citations import spelled
from peersupport.validation.report.common import SEVERITY_WORDS, by_mark, column, counts, evidence, result_grounds
from peersupport.validation.report.summary import summary
from peersupport.validation.validate import Report, Result
from peersupport.validation.verdict import Evidence, Verdict
from peersupport.vocabulary.graph import ORG, bind_prefixes

CSV_COLUMNS = ("role", "role_label", "row", "column", "mark", "status", "severity", "message", "fix")


def _value(node):
    return node.toPython() if isinstance(node, Literal) else str(node)


def result_json(report: Report, result: Result, lang: str, origin) -> dict:
    found = fix(report, origin, result, lang)
    return {
        "focus": str(result.focus), "focus_label": report.label(result.focus),
        "path": str(result.path) if result.path else None,
        "path_label": result.path_label or None,
        "column": column(result), "row": found["row"], "column_letter": found["letter"],
        "value": str(result.value) if result.value is not None else None,
        "severity": SEVERITY_WORDS.get(result.severity, str(result.severity)),
        "mark": result.mark, "status": result.status,
        "message": result.message(lang), "fix": found["text"], "turtle": found["turtle"],
        "source_shape": str(result.source_shape),
        "constraint_component": str(result.component),
        "implied_by": [{"subject": str(s), "property": str(p), "value": _value(o)} for s, p, o in result_grounds(report, result)],
    }


def _evidence_json(item: Evidence) -> dict:
    return {"property": str(item.statement[1]), "value": _value(item.statement[2]),
            "implied_by": [{"subject": str(s), "property": str(p), "value": _value(o)} for s, p, o in item.grounds]}


def _verdict_json(verdict: Verdict | None) -> dict:
    if verdict is None:
        return {"claims_peer_support": None, "verdict": None, "marks": []}
    return {"claims_peer_support": verdict.claims_peer_support, "verdict": verdict.outcome,
            "marks": [{"mark": m.mark.code, "status": m.status, "evidence": [_evidence_json(e) for e in m.evidence]}
                      for m in verdict.marks]}


def role_json(report: Report, role, origin) -> dict:
    reading = report.readings.get(str(role))
    organisation = report.data.value(role, ORG.postIn)
    return {
        "role": str(role), "label": report.label(role),
        "organisation": str(organisation) if organisation is not None else None,
        "row": (origin.rows.get(role) if origin is not None and getattr(origin, "spreadsheet", False) else None),
        **_verdict_json(report.verdicts.get(role)),
        "reads_as": reading.reads_as if reading else None,
        "evidence": evidence(report, role),
    }


def json_document(conforms: bool, found: dict, said: dict, roles: list, results: list, reasoning_note, engine: str,
                  engine_note) -> dict:
    """The JSON report's document, from its parts (``found``: ``common.counts``; ``said``: ``summary``)."""
    return {
        "conforms": conforms,
        "counts": found,
        "summary": {"text": " ".join(s for s in (said["checked"], said["outcomes"]) if s), **said["tally"]},
        "roles": roles,
        "results": results,
        "reasoning_note": reasoning_note,
        "shacl_engine": {"name": engine, "note": engine_note},
    }


def to_json(report: Report, lang: str = "en", origin=None) -> str:
    document = json_document(report.conforms, counts(report), summary(report, lang),
                             [role_json(report, role, origin) for role in report.roles()],
                             [result_json(report, r, lang, origin) for r in report.results],
                             report.reasoning_note, report.engine, report.engine_note)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def csv_rows(report: Report, results: list[Result], lang: str, origin) -> list[list]:
    """The CSV rows of ``results``: roles in the order of their rows, each role's problems in the marks' order."""
    rows = getattr(origin, "rows", {}) if origin is not None else {}
    found_rows = []
    for result in sorted(by_mark(results), key=lambda r: (rows.get(r.focus, 10**9), str(r.focus))):
        found = fix(report, origin, result, lang)
        where = found["column"] or (result.path_label or "")
        if found["letter"]:
            where = f"{where} ({found['letter']})"
        found_rows.append([str(result.focus), report.label(result.focus), found["row"] or "", where, result.mark,
                           result.status, SEVERITY_WORDS.get(result.severity, "result"), spelled(result.message(lang)),
                           (found["text"] or "").replace("`", "")])
    return found_rows


def csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def to_csv(report: Report, lang: str = "en", origin=None) -> str:
    """One row per problem (role, row, column, mark, status, severity, message, fix), roles in
    the order of their rows, each role's problems in the marks' order."""
    return csv_text([list(CSV_COLUMNS)] + csv_rows(report, report.results, lang, origin))


def report_statements(conforms: bool, engine: str, engine_note) -> list[tuple]:
    """(predicate, object) of the ``sh:ValidationReport`` node: ``conforms`` as SHACL says (no result at all)."""
    # Which engine validated (and why pySHACL, when it did), as a comment a person reads.
    return [(RDF.type, SH.ValidationReport), (SH.conforms, Literal(conforms)),
            (RDFS.comment, Literal(f"validated by the {engine} SHACL engine" + (f": {engine_note}" if engine_note else ""),
                                   lang="en"))]


def result_statements(result: Result) -> list[tuple]:
    """(predicate, object) of a result's ``sh:ValidationResult`` node."""
    statements = [(RDF.type, SH.ValidationResult), (SH.focusNode, result.focus), (SH.resultSeverity, result.severity),
                  (SH.sourceConstraintComponent, result.component), (SH.sourceShape, result.source_shape)]
    if result.path is not None:
        statements.append((SH.resultPath, result.path))
    if result.value is not None:
        statements.append((SH.value, result.value))
    return statements + [(SH.resultMessage, Literal(message, lang=lang)) for lang, message in result.messages.items()]


def report_graph() -> Graph:
    """An empty graph with the report's prefixes."""
    graph = bind_prefixes(Graph())
    graph.bind("sh", SH)
    return graph


def to_graph(report: Report) -> Graph:
    graph = report_graph()
    node = BNode()
    for predicate, value in report_statements(not report.results, report.engine, report.engine_note):
        graph.add((node, predicate, value))
    for result in report.results:
        entry = BNode()
        graph.add((node, SH.result, entry))
        for predicate, value in result_statements(result):
            graph.add((entry, predicate, value))
    return graph


def to_turtle(report: Report) -> str:
    return to_graph(report).serialize(format="turtle")
