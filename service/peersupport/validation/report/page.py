"""The report as plain values for the page template ``web/templates/report.html`` (``view``), and
as a page to keep as a file (``to_html``). Each message is cut into its lead, what is wrong, and
its "Why:" and "Fix:" parts, and each part into text and citations of the sources (linked to
``/sources/{id}`` on the service); each result says where it is in the input and what to change."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from peersupport.validation.report.advice import fix
from peersupport.validation.report.citations import pieces
from peersupport.validation.report.common import (EVIDENCE, SEVERITY_WORDS, WORDS, by_mark, column, counts, group_title,
                                                  groups, local, names_a_value, short, tally, term)
from peersupport.validation.report.summary import summary
from peersupport.validation.validate import Report, Result
from peersupport.validation.verdict import Verdict
from peersupport.vocabulary import docs
from rdflib.namespace import ORG, RDF

# Names for the terms from outside the vocabulary that implied evidence follows from.
_OUTSIDE_NAMES = {RDF.type: {"en": "kind", "fr": "type"}, ORG.postIn: {"en": "organisation", "fr": "organisation"},
                  ORG.organization: {"en": "organisation", "fr": "organisation"}, ORG.role: {"en": "role kind", "fr": "type de rôle"}}
_PARTS = re.compile(r"\s((?:Why|Fix|Pourquoi|Correction)\s?:)\s")
_LEAD = re.compile(r"^(.{1,60}?)(\s?:\s)(.*)$", re.S)


def _message_view(message: str) -> dict:
    """A shape's message cut where it says so: a lead ("Not voluntary"), what is wrong, then its
    "Why:" and "Fix:" parts with their own words (en or fr); a message without them stays whole.
    Texts come as ``pieces`` (text and citations)."""
    cut = _PARTS.split(message)
    text, parts = cut[0], [{"label": cut[i], "text": pieces(cut[i + 1])} for i in range(1, len(cut) - 1, 2)]
    lead = _LEAD.match(text) if parts else None
    if lead:
        return {"lead": lead[1], "separator": lead[2], "text": pieces(lead[3]), "parts": parts}
    return {"lead": "", "separator": "", "text": pieces(text), "parts": parts}


def _result_view(report: Report, result: Result, lang: str, origin) -> dict:
    return {"severity": SEVERITY_WORDS.get(result.severity, "result"), "column": column(result),
            "path": result.path_label or None, "mark": result.mark, "status": result.status,
            "fix": fix(report, origin, result, lang), **_message_view(result.message(lang))}


def _view_value(vocabulary, value, lang: str) -> str:
    return term(value) if isinstance(value, Literal) else docs.label(vocabulary, value, lang)


def _ground_view(report: Report, vocabulary, statement, role, lang: str) -> str:
    """A statement an implied one follows from, in the vocabulary's words."""
    subject, predicate, value = statement
    shown = _view_value(vocabulary, value, lang) if names_a_value(value) else report.label(value)
    name = _OUTSIDE_NAMES.get(predicate, {}).get(lang) or docs.label(vocabulary, predicate, lang)
    return f"{name} = {shown}" if subject == role else f"{report.label(subject)}{WORDS[lang]['colon']}{name} = {shown}"


def _verdict_view(report: Report, verdict: Verdict | None, results: list[Result], lang: str, origin) -> dict | None:
    """The role's verdict, and per mark its status with the results about it; the results about
    no mark (concerns, unreadable values of other properties) last."""
    if verdict is None:
        return None
    words = WORDS[lang]
    vocabulary = docs.shared_vocabulary()
    codes = {m.mark.code for m in verdict.marks}
    return {"outcome": verdict.outcome, "label": words["outcomes"][verdict.outcome],
            "claims": words["claims"] if verdict.claims_peer_support else words["no_claim"],
            "marks": [{"code": m.mark.code, "label": m.mark.label(lang), "status": m.status,
                       "status_label": words["statuses"][m.status],
                       "results": [_result_view(report, r, lang, origin) for r in results if r.mark == m.mark.code],
                       "implied": [{"name": docs.label(vocabulary, e.statement[1], lang),
                                    "value": _view_value(vocabulary, e.statement[2], lang),
                                    "because": ", ".join(_ground_view(report, vocabulary, g, verdict.role, lang) for g in e.grounds)}
                                   for e in m.evidence if e.inferred]}
                      for m in verdict.marks],
            "other": [_result_view(report, r, lang, origin) for r in by_mark(results) if r.mark not in codes]}


def _reading_view(report: Report, role: URIRef, lang: str) -> dict | None:
    """What the reasoner read the role as, by the vocabulary's label (None: not classified)."""
    if not report.readings:
        return None
    reading = report.readings.get(str(role))
    if reading is None or not reading.reads_as:
        return {"label": WORDS[lang]["undetermined"], "id": None}
    return {"label": docs.label(docs.shared_vocabulary(), URIRef(reading.reads_as), lang), "id": short(reading.reads_as)}


def _evidence_view(report: Report, role: URIRef, lang: str) -> list[dict]:
    """The data's answers to the questions the shapes ask, named as the vocabulary names them."""
    vocabulary = docs.shared_vocabulary()
    return [{"name": docs.label(vocabulary, p, lang), "value": _view_value(vocabulary, v, lang)}
            for p in EVIDENCE for v in report.data.objects(role, p)]


def view(report: Report, lang: str = "en", origin=None) -> dict:
    """The report as plain values for ``report.html``: the summary in words, the verdict and
    counts, then the results grouped by organisation (its own results, then its roles with
    their row and role_id in the spreadsheet, what each reads as, its marks and results)."""
    words = WORDS[lang]
    rows = getattr(origin, "rows", {}) if origin is not None and getattr(origin, "spreadsheet", False) else {}
    found = []
    for organisation, entries in groups(report):
        group = {"title": group_title(report, organisation, words), "results": [], "roles": []}
        for focus, results in entries:
            if focus is None:
                group["results"] = [_result_view(report, r, lang, origin) for r in results]
                continue
            # A spreadsheet's role is named by its row and role_id (the IRI is made from it).
            group["roles"].append({"iri": str(focus), "label": report.label(focus), "row": rows.get(focus),
                                   "id": local(focus) if focus in rows else None,
                                   "results": [_result_view(report, r, lang, origin) for r in by_mark(results)],
                                   "verdict": _verdict_view(report, report.verdicts.get(focus), results, lang, origin),
                                   "reading": _reading_view(report, focus, lang),
                                   "evidence": _evidence_view(report, focus, lang)})
        found.append(group)
    return {"conforms": report.conforms, "verdict": words["conforms"] if report.conforms else words["fails"],
            "summary": tally(report, words), "said": summary(report, lang), "counts": counts(report), "groups": found,
            "note": report.reasoning_note, "roles": len(report.roles()), "words": words,
            # None: how the input was read is not known (both the column and the property are named)
            "spreadsheet": None if origin is None else bool(getattr(origin, "spreadsheet", False))}


def to_html(report: Report, lang: str = "en", origin=None) -> str:
    """The report as a page to keep (``peersupport validate --output html``): the site's layout and
    stylesheet, without links that only work on the service. The service renders the same
    template with ``view`` for its own report page."""
    from peersupport.web.documentation import standalone

    return standalone("report.html", lang, **view(report, lang, origin))
