"""The rows of a roles spreadsheet (a ``tables.Table``) turned into the triples a Turtle
description would give: each role an ``org:Post`` in its organisation.

Reading does not stop at the first problem: every unknown column, unreadable cell and unknown
value is collected, each with its row and column as the spreadsheet shows them and, where one is
close, what was probably meant, and all are raised together as one ``InputError`` (its
``problems`` attribute holds them one by one).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from peersupport.errors import InputError
from peersupport.validation.messages import say
from peersupport.validation.spreadsheet import (BY_NAME, COLUMN_NAMES, FRENCH_HEADERS, NO, YES, Column, allowed_values,
                                                headers, key, scheme_values, value_key)
from peersupport.validation.tables import Table, column_letter
from peersupport.vocabulary.graph import ORG

BASE = Namespace("https://example.org/")
MAX_PROBLEMS = 1000  # kept on the error; the message lists the first SHOWN
SHOWN = 100
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class Problem:
    """One thing wrong in the spreadsheet, where the spreadsheet program shows it."""

    message: str  # in English; ``key`` and ``values`` say it in any language (validation/messages.py)
    row: int | None = None
    column: str | None = None  # the column's letter (A, B, … AA)
    name: str | None = None  # the column's header as written
    value: str | None = None
    allowed: list[str] = field(default_factory=list)
    suggestion: str | None = None
    key: str | None = None  # the wording's key in ``messages.MESSAGES``
    values: dict = field(default_factory=dict)  # what fills it in

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"row {self.row}" if self.row else "",
                                            f"column {self.column} `{self.name}`" if self.column else "") if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Reading:
    """The graph the rows describe, and where each thing came from."""

    graph: Graph
    rows: dict[URIRef, int]  # each role and organisation: the first row that describes it
    columns: dict[str, str]  # each template column read: its letter in this spreadsheet


def _quote(text: str) -> str:
    return f'"{text}"' if "," in text else text


class _Problems(list):
    def add(self, key: str, values: dict, row: int | None = None, index: int | None = None, name: str | None = None, **more):
        """A problem said by ``key`` of ``messages.MESSAGES`` filled with ``values``, where it is."""
        if len(self) < MAX_PROBLEMS:
            self.append(Problem(say(key, **values), row, column_letter(index) if index is not None else None, name,
                                key=key, values=values, **more))

    def raise_if_any(self) -> None:
        if not self:
            return
        if len(self) == 1:
            message = str(self[0])
        else:
            shown = "\n".join(f"- {problem}" for problem in self[:SHOWN])
            more = f"\n- and {len(self) - SHOWN} more" if len(self) > SHOWN else ""
            message = f"{len(self)}{'+' if len(self) >= MAX_PROBLEMS else ''} problems in the spreadsheet:\n{shown}{more}"
        error = InputError(message, hint=say("fix-each-cell"), key="problems-in-sheet", values={"count": len(self)},
                           hint_key="fix-each-cell")
        error.line, error.column = self[0].row, None
        error.problems = [asdict(problem) for problem in self]
        raise error


def _unknown_value(problems: _Problems, column: Column, cell: str, row: int, index: int, name: str) -> None:
    values = scheme_values()[column.values]
    spellings = {value_key(s): s for v in values for s in v.spellings()}
    close = difflib.get_close_matches(value_key(cell), spellings, n=1, cutoff=0.6)
    suggestion = spellings[close[0]] if close else None
    allowed = [v.en for v in values]
    problems.add("unknown-value-close" if suggestion else "unknown-value",
                 {"value": cell, "suggestion": suggestion, "allowed": ", ".join(_quote(a) for a in allowed),
                  "allowed_fr": ", ".join(_quote(v.fr) for v in values)}, row, index, name,
                 value=cell, allowed=allowed, suggestion=suggestion)


def _header(table: Table, problems: _Problems) -> dict[int, Column]:
    """The template column of each cell index of the header row; unknown columns are problems."""
    row, cells = table.rows[0]
    known, seen = headers(), {}
    by_index = {}
    for index, cell in enumerate(cells):
        text = cell.strip()
        if not text:
            continue
        name = known.get(key(text))
        if name is None:
            spelled = {key(n): n for n in (*COLUMN_NAMES, *FRENCH_HEADERS.values())}
            close = difflib.get_close_matches(key(text), spelled, n=1, cutoff=0.6)
            suggestion = spelled[close[0]] if close else None
            listed = any(p.key and p.key.startswith("unknown-column") for p in problems)
            said = "unknown-column-close" if suggestion else "unknown-column" if listed else "unknown-column-listed"
            problems.add(said, {"suggestion": suggestion, "columns": ", ".join(COLUMN_NAMES)}, row, index, text,
                         value=text, suggestion=suggestion)
        elif name in seen:
            problems.add("column-twice", {"name": name, "other": column_letter(seen[name])}, row, index, text)
        else:
            seen[name] = index
            by_index[index] = BY_NAME[name]
    if by_index and "role_id" not in seen and "organisation_id" not in seen:
        problems.add("role-id-required", {}, row)
    return by_index


def read_table(table: Table) -> Reading:
    """The triples the rows of ``table`` describe. A row with an organisation_id and no role_id
    describes an organisation alone (one with no roles, or one that others are part_of).
    Raises one InputError naming every problem found."""
    problems = _Problems()
    graph, rows = Graph(), {}
    if not table.rows:
        return Reading(graph, rows, {})
    by_index = _header(table, problems)
    if not by_index:
        problems.add("no-header", {}, table.rows[0][0])
    width = len(table.rows[0][1])
    columns = {column.name: column_letter(index) for index, column in by_index.items()}
    id_index = {column.name: index for index, column in by_index.items() if column.kind == "id"}
    for row, cells in table.rows[1:] if by_index else ():
        if any(cell.strip() for cell in cells[width:]):
            problems.add("too-many-cells", {"cells": len(cells), "width": width}, row)
        _read_row(graph, rows, problems, row, {i: cells[i].strip() for i in by_index if i < len(cells)}, by_index, id_index)
    problems.raise_if_any()
    return Reading(graph, rows, columns)


def _read_row(graph, rows, problems, row, cells: dict[int, str], by_index, id_index) -> None:
    ids = {name: cells.get(index, "") for name, index in id_index.items()}
    if not any(ids.values()):
        index = id_index.get("role_id", id_index.get("organisation_id"))
        problems.add("row-needs-id", {}, row, index,
                     "role_id" if "role_id" in id_index else "organisation_id")
        return
    subjects = {}
    for name, kind, cls in (("organisation_id", "organisations", ORG.Organization), ("role_id", "roles", ORG.Post)):
        if ids.get(name):
            subject = _iri(problems, kind, ids[name], row, id_index[name], name)
            if subject is not None:
                graph.add((subject, RDF.type, cls))
                rows.setdefault(subject, row)
                subjects["organisation" if kind == "organisations" else "role"] = subject
    if "role" in subjects and "organisation" in subjects:
        graph.add((subjects["role"], ORG.postIn, subjects["organisation"]))
    for index, cell in cells.items():
        column = by_index[index]
        if not cell or column.kind == "id":
            continue
        subject = subjects.get(column.subject)
        if subject is None:
            needed = f"{column.subject}_id"
            if ids.get(needed):
                continue  # the identifier is itself wrong, and was reported
            article = "an" if needed.startswith("o") else "a"
            problems.add("needs-id-in-row", {"article": article, "needed": needed}, row, index, column.name)
            continue
        for obj in _objects(problems, column, cell, row, index):
            graph.add((subject, column.predicate, obj))


def _objects(problems, column: Column, cell: str, row: int, index: int) -> list:
    name = column.name
    if column.kind == "text":
        return [Literal(cell)]
    if column.kind == "yes/no":
        answer = cell.casefold()
        if answer not in YES + NO:
            problems.add("not-yes-no", {"value": cell}, row, index, name, value=cell, allowed=["yes", "no"])
            return []
        return [Literal(answer in YES)]
    if column.kind == "share":
        share = _share(problems, cell, row, index, name)
        return [share] if share is not None else []
    if column.kind == "parent":
        parent = _iri(problems, "organisations", cell, row, index, name)
        return [parent] if parent is not None else []
    spellings = allowed_values()[column.values]
    found = []
    for item in ([c.strip() for c in cell.split(";") if c.strip()] if column.kind == "many" else [cell]):
        value = spellings.get(value_key(item))
        if value is None:
            _unknown_value(problems, column, item, row, index, name)
        else:
            found.append(value)
    return found


def _share(problems, cell: str, row: int, index: int, name: str) -> Literal | None:
    """A share from 0 to 1, written as a decimal (0.6 or 0,6) or a percentage (60%)."""
    text = cell.replace(",", ".").strip()
    try:
        value = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        problems.add("not-a-share", {"value": cell}, row, index, name, value=cell)
        return None
    if not value.is_finite() or not 0 <= value <= 1:
        problems.add("share-out-of-range", {"value": cell}, row, index, name, value=cell)
        return None
    return Literal(value.normalize() if value != 0 else Decimal(0), datatype=XSD.decimal)


def _iri(problems, kind: str, identifier: str, row: int, index: int, name: str) -> URIRef | None:
    if not _ID.match(identifier):
        problems.add("bad-identifier", {"value": identifier}, row, index, name,
                     value=identifier)
        return None
    return BASE[f"{kind}/{identifier}"]
