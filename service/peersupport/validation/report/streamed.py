"""The report on an engine's graph written batch by batch (``peersupport validate --endpoint``):
each batch's part (``store.batched_validation.Batch``: its roles, its results) is rendered as soon
as the batch is validated and spooled to a temporary SQLite file on disk, keyed by its place in
the whole report; across batches only summed counts are kept (``Totals``). ``finish`` then writes
the summary, the parts in the whole report's order (read back sorted by the key, which SQLite does
on disk) and the trailer. Local memory thus holds one batch, and the text, JSON and CSV are
byte-identical to the rendering of the merged report (``validate_engine_graphs``); the Turtle
report is the same graph (its blank nodes are labelled, where the merged one nests them in an
order rdflib draws at random: compare the parsed graphs). HTML needs the whole report (``STREAMED``).

The text report groups roles by organisation, and a role can be in another batch than its
organisation: each batch spools the titles of the organisations it names, its roles under their
organisation, and each other focus node's results both as an organisation's and as a lone entry;
which one a node is becomes known once every batch is in.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import ORG, RDF

from peersupport.store.batched_validation import Batch, keep_notes
from peersupport.validation.inputs import Parsed, require_roles
from peersupport.validation.report.common import counts
from peersupport.validation.report.machine import (CSV_COLUMNS, csv_rows, csv_text, json_document, report_graph,
                                                   report_statements, result_json, result_statements, role_json)
from peersupport.validation.report.summary import ORDER, said, tally
from peersupport.validation.report.text import entry_lines, head_lines, tail_lines, title_line
from peersupport.validation.validate import Report

STREAMED = ("text", "json", "csv", "turtle")
_SCHEMA = ("CREATE TABLE parts (section INTEGER, k1 TEXT, k2 INTEGER, k3 TEXT, text TEXT, "
           "PRIMARY KEY (section, k1, k2, k3)) WITHOUT ROWID",
           "CREATE TABLE orgs (iri TEXT PRIMARY KEY, text TEXT) WITHOUT ROWID",
           "CREATE TABLE foci (focus TEXT PRIMARY KEY, as_org TEXT, as_entry TEXT) WITHOUT ROWID")
# Sections of ``parts``: text roles under an organisation (k1) and without one; JSON roles and
# results; CSV rows; Turtle results.
_UNDER, _ALONE, _ROLES, _RESULTS, _ROWS, _TURTLE = range(6)


@dataclass
class Totals:
    """What the summary and the trailer need, summed over the batches."""

    found: dict = field(default_factory=lambda: {"violations": 0, "warnings": 0, "infos": 0})
    outcomes: dict = field(default_factory=lambda: {"roles": 0, "claims": 0, **{o: 0 for o in ORDER}})
    any_result: bool = False
    described: int = 0  # roles and organisations, for ``require_roles``
    notes: Report = field(default_factory=lambda: Report(data=Graph(), results=[]))

    def add(self, batch: Batch) -> None:
        results = batch.results()
        self.any_result = self.any_result or bool(results)
        for word, number in counts(Report(data=batch.report.data, results=results)).items():
            self.found[word] += number
        roles = batch.roles()
        for name, number in tally(batch.verdicts().values(), len(roles)).items():
            self.outcomes[name] = self.outcomes.get(name, 0) + number
        self.described += len(roles) + sum(1 for o in batch.report.data.subjects(RDF.type, ORG.Organization) if batch.owns(o))
        keep_notes(self.notes, batch.report)

    @property
    def conforms(self) -> bool:
        return not self.found["violations"]

    def said(self, lang: str) -> dict:
        return said(self.outcomes, lang)


class StreamedReport:
    """``add`` each batch, then ``finish(out)``; ``output`` is one of ``STREAMED``."""

    def __init__(self, output: str, lang: str = "en", colour: bool = False):
        assert output in STREAMED, output
        self.output, self.lang, self.colour = output, lang, colour
        self.totals = Totals()
        self.spool = sqlite3.connect("")  # a private temporary file, deleted when closed
        for statement in _SCHEMA:
            self.spool.execute(statement)
        self._turtle = report_graph().namespace_manager

    def add(self, batch: Batch) -> None:
        self.totals.add(batch)
        origin = Parsed(batch.report.data, "turtle")  # RDF input: the advice in RDF terms, as for the merged report
        getattr(self, f"_add_{self.output}")(batch, batch.results(), origin)
        self.spool.commit()

    def _put(self, table: str, *row) -> None:
        self.spool.execute(f"INSERT OR IGNORE INTO {table} VALUES ({', '.join('?' * len(row))})", row)

    def _add_text(self, batch: Batch, results: list, origin) -> None:
        report, by_focus = batch.report, {}
        for result in results:
            by_focus.setdefault(result.focus, []).append(result)
        lines = lambda focus, found: _joined(entry_lines(report, focus, found, origin, self.lang, self.colour))
        for organisation in report.data.subjects(RDF.type, ORG.Organization):
            if batch.owns(organisation):
                self._put("orgs", str(organisation), _joined([title_line(report, organisation, self.lang, self.colour)]))
        for role in batch.roles():
            organisation = report.data.value(role, ORG.postIn)
            if organisation is None:
                self._put("parts", _ALONE, "", 0, str(role), lines(role, by_focus.pop(role, [])))
                continue
            self._put("orgs", str(organisation), _joined([title_line(report, organisation, self.lang, self.colour)]))
            self._put("parts", _UNDER, str(organisation), 0, str(role), lines(role, by_focus.pop(role, [])))
        for focus, found in by_focus.items():
            self._put("foci", str(focus), lines(None, found), lines(focus, found))

    def _add_json(self, batch: Batch, results: list, origin) -> None:
        for role in batch.roles():
            self._put("parts", _ROLES, str(role), 0, "", _json_item(role_json(batch.report, role, origin)))
        for index, result in enumerate(results):
            self._put("parts", _RESULTS, str(result.focus), index, "",
                      _json_item(result_json(batch.report, result, self.lang, origin)))

    def _add_csv(self, batch: Batch, results: list, origin) -> None:
        for index, row in enumerate(csv_rows(batch.report, results, self.lang, origin)):
            self._put("parts", _ROWS, row[0], index, "", csv_text([row]))

    def _add_turtle(self, batch: Batch, results: list, origin) -> None:
        for index, result in enumerate(results):
            self._put("parts", _TURTLE, str(result.focus), index, "",
                      f"_:report sh:result [\n        {self._pairs(result_statements(result), '        ')}\n    ] .\n")

    def _pairs(self, statements: list, indent: str) -> str:
        """Turtle's predicate-object list, one pair a line."""
        return f" ;\n{indent}".join(f"{'a' if p == RDF.type else p.n3(self._turtle)} {o.n3(self._turtle)}"
                                    for p, o in statements)

    def _parts(self, section: int):
        return (text for (text,) in self.spool.execute(
            "SELECT text FROM parts WHERE section = ? ORDER BY k1, k2, k3", (section,)))

    def finish(self, out) -> None:
        """Write the whole report to ``out``. Raises ``InputError`` when no role or organisation was found."""
        if not self.totals.described:
            require_roles(Graph())
        getattr(self, f"_finish_{self.output}")(out)
        self.spool.close()

    def _finish_text(self, out) -> None:
        totals = self.totals
        out.write(_joined(head_lines(totals.said(self.lang), self.colour)))
        grouped = self.spool.execute(
            "SELECT iri, 0, '', text FROM orgs UNION ALL "
            "SELECT focus, 1, '', as_org FROM foci WHERE focus IN (SELECT iri FROM orgs) UNION ALL "
            "SELECT k1, 2, k3, text FROM parts WHERE section = ? ORDER BY 1, 2, 3", (_UNDER,))
        started = False
        for _, kind, _, text in grouped:
            if kind == 0 and started:
                out.write("\n")
            started = True
            out.write(text)
        if started:
            out.write("\n")
        none = _joined([title_line(totals.notes, None, self.lang, self.colour)])
        alone = self.spool.execute(f"SELECT text FROM parts WHERE section = {_ALONE} ORDER BY k3")
        lone = self.spool.execute("SELECT as_entry FROM foci WHERE focus NOT IN (SELECT iri FROM orgs) ORDER BY focus")
        for rows in (alone, lone):
            first = next(rows, None)
            if first is not None:
                out.write(none + first[0] + "".join(text for (text,) in rows) + "\n")
        out.write(_joined(tail_lines(totals.conforms, totals.found, totals.notes.reasoning_note, self.lang)))

    def _finish_json(self, out) -> None:
        totals, notes = self.totals, self.totals.notes
        document = json_document(totals.conforms, totals.found, totals.said(self.lang), "\0roles", "\0results",
                                 notes.reasoning_note, notes.engine, notes.engine_note)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        for name, section in (("roles", _ROLES), ("results", _RESULTS)):
            before, text = text.split(json.dumps("\0" + name), 1)
            out.write(before)
            _json_list(out, self._parts(section))
        out.write(text)

    def _finish_csv(self, out) -> None:
        out.write(csv_text([list(CSV_COLUMNS)]))
        for text in self._parts(_ROWS):
            out.write(text)

    def _finish_turtle(self, out) -> None:
        for prefix, namespace in self._turtle.namespaces():
            out.write(f"@prefix {prefix}: <{namespace}> .\n")
        out.write("\n")
        for text in self._parts(_TURTLE):
            out.write(text)
        notes = self.totals.notes
        statements = report_statements(not self.totals.any_result, notes.engine, notes.engine_note)
        out.write(f"_:report {self._pairs(statements, '    ')} .\n")


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _json_item(item: dict) -> str:
    """An item of a list of the JSON report, indented as ``json.dumps(document, indent=2)`` nests it."""
    return json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n    ")


def _json_list(out, items) -> None:
    first = next(items, None)
    if first is None:
        out.write("[]")
        return
    out.write("[\n    " + first)
    for item in items:
        out.write(",\n    " + item)
    out.write("\n  ]")
