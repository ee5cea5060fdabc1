"""The report as terminal text: first the summary in plain words, then the results grouped by
organisation and role, each role with its verdict, its marks and its results grouped by mark;
each result says where it is in the input and what to change (``advice``), and cites its
sources by short title."""

from __future__ import annotations

from peersupport.validation.report.advice import fix
from peersupport.validation.report.citations import spelled
from peersupport.validation.report.common import (COLOURS, SEVERITY_WORDS, WORDS, by_mark, counts, evidence, fact,
                                                  group_title, groups, implied, reading_name, result_grounds, tally_of)
from peersupport.validation.report.summary import summary
from peersupport.validation.validate import Report, Result
from peersupport.validation.verdict import Verdict


def _verdict_line(verdict: Verdict, words: dict) -> str:
    claim = words["claims"] if verdict.claims_peer_support else words["no_claim"]
    return f"{words['verdict']}{words['colon']}{words['outcomes'][verdict.outcome]} ({claim})"


def _marks_line(verdict: Verdict, lang: str) -> str:
    words = WORDS[lang]
    return " · ".join(f"{m.mark.label(lang)}{words['colon']}{words['statuses'][m.status]}" for m in verdict.marks)


def _place(found: dict, words: dict) -> str:
    if not found["column"]:
        return ""
    letter = f" ({found['letter']})" if found["letter"] else ""
    row = f", {words['row']} {found['row']}" if found["row"] else ""
    return f" [{words['column']} {found['column']}{letter}{row}]"


def _result_lines(report: Report, result: Result, origin, lang: str, indent: str, colour: bool) -> list[str]:
    words = WORDS[lang]
    reset = "\033[0m" if colour else ""
    tint = COLOURS.get(result.severity, "") if colour else ""
    found = fix(report, origin, result, lang)
    where = _place(found, words)
    grounds = result_grounds(report, result)
    if grounds:
        where += f" [{fact(report, (result.focus, result.path, result.value), result.focus)}, {words['because']} " \
                 f"{', '.join(fact(report, g, result.focus) for g in grounds)}]"
    lines = [f"{indent}{tint}{SEVERITY_WORDS.get(result.severity, 'result')}{reset}{where}: {spelled(result.message(lang))}"]
    if found["text"]:
        lines.append(f"{indent}  → {found['text'].replace('`', '')}")
    return lines


def _role_lines(report: Report, focus, lang: str, bold: str, reset: str) -> list[str]:
    words = WORDS[lang]
    lines = [f"  {bold}{report.label(focus)}{reset} <{focus}>"]
    verdict = report.verdicts.get(focus)
    if verdict is not None:
        lines.append(f"    {_verdict_line(verdict, words)}")
        lines.append(f"    {_marks_line(verdict, lang)}")
    if report.readings:
        lines.append(f"    {words['reads']}{words['colon']}{reading_name(report.readings.get(str(focus)), lang)}")
    facts = evidence(report, focus)
    if facts:
        lines.append(f"    {words['evidence']}{words['colon']}" + ", ".join(f"{k}={v}" for k, v in facts.items()))
    for item in implied(verdict) if verdict is not None else []:
        because = ", ".join(fact(report, g, focus) for g in item.grounds)
        lines.append(f"    {words['implied']}{words['colon']}{fact(report, item.statement, focus)} ({words['because']} {because})")
    return lines


def head_lines(said: dict, colour: bool = False) -> list[str]:
    """The summary's sentences (``summary``), then a blank line."""
    reset, bold = ("\033[0m", "\033[1m") if colour else ("", "")
    return [f"{bold}{said['checked']}{reset}"] + ([said["outcomes"]] if said["outcomes"] else []) + [""]


def title_line(report: Report, organisation, lang: str, colour: bool = False) -> str:
    reset, bold = ("\033[0m", "\033[1m") if colour else ("", "")
    return f"{bold}{group_title(report, organisation, WORDS[lang])}{reset}"


def entry_lines(report: Report, focus, results: list[Result], origin, lang: str, colour: bool = False) -> list[str]:
    """A role (or another focus node) with its verdict and results, or (``focus`` None) an
    organisation's own results."""
    words = WORDS[lang]
    reset, bold = ("\033[0m", "\033[1m") if colour else ("", "")
    lines, indent = [], "  "
    if focus is not None:
        lines += _role_lines(report, focus, lang, bold, reset)
        indent = "    "
        results = by_mark(results)
    for result in results:
        lines += _result_lines(report, result, origin, lang, indent, colour)
    if not results and focus is not None:
        lines.append(f"{indent}{words['ok']}")
    return lines


def tail_lines(conforms: bool, found: dict, reasoning_note: str | None, lang: str) -> list[str]:
    """Whether the report conforms, its counts (``common.counts``) and the reasoning note."""
    words = WORDS[lang]
    return [f"{words['conforms'] if conforms else words['fails']} ({tally_of(found, words)})"] + \
        ([reasoning_note] if reasoning_note else [])


def to_text(report: Report, lang: str = "en", colour: bool = False, origin=None) -> str:
    lines = head_lines(summary(report, lang), colour)
    for organisation, entries in groups(report):
        lines.append(title_line(report, organisation, lang, colour))
        for focus, results in entries:
            lines += entry_lines(report, focus, results, origin, lang, colour)
        lines.append("")
    lines += tail_lines(report.conforms, counts(report), report.reasoning_note, lang)
    return "\n".join(lines) + "\n"
