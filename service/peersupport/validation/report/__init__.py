"""Renderings of a validation report: terminal text (``text``), JSON, Turtle (a SHACL
``sh:ValidationReport``) and CSV (``machine``), and the plain values the HTML report page shows
(``page.view``; the page itself is the template ``web/templates/report.html``). Every rendering
starts from the summary in plain words (``summary``), says where each result is in the input and
what to change there (``advice``) and cites sources by title (``citations``).

``origin`` is how the input was read (``inputs.Parsed``: a spreadsheet's rows and column
letters), or None. "Conforms" means no violation, warnings and infos being advice; only the
Turtle rendering's ``sh:conforms`` follows SHACL (false when there is any result).
"""

from __future__ import annotations

from peersupport.validation.report.common import column, evidence, reading_name
from peersupport.validation.report.machine import to_csv, to_graph, to_json, to_turtle
from peersupport.validation.report.page import to_html, view
from peersupport.validation.report.summary import summary
from peersupport.validation.report.text import to_text

OUTPUTS = ("text", "json", "turtle", "html", "csv")
__all__ = ["OUTPUTS", "column", "evidence", "reading_name", "render", "summary", "to_csv", "to_graph", "to_html", "to_json",
           "to_text", "to_turtle", "view"]


def render(report, output: str, lang: str = "en", colour: bool = False, origin=None) -> str:
    if output == "json":
        return to_json(report, lang, origin)
    if output == "turtle":
        return to_turtle(report)
    if output == "html":
        return to_html(report, lang, origin)
    if output == "csv":
        return to_csv(report, lang, origin)
    return to_text(report, lang, colour, origin)
