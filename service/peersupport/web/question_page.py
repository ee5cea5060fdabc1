"""A research question of the catalogue as a page for people (``GET /queries/NAME`` from a
browser): its title and description, a form with one field per parameter, the answer as a table
(addresses linking to their pages), downloads in the negotiated formats, a link that opens the
query in the editor, and the SPARQL text that ran.

A parameter's field follows its type: a drop-down for an IRI (the concepts of the scheme its
description names, ``a concept of ps:SomeScheme``, else the values it lists), a language choice,
a number, true or false. Everything is read through the service's executor; a value that does not
parse is shown on the page, with the form, as a 400.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from peersupport.errors import BadRequest
from peersupport.sparql.catalogue import PREFIXES as PARAMETER_PREFIXES
from peersupport.sparql.catalogue import NamedQuery, Parameter
from peersupport.sparql.execution import MAX_ROWS_HEADER
from peersupport.sparql.jobs import Executor
from peersupport.web.resource_view import local_path, page_of
from peersupport.web.store_reads import Value, expanded, labels, prefixed, run, select
from peersupport.web.templating import page_language, render

DOWNLOADS = ("csv", "tsv", "json")
LANGUAGES = ("en", "fr")
_SCHEME = re.compile(r"a concept of ([A-Za-z]+:[A-Za-z][\w-]*)")
_LISTED = re.compile(r"\b(?:%s):[A-Za-z][\w-]*" % "|".join(PARAMETER_PREFIXES))


def _choices(executor: Executor, parameter: Parameter, lang: str) -> list[dict]:
    """The values an IRI parameter may take, each with its label, sorted by label."""
    scheme = _SCHEME.search(parameter.description)
    if scheme:
        rows, _ = select(executor, f"SELECT DISTINCT ?c WHERE {{ ?c skos:inScheme <{expanded(scheme[1], PARAMETER_PREFIXES)}> }}")
        iris = [row["c"].value for row in rows]
    else:
        iris = [expanded(name, PARAMETER_PREFIXES) for name in dict.fromkeys(_LISTED.findall(parameter.description))]
    default = expanded(parameter.default, PARAMETER_PREFIXES)
    if default not in iris:
        iris.insert(0, default)
    named = labels(executor, iris, lang)
    options = [{"value": prefixed(iri), "label": named.get(iri, prefixed(iri)), "iri": iri} for iri in iris]
    return sorted(options, key=lambda option: option["label"].lower())


def _field(executor: Executor, parameter: Parameter, value: str, lang: str) -> dict:
    field = {"name": parameter.name, "type": parameter.type, "description": parameter.description, "value": value,
             "default": parameter.default}
    if parameter.type == "iri":
        field["options"] = _choices(executor, parameter, lang)
        # A value given as a full IRI selects its option, shown by prefixed name.
        field["value"] = prefixed(expanded(value, PARAMETER_PREFIXES)) if ":" in value else value
    elif parameter.type == "language":
        field["options"] = [{"value": code, "label": code} for code in LANGUAGES]
    elif parameter.type == "boolean":
        field["options"] = [{"value": v, "label": v} for v in ("true", "false")]
    return field


def _cell(value: Value | None, names: dict[str, str]) -> dict:
    if value is None:
        return {"kind": "empty", "text": "", "lang": "", "datatype": ""}
    if value.is_iri:
        return {"kind": "iri", "text": prefixed(value.value), "label": names.get(value.value, ""), "iri": value.value,
                "href": local_path(value.value) or page_of(value.value)}
    return {"kind": value.kind, "text": value.value, "lang": value.lang,
            "datatype": prefixed(value.datatype) if value.datatype else ""}


def _table(executor: Executor, text: str, lang: str) -> dict:
    reply = run(executor, text)
    answer = json.loads(reply.body)
    columns = answer["head"]["vars"]
    rows = [{name: Value(cell["type"], cell["value"], cell.get("xml:lang", ""), cell.get("datatype", ""))
             for name, cell in binding.items()} for binding in answer["results"]["bindings"]]
    named = labels(executor, {v.value for row in rows for v in row.values() if v.is_iri}, lang)
    return {"columns": columns, "rows": [[_cell(row.get(c), named) for c in columns] for row in rows],
            "capped": MAX_ROWS_HEADER in reply.headers}


def question_page(request: Request, executor: Executor, query: NamedQuery, given: dict[str, str]) -> HTMLResponse:
    """The page of ``query`` run with ``given`` parameter values (defaults for the others)."""
    lang = page_language(request)
    if "lang" not in {p.name for p in query.parameters}:
        given = {name: value for name, value in given.items() if name != "lang"}  # the page's language only
    values = {p.name: given.get(p.name, p.default) for p in query.parameters}
    fields = [_field(executor, p, values[p.name], lang) for p in query.parameters]
    problem, table, text, status = None, None, None, 200
    try:
        text = query.bind(given)
        table = _table(executor, text, lang)
    except BadRequest as error:
        problem, status = error.message, error.status
    arguments = {name: value for name, value in given.items()}
    downloads = [(name, f"/queries/{query.name}?" + urlencode({**arguments, "format": name})) for name in DOWNLOADS]
    return render(request, "question.html", status_code=status, headers={"Vary": "Accept"}, lang=lang,
                  query=query, fields=fields, table=table, problem=problem, text=text or query.text,
                  downloads=downloads, editor="/query?" + urlencode({"query": text or query.text}))
