"""What every rendering of a report shares: its words in English and French, values as a person
reads them, the spreadsheet column of a result, results in the marks' order, and the report's
roles grouped by organisation."""

from __future__ import annotations

import re
from collections import defaultdict

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH

from peersupport.validation.validate import Report, Result, shapes_graph
from peersupport.validation.verdict import Evidence, Verdict, grounds, marks
from peersupport.vocabulary.graph import ORG, PS

EVIDENCE = (PS.roleHolderReceivesSupport, PS.sharedDecisionMaking, PS.mutualAgreement, PS.participationMode,
            PS.canDecline, PS.consentAsked, PS.livedExperienceRequired, PS.nonClinical, PS.guidesOthersLearning,
            PS.decisionAuthority, PS.remunerationBasis)
SEVERITY_WORDS = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
SEVERITY_RANK = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
COLOURS = {SH.Violation: "\033[31m", SH.Warning: "\033[33m", SH.Info: "\033[36m"}
WORDS = {
    "en": {"organisation": "Organisation", "none": "Roles without an organisation", "reads": "reads as",
           "undetermined": "undetermined (evidence missing)", "ok": "no problems found", "evidence": "evidence",
           "summary": "{v} violations, {w} warnings, {i} infos", "conforms": "conforms: no violations",
           "fails": "does not conform", "colon": ": ", "verdict": "verdict", "claims": "claims peer support",
           "no_claim": "does not claim peer support", "because": "from", "implied": "implied", "other": "other advice",
           "fix": "what to do", "column": "column", "row": "row",
           "outcomes": {"peer-support": "peer support", "not-peer-support": "not peer support",
                        "inconsistent": "no verdict: the evidence contradicts itself",
                        "undetermined": "no verdict yet: some marks are not recorded"},
           "statuses": {"shown": "shown", "not-recorded": "not recorded", "contradicted": "contradicted"}},
    "fr": {"organisation": "Organisation", "none": "Rôles sans organisation", "reads": "se lit comme",
           "undetermined": "indéterminé (éléments manquants)", "ok": "aucun problème", "evidence": "éléments",
           "summary": "{v} violations, {w} avertissements, {i} informations", "conforms": "conforme : aucune violation",
           "fails": "non conforme", "colon": " : ", "verdict": "verdict", "claims": "se dit soutien par les pairs",
           "no_claim": "ne se dit pas soutien par les pairs", "because": "d’après", "implied": "déduit", "other": "autres conseils",
           "fix": "que faire", "column": "colonne", "row": "ligne",
           "outcomes": {"peer-support": "soutien par les pairs", "not-peer-support": "pas du soutien par les pairs",
                        "inconsistent": "pas de verdict : les éléments se contredisent",
                        "undetermined": "pas encore de verdict : des marques ne sont pas renseignées"},
           "statuses": {"shown": "établi", "not-recorded": "non renseigné", "contradicted": "contredit"}},
}


def short(node) -> str:
    text = str(node)
    return text[len(str(PS)):] if text.startswith(str(PS)) else text


def term(node) -> str:
    """A value as a person reads it: vocabulary terms by name, booleans as yes/no."""
    if isinstance(node, Literal) and isinstance(node.toPython(), bool):
        return "yes" if node.toPython() else "no"
    return short(node)


def column_of(path) -> str | None:
    """The template column that holds a role's ``path``, if any."""
    from peersupport.validation.spreadsheet import COLUMNS

    names = [c.name for c in COLUMNS if c.predicate is not None and c.predicate == path and c.subject == "role"]
    return names[0] if names else None


def column(result: Result) -> str | None:
    """For spreadsheet users: the template column that holds the result's path, if any."""
    return column_of(result.path)


def reading_name(reading, lang: str) -> str:
    return short(reading.reads_as) if reading and reading.reads_as else WORDS[lang]["undetermined"]


def evidence(report: Report, role: URIRef) -> dict[str, str]:
    return {short(p): term(v) for p in EVIDENCE for v in report.data.objects(role, p)}


def local(node) -> str:
    """A vocabulary term by its local name (``org:postIn`` -> ``postIn``)."""
    return re.split(r"[/#]", str(node))[-1] if isinstance(node, URIRef) else term(node)


def names_a_value(node) -> bool:
    """Whether ``node`` is a value (a literal or a vocabulary term) rather than a resource of the
    data (an organisation), which is shown by its label."""
    return isinstance(node, Literal) or str(node).startswith(str(PS))


def fact(report: Report, statement, role) -> str:
    """A statement as ``property=value`` (a type as ``a=Class``), with its subject's label when it
    is not about ``role`` (the role's organisation, say)."""
    subject, predicate, value = statement
    name = "a" if predicate == RDF.type else local(predicate)
    shown = term(value) if names_a_value(value) else report.label(value)
    return (f"{name}={shown}" if subject == role else f"{report.label(subject)}: {name}={shown}")


def implied(verdict: Verdict) -> list[Evidence]:
    """The evidence the vocabulary implies for the role's marks (stated evidence is listed already)."""
    return [e for reading in verdict.marks for e in reading.evidence if e.inferred]


def _mark_order() -> dict[str, int]:
    return {mark.code: index for index, mark in enumerate(marks(shapes_graph()))}


def by_mark(results: list[Result]) -> list[Result]:
    """A role's results in the marks' order (reciprocal, voluntary, ...), then concerns and the rest."""
    order = _mark_order()
    return sorted(results, key=lambda r: (order.get(r.mark, len(order)), r.mark, SEVERITY_RANK.get(r.severity, 9)))


def counts(report: Report) -> dict[str, int]:
    return {"violations": report.count(SH.Violation), "warnings": report.count(SH.Warning), "infos": report.count(SH.Info)}


def tally(report: Report, words: dict) -> str:
    return tally_of(counts(report), words)


def tally_of(found: dict, words: dict) -> str:
    """``counts`` in words ("7 violations, 1 warnings, 1 infos")."""
    return words["summary"].format(v=found["violations"], w=found["warnings"], i=found["infos"])


def group_title(report: Report, organisation, words: dict) -> str:
    return f"{words['organisation']}{words['colon']}{report.label(organisation)}" if organisation is not None else words["none"]


def groups(report: Report):
    """(organisation or None, [(role or None, [results])]) in a stable order."""
    roles = report.roles()
    organisation_of = {role: report.data.value(role, ORG.postIn) for role in roles}
    organisations = sorted({o for o in organisation_of.values() if o is not None}
                           | set(report.data.subjects(RDF.type, ORG.Organization)), key=str)
    by_focus = defaultdict(list)
    for result in report.results:
        by_focus[result.focus].append(result)
    found = []
    for organisation in [*organisations, None]:
        members = [r for r in roles if organisation_of[r] == organisation]
        entries = ([(None, by_focus.pop(organisation, []))] if organisation is not None else [])
        entries += [(role, by_focus.pop(role, [])) for role in members]
        if organisation is not None or members:
            found.append((organisation, entries))
    leftovers = [(focus, results) for focus, results in sorted(by_focus.items(), key=lambda kv: str(kv[0]))]
    if leftovers:
        found.append((None, leftovers))
    return found


def result_grounds(report: Report, result: Result) -> tuple:
    """For a result about an implied value (consent not asked, implied by assigned participation):
    the stated statements it follows from; empty for a stated value."""
    if result.path is None or result.value is None:
        return ()
    return grounds(report.data, report.closure, (result.focus, result.path, result.value))
