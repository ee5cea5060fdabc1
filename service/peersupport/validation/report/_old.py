"""Renderings of a validation report: terminal text (grouped by organisation, then role, each
role with its verdict and its results grouped by mark), JSON, Turtle (a SHACL
``sh:ValidationReport``), and the plain values the HTML report page shows (``view``; the page
itself is the template ``web/templates/report.html``).

In the Turtle rendering ``sh:conforms`` follows the SHACL specification (false when there is any
result); everywhere else "conforms" means no violation, warnings and infos being advice.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from peersupport.validation.validate import Report, Result, shapes_graph
from peersupport.validation.verdict import Evidence, Verdict, grounds, marks
from peersupport.vocabulary import docs
from peersupport.vocabulary.graph import ORG, PS, bind_prefixes

OUTPUTS = ("text", "json", "turtle", "html")
EVIDENCE = (PS.roleHolderReceivesSupport, PS.sharedDecisionMaking, PS.mutualAgreement, PS.participationMode,
            PS.canDecline, PS.consentAsked, PS.livedExperienceRequired, PS.nonClinical, PS.guidesOthersLearning,
            PS.decisionAuthority, PS.remunerationBasis)
_SEVERITY_WORDS = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_SEVERITY_RANK = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
# Names for the terms from outside the vocabulary that implied evidence follows from.
_OUTSIDE_NAMES = {RDF.type: {"en": "kind", "fr": "type"}, ORG.postIn: {"en": "organisation", "fr": "organisation"},
                  ORG.organization: {"en": "organisation", "fr": "organisation"}, ORG.role: {"en": "role kind", "fr": "type de rôle"}}
_COLOURS = {SH.Violation: "\033[31m", SH.Warning: "\033[33m", SH.Info: "\033[36m"}
_WORDS = {
    "en": {"organisation": "Organisation", "none": "Roles without an organisation", "reads": "reads as",
           "undetermined": "undetermined (evidence missing)", "ok": "no problems found", "evidence": "evidence",
           "summary": "{v} violations, {w} warnings, {i} infos", "conforms": "conforms: no violations",
           "fails": "does not conform", "colon": ": ", "verdict": "verdict", "claims": "claims peer support",
           "no_claim": "does not claim peer support", "because": "from", "implied": "implied", "other": "other advice",
           "outcomes": {"peer-support": "peer support", "not-peer-support": "not peer support",
                        "inconsistent": "no verdict: the evidence contradicts itself",
                        "undetermined": "no verdict yet: some marks are not recorded"},
           "statuses": {"shown": "shown", "not-recorded": "not recorded", "contradicted": "contradicted"}},
    "fr": {"organisation": "Organisation", "none": "Rôles sans organisation", "reads": "se lit comme",
           "undetermined": "indéterminé (éléments manquants)", "ok": "aucun problème", "evidence": "éléments",
           "summary": "{v} violations, {w} avertissements, {i} informations", "conforms": "conforme : aucune violation",
           "fails": "non conforme", "colon": " : ", "verdict": "verdict", "claims": "se dit soutien par les pairs",
           "no_claim": "ne se dit pas soutien par les pairs", "because": "d’après", "implied": "déduit", "other": "autres conseils",
           "outcomes": {"peer-support": "soutien par les pairs", "not-peer-support": "pas du soutien par les pairs",
                        "inconsistent": "pas de verdict : les éléments se contredisent",
                        "undetermined": "pas encore de verdict : des marques ne sont pas renseignées"},
           "statuses": {"shown": "établi", "not-recorded": "non renseigné", "contradicted": "contredit"}},
}


def _short(node) -> str:
    text = str(node)
    return text[len(str(PS)):] if text.startswith(str(PS)) else text


def _term(node) -> str:
    """A value as a person reads it: vocabulary terms by name, booleans as yes/no."""
    if isinstance(node, Literal) and isinstance(node.toPython(), bool):
        return "yes" if node.toPython() else "no"
    return _short(node)


def column(result: Result) -> str | None:
    """For spreadsheet users: the template column that holds the result's path, if any."""
    from peersupport.validation.spreadsheet import COLUMNS

    names = [c.name for c in COLUMNS if c.predicate is not None and c.predicate == result.path and c.subject == "role"]
    return names[0] if names else None


def reading_name(reading, lang: str) -> str:
    return _short(reading.reads_as) if reading and reading.reads_as else _WORDS[lang]["undetermined"]


def evidence(report: Report, role: URIRef) -> dict[str, str]:
    return {_short(p): _term(v) for p in EVIDENCE for v in report.data.objects(role, p)}


def _local(node) -> str:
    """A vocabulary term by its local name (``org:postIn`` -> ``postIn``)."""
    return re.split(r"[/#]", str(node))[-1] if isinstance(node, URIRef) else _term(node)


def _fact(report: Report, statement, role) -> str:
    """A statement as ``property=value`` (a type as ``a=Class``), with its subject's label when it
    is not about ``role`` (the role's organisation, say)."""
    subject, predicate, value = statement
    name = "a" if predicate == RDF.type else _local(predicate)
    shown = _term(value) if isinstance(value, Literal) or str(value).startswith(str(PS)) else report.label(value)
    return (f"{name}={shown}" if subject == role else f"{report.label(subject)}: {name}={shown}")


def _implied(verdict: Verdict) -> list[Evidence]:
    """The evidence the vocabulary implies for the role's marks (stated evidence is listed already)."""
    return [e for reading in verdict.marks for e in reading.evidence if e.inferred]


def _mark_order() -> dict[str, int]:
    return {mark.code: index for index, mark in enumerate(marks(shapes_graph()))}


def _by_mark(results: list[Result]) -> list[Result]:
    """A role's results in the marks' order (reciprocal, voluntary, ...), then concerns and the rest."""
    order = _mark_order()
    return sorted(results, key=lambda r: (order.get(r.mark, len(order)), r.mark, _SEVERITY_RANK.get(r.severity, 9)))


def _verdict_line(verdict: Verdict, words: dict) -> str:
    claim = words["claims"] if verdict.claims_peer_support else words["no_claim"]
    return f"{words['verdict']}{words['colon']}{words['outcomes'][verdict.outcome]} ({claim})"


def _marks_line(verdict: Verdict, lang: str) -> str:
    words = _WORDS[lang]
    return " · ".join(f"{m.mark.label(lang)}{words['colon']}{words['statuses'][m.status]}" for m in verdict.marks)


def _counts(report: Report) -> dict[str, int]:
    return {"violations": report.count(SH.Violation), "warnings": report.count(SH.Warning), "infos": report.count(SH.Info)}


def _summary(report: Report, words: dict) -> str:
    counts = _counts(report)
    return words["summary"].format(v=counts["violations"], w=counts["warnings"], i=counts["infos"])


def _group_title(report: Report, organisation, words: dict) -> str:
    return f"{words['organisation']}{words['colon']}{report.label(organisation)}" if organisation is not None else words["none"]


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
        lines.append(f"{bold}{_group_title(report, organisation, words)}{reset}")
        for focus, results in entries:
            indent = "  "
            if focus is not None:
                lines.append(f"  {bold}{report.label(focus)}{reset} <{focus}>")
                verdict = report.verdicts.get(focus)
                if verdict is not None:
                    lines.append(f"    {_verdict_line(verdict, words)}")
                    lines.append(f"    {_marks_line(verdict, lang)}")
                reading = report.readings.get(str(focus))
                if report.readings:
                    lines.append(f"    {words['reads']}{words['colon']}{reading_name(reading, lang)}")
                facts = evidence(report, focus)
                if facts:
                    lines.append(f"    {words['evidence']}{words['colon']}" + ", ".join(f"{k}={v}" for k, v in facts.items()))
                for implied in _implied(verdict) if verdict is not None else []:
                    grounds = ", ".join(_fact(report, g, focus) for g in implied.grounds)
                    lines.append(f"    {words['implied']}{words['colon']}{_fact(report, implied.statement, focus)} ({words['because']} {grounds})")
                indent = "    "
                results = _by_mark(results)
            for result in results:
                tint = _COLOURS.get(result.severity, "") if colour else ""
                where = f" [column {column(result)}]" if column(result) else ""
                grounds = _result_grounds(report, result)
                if grounds:
                    where += f" [{_fact(report, (result.focus, result.path, result.value), result.focus)}, {words['because']} " \
                             f"{', '.join(_fact(report, g, result.focus) for g in grounds)}]"
                lines.append(f"{indent}{tint}{_SEVERITY_WORDS.get(result.severity, 'result')}{reset}{where}: {result.message(lang)}")
            if not results and focus is not None:
                lines.append(f"{indent}{words['ok']}")
        lines.append("")
    lines.append(f"{words['conforms'] if report.conforms else words['fails']} ({_summary(report, words)})")
    if report.reasoning_note:
        lines.append(report.reasoning_note)
    return "\n".join(lines) + "\n"


def _result_grounds(report: Report, result: Result) -> tuple:
    """For a result about an implied value (consent not asked, implied by assigned participation):
    the stated statements it follows from; empty for a stated value."""
    if result.path is None or result.value is None:
        return ()
    return grounds(report.data, report.closure, (result.focus, result.path, result.value))


def _result_json(report: Report, result: Result, lang: str) -> dict:
    return {
        "focus": str(result.focus), "focus_label": report.label(result.focus),
        "path": str(result.path) if result.path else None,
        "path_label": result.path_label or None,
        "column": column(result),
        "value": str(result.value) if result.value is not None else None,
        "severity": _SEVERITY_WORDS.get(result.severity, str(result.severity)),
        "mark": result.mark, "status": result.status,
        "message": result.message(lang), "source_shape": str(result.source_shape),
        "constraint_component": str(result.component),
        "implied_by": [{"subject": str(s), "property": str(p), "value": o.toPython() if isinstance(o, Literal) else str(o)}
                       for s, p, o in _result_grounds(report, result)],
    }


def _evidence_json(item: Evidence) -> dict:
    value = item.statement[2]
    return {"property": str(item.statement[1]),
            "value": value.toPython() if isinstance(value, Literal) else str(value),
            "implied_by": [{"subject": str(s), "property": str(p), "value": o.toPython() if isinstance(o, Literal) else str(o)}
                           for s, p, o in item.grounds]}


def _verdict_json(verdict: Verdict | None) -> dict:
    if verdict is None:
        return {"claims_peer_support": None, "verdict": None, "marks": []}
    return {"claims_peer_support": verdict.claims_peer_support, "verdict": verdict.outcome,
            "marks": [{"mark": m.mark.code, "status": m.status, "evidence": [_evidence_json(e) for e in m.evidence]}
                      for m in verdict.marks]}


def to_json(report: Report, lang: str = "en") -> str:
    roles = []
    for role in report.roles():
        reading = report.readings.get(str(role))
        organisation = report.data.value(role, ORG.postIn)
        roles.append({
            "role": str(role), "label": report.label(role),
            "organisation": str(organisation) if organisation is not None else None,
            **_verdict_json(report.verdicts.get(role)),
            "reads_as": reading.reads_as if reading else None,
            "evidence": evidence(report, role),
        })
    document = {
        "conforms": report.conforms,
        "counts": _counts(report),
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


_PARTS = re.compile(r"\s((?:Why|Fix|Pourquoi|Correction)\s?:)\s")
_LEAD = re.compile(r"^(.{1,60}?)(\s?:\s)(.*)$", re.S)


def _message_view(message: str) -> dict:
    """A shape's message cut where it says so: a lead ("Not voluntary"), what is wrong, then its
    "Why:" and "Fix:" parts with their own words (en or fr); a message without them stays whole."""
    pieces = _PARTS.split(message)
    text, parts = pieces[0], [{"label": pieces[i], "text": pieces[i + 1]} for i in range(1, len(pieces) - 1, 2)]
    lead = _LEAD.match(text) if parts else None
    if lead:
        return {"lead": lead[1], "separator": lead[2], "text": lead[3], "parts": parts}
    return {"lead": "", "separator": "", "text": text, "parts": parts}


def _result_view(result: Result, lang: str) -> dict:
    return {"severity": _SEVERITY_WORDS.get(result.severity, "result"), "column": column(result),
            "path": result.path_label or None, "mark": result.mark, "status": result.status,
            **_message_view(result.message(lang))}


def _ground_view(report: Report, vocabulary, statement, role, lang: str) -> str:
    """A statement an implied one follows from, in the vocabulary's words."""
    subject, predicate, value = statement
    shown = _view_value(vocabulary, value, lang) if isinstance(value, Literal) or str(value).startswith(str(PS)) else report.label(value)
    name = _OUTSIDE_NAMES.get(predicate, {}).get(lang) or docs.label(vocabulary, predicate, lang)
    return f"{name} = {shown}" if subject == role else f"{report.label(subject)}{_WORDS[lang]['colon']}{name} = {shown}"


def _verdict_view(report: Report, verdict: Verdict | None, results: list[Result], lang: str) -> dict | None:
    """The role's verdict, and per mark its status with the results about it; the results about
    no mark (concerns, unreadable values of other properties) last."""
    if verdict is None:
        return None
    words = _WORDS[lang]
    vocabulary = docs.shared_vocabulary()
    codes = {m.mark.code for m in verdict.marks}
    return {"outcome": verdict.outcome, "label": words["outcomes"][verdict.outcome],
            "claims": words["claims"] if verdict.claims_peer_support else words["no_claim"],
            "marks": [{"code": m.mark.code, "label": m.mark.label(lang), "status": m.status,
                       "status_label": words["statuses"][m.status],
                       "results": [_result_view(r, lang) for r in results if r.mark == m.mark.code],
                       "implied": [{"name": docs.label(vocabulary, e.statement[1], lang),
                                    "value": _view_value(vocabulary, e.statement[2], lang),
                                    "because": ", ".join(_ground_view(report, vocabulary, g, verdict.role, lang) for g in e.grounds)}
                                   for e in m.evidence if e.inferred]}
                      for m in verdict.marks],
            "other": [_result_view(r, lang) for r in _by_mark(results) if r.mark not in codes]}


def _view_value(vocabulary, value, lang: str) -> str:
    return _term(value) if isinstance(value, Literal) else docs.label(vocabulary, value, lang)


def _reading_view(report: Report, role: URIRef, lang: str) -> dict | None:
    """What the reasoner read the role as, by the vocabulary's label (None: not classified)."""
    if not report.readings:
        return None
    reading = report.readings.get(str(role))
    if reading is None or not reading.reads_as:
        return {"label": _WORDS[lang]["undetermined"], "id": None}
    return {"label": docs.label(docs.shared_vocabulary(), URIRef(reading.reads_as), lang), "id": _short(reading.reads_as)}


def _evidence_view(report: Report, role: URIRef, lang: str) -> list[dict]:
    """The data's answers to the questions the shapes ask, named as the vocabulary names them."""
    vocabulary = docs.shared_vocabulary()
    return [{"name": docs.label(vocabulary, p, lang), "value": _view_value(vocabulary, v, lang)}
            for p in EVIDENCE for v in report.data.objects(role, p)]


def view(report: Report, lang: str = "en") -> dict:
    """The report as plain values for ``report.html``: the verdict and counts, then the results
    grouped by organisation (its own results, then its roles with what each reads as)."""
    words = _WORDS[lang]
    groups = []
    for organisation, entries in _groups(report):
        group = {"title": _group_title(report, organisation, words), "results": [], "roles": []}
        for focus, results in entries:
            items = [_result_view(r, lang) for r in results]
            if focus is None:
                group["results"] = items
            else:
                group["roles"].append({"iri": str(focus), "label": report.label(focus),
                                       "results": [_result_view(r, lang) for r in _by_mark(results)],
                                       "verdict": _verdict_view(report, report.verdicts.get(focus), results, lang),
                                       "reading": _reading_view(report, focus, lang),
                                       "evidence": _evidence_view(report, focus, lang)})
        groups.append(group)
    return {"conforms": report.conforms, "verdict": words["conforms"] if report.conforms else words["fails"],
            "summary": _summary(report, words), "counts": _counts(report), "groups": groups, "note": report.reasoning_note,
            "roles": len(report.roles()), "words": words}


def to_html(report: Report, lang: str = "en") -> str:
    """The report as a page to keep (``peersupport validate --output html``): the site's layout and
    stylesheet, without links that only work on the service. The service renders the same
    template with ``view`` for its own report page."""
    from peersupport.web.documentation import standalone

    return standalone("report.html", lang, **view(report, lang))


def render(report: Report, output: str, lang: str = "en", colour: bool = False) -> str:
    if output == "json":
        return to_json(report, lang)
    if output == "turtle":
        return to_turtle(report)
    if output == "html":
        return to_html(report, lang)
    return to_text(report, lang, colour)
