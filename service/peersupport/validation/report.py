"""Renderings of a validation report: terminal text (grouped by organisation, then role), JSON,
Turtle (a SHACL ``sh:ValidationReport``) and a standalone HTML page.

In the Turtle rendering ``sh:conforms`` follows the SHACL specification (false when there is any
result); everywhere else "conforms" means no violation, warnings and infos being advice.
"""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from peersupport.validation.validate import Report, Result
from peersupport.vocabulary.graph import ORG, PS, bind_prefixes

OUTPUTS = ("text", "json", "turtle", "html")
EVIDENCE = (PS.roleHolderReceivesSupport, PS.sharedDecisionMaking, PS.mutualAgreement, PS.participationMode,
            PS.canDecline, PS.consentAsked, PS.livedExperienceRequired, PS.nonClinical, PS.guidesOthersLearning,
            PS.decisionAuthority, PS.remunerationBasis)
_SEVERITY_WORDS = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_COLOURS = {SH.Violation: "\033[31m", SH.Warning: "\033[33m", SH.Info: "\033[36m"}
_WORDS = {
    "en": {"organisation": "Organisation", "none": "Roles without an organisation", "reads": "reads as",
           "undetermined": "undetermined (evidence missing)", "ok": "no problems found", "evidence": "evidence",
           "summary": "{v} violations, {w} warnings, {i} infos", "conforms": "conforms: no violations",
           "fails": "does not conform"},
    "fr": {"organisation": "Organisation", "none": "Rôles sans organisation", "reads": "se lit comme",
           "undetermined": "indéterminé (éléments manquants)", "ok": "aucun problème", "evidence": "éléments",
           "summary": "{v} violations, {w} avertissements, {i} informations", "conforms": "conforme : aucune violation",
           "fails": "non conforme"},
}


def _short(node) -> str:
    text = str(node)
    return text[len(str(PS)):] if text.startswith(str(PS)) else text


def _term(node) -> str:
    """A value as a person reads it: vocabulary terms by name, booleans as yes/no."""
    if isinstance(node, Literal) and isinstance(node.toPython(), bool):
        return "yes" if node.toPython() else "no"
    return _short(node)


def _column_hint(result: Result) -> str:
    """For spreadsheet users: the template column that holds the result's path, if any."""
    from peersupport.validation.spreadsheet import COLUMNS

    names = [c.name for c in COLUMNS if c.predicate is not None and c.predicate == result.path and c.subject == "role"]
    return f" [column {names[0]}]" if names else ""


def reading_name(reading, lang: str) -> str:
    return _short(reading.reads_as) if reading and reading.reads_as else _WORDS[lang]["undetermined"]


def evidence(report: Report, role: URIRef) -> dict[str, str]:
    return {_short(p): _term(v) for p in EVIDENCE for v in report.data.objects(role, p)}


def _groups(report: Report):
    """(organisation or None, [(role or None, [results])]) in a stable order."""
    roles = report.roles()
    organisation_of = {role: report.data.value(role, ORG.postIn) for role in roles}
    organisations = sorted({o for o in organisation_of.values() if o is not None}
                           | set(report.data.subjects(RDF.type, ORG.Organization)), key=str)
    by_focus = defaultdict(list)
    for result in report.results:
        by_focus[result.focus].append(result)
    groups = []
    for organisation in [*organisations, None]:
        members = [r for r in roles if organisation_of[r] == organisation]
        entries = ([(None, by_focus.pop(organisation, []))] if organisation is not None else [])
        entries += [(role, by_focus.pop(role, [])) for role in members]
        if organisation is not None or members:
            groups.append((organisation, entries))
    leftovers = [(focus, results) for focus, results in sorted(by_focus.items(), key=lambda kv: str(kv[0]))]
    if leftovers:
        groups.append((None, leftovers))
    return groups


def to_text(report: Report, lang: str = "en", colour: bool = False) -> str:
    words = _WORDS[lang]
    reset, bold = ("\033[0m", "\033[1m") if colour else ("", "")
    lines = []
    for organisation, entries in _groups(report):
        title = f"{words['organisation']}: {report.label(organisation)}" if organisation is not None else words["none"]
        lines.append(f"{bold}{title}{reset}")
        for focus, results in entries:
            indent = "  "
            if focus is not None:
                lines.append(f"  {bold}{report.label(focus)}{reset} <{focus}>")
                reading = report.readings.get(str(focus))
                if report.readings:
                    lines.append(f"    {words['reads']}: {reading_name(reading, lang)}")
                facts = evidence(report, focus)
                if facts:
                    lines.append(f"    {words['evidence']}: " + ", ".join(f"{k}={v}" for k, v in facts.items()))
                indent = "    "
            for result in results:
                tint = _COLOURS.get(result.severity, "") if colour else ""
                lines.append(f"{indent}{tint}{_SEVERITY_WORDS.get(result.severity, 'result')}{reset}{_column_hint(result)}: {result.message(lang)}")
            if not results and focus is not None:
                lines.append(f"{indent}{words['ok']}")
        lines.append("")
    summary = words["summary"].format(v=report.count(SH.Violation), w=report.count(SH.Warning), i=report.count(SH.Info))
    lines.append(f"{words['conforms'] if report.conforms else words['fails']} ({summary})")
    if report.reasoning_note:
        lines.append(report.reasoning_note)
    return "\n".join(lines) + "\n"


def _result_json(report: Report, result: Result, lang: str) -> dict:
    return {
        "focus": str(result.focus), "focus_label": report.label(result.focus),
        "path": str(result.path) if result.path else None,
        "path_label": result.path_label or None,
        "column": _column_hint(result)[len(" [column "):-1] or None,
        "value": str(result.value) if result.value is not None else None,
        "severity": _SEVERITY_WORDS.get(result.severity, str(result.severity)),
        "message": result.message(lang), "source_shape": str(result.source_shape),
        "constraint_component": str(result.component),
    }


def to_json(report: Report, lang: str = "en") -> str:
    roles = []
    for role in report.roles():
        reading = report.readings.get(str(role))
        organisation = report.data.value(role, ORG.postIn)
        roles.append({
            "role": str(role), "label": report.label(role),
            "organisation": str(organisation) if organisation is not None else None,
            "reads_as": reading.reads_as if reading else None,
            "evidence": evidence(report, role),
        })
    document = {
        "conforms": report.conforms,
        "counts": {"violations": report.count(SH.Violation), "warnings": report.count(SH.Warning), "infos": report.count(SH.Info)},
        "roles": roles,
        "results": [_result_json(report, r, lang) for r in report.results],
        "reasoning_note": report.reasoning_note,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_graph(report: Report) -> Graph:
    graph = bind_prefixes(Graph())
    graph.bind("sh", SH)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(not report.results)))
    for result in report.results:
        entry = BNode()
        graph.add((node, SH.result, entry))
        graph.add((entry, RDF.type, SH.ValidationResult))
        graph.add((entry, SH.focusNode, result.focus))
        graph.add((entry, SH.resultSeverity, result.severity))
        graph.add((entry, SH.sourceConstraintComponent, result.component))
        graph.add((entry, SH.sourceShape, result.source_shape))
        if result.path is not None:
            graph.add((entry, SH.resultPath, result.path))
        if result.value is not None:
            graph.add((entry, SH.value, result.value))
        for lang, message in result.messages.items():
            graph.add((entry, SH.resultMessage, Literal(message, lang=lang)))
    return graph


def to_turtle(report: Report) -> str:
    return to_graph(report).serialize(format="turtle")


def to_html(report: Report, lang: str = "en") -> str:
    words = _WORDS[lang]
    parts = []
    for organisation, entries in _groups(report):
        title = f"{words['organisation']}: {report.label(organisation)}" if organisation is not None else words["none"]
        parts.append(f"<section class=\"organisation\"><h2>{escape(title)}</h2>")
        for focus, results in entries:
            if focus is not None:
                reading = report.readings.get(str(focus))
                parts.append(f'<article class="role" data-role="{escape(str(focus))}"><h3>{escape(report.label(focus))}</h3>')
                if report.readings:
                    parts.append(f'<p class="reading">{escape(words["reads"])}: <strong>{escape(reading_name(reading, lang))}</strong></p>')
            items = "".join(
                f'<li class="{_SEVERITY_WORDS.get(r.severity, "result")}"><span class="severity">'
                f'{_SEVERITY_WORDS.get(r.severity, "result")}</span> {escape(r.message(lang))}</li>'
                for r in results
            )
            parts.append(f"<ul class=\"results\">{items}</ul>" if items else f'<p class="ok">{escape(words["ok"])}</p>')
            if focus is not None:
                parts.append("</article>")
        parts.append("</section>")
    summary = words["summary"].format(v=report.count(SH.Violation), w=report.count(SH.Warning), i=report.count(SH.Info))
    verdict = words["conforms"] if report.conforms else words["fails"]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Validation report</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
        ".violation .severity{color:#b00020;font-weight:bold}.warning .severity{color:#8a5a00;font-weight:bold}"
        ".info .severity{color:#005a8a;font-weight:bold}</style></head><body>"
        f'<h1>Validation report</h1><p class="verdict">{escape(verdict)} ({escape(summary)})</p>'
        f"{''.join(parts)}</body></html>\n"
    )


def render(report: Report, output: str, lang: str = "en", colour: bool = False) -> str:
    if output == "json":
        return to_json(report, lang)
    if output == "turtle":
        return to_turtle(report)
    if output == "html":
        return to_html(report, lang)
    return to_text(report, lang, colour)
