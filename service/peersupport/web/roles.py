"""The roles in the graph, browsed by facets: ``/roles`` lists them, with how many roles have
each value of each facet; choosing values narrows the list (URL parameters, ``?remuneration=ps:Paid
&mark-voluntary=shown``, so a link reproduces it); ``/roles.csv`` downloads the list so filtered.

Every chosen value must hold (values of one facet or of several alike): the count beside a value
is the number of listed roles that have it, so it is the size of the list once it is chosen.
Values are written as prefixed names where the namespace is known, else as full IRIs; a mark's
values are ``shown``, ``not-recorded`` and ``contradicted``, the verdict's those of
``validation.verdict.VERDICTS``. A parameter naming no facet is a 400 that lists them.
"""

from __future__ import annotations

import csv
import io
from typing import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from peersupport.errors import BadRequest
from peersupport.sparql.jobs import Executor
from peersupport.web.resource_view import local_path, page_of
from peersupport.web.role_index import IndexHolder, RoleIndex
from peersupport.web.store_reads import expanded, prefixed
from peersupport.web.templating import page_language, render

PAGE_SIZE = 25
OTHER_PARAMETERS = {"lang", "page"}


def chosen_values(request: Request, index: RoleIndex) -> list[tuple[str, str]]:
    """(facet code, value) chosen by the request's parameters, values as full IRIs or codes."""
    codes = {f.code for f in index.facets}
    chosen = []
    for name, value in request.query_params.multi_items():
        if name in OTHER_PARAMETERS:
            continue
        if name not in codes:
            raise BadRequest(f"unknown facet {name!r}; the facets are: {', '.join(sorted(codes))}",
                             "Choose values from the list on /roles.")
        if (name, expanded(value)) not in chosen:
            chosen.append((name, expanded(value)))
    return chosen


def filtered(index: RoleIndex, chosen: list[tuple[str, str]]) -> list:
    return [role for role in index.roles.values() if all(value in role.values.get(code, ()) for code, value in chosen)]


def _page(request: Request) -> int:
    text = request.query_params.get("page", "1")
    if not text.isdigit() or not 0 < int(text) < 10**9:
        raise BadRequest(f"the 'page' parameter must be a whole number from 1, not {text!r}")
    return int(text)


def _link(chosen: list[tuple[str, str]], lang: str, **extra) -> str:
    return "?" + urlencode([(code, prefixed(value)) for code, value in chosen] + [("lang", lang)] + list(extra.items()))


def _facet_views(index: RoleIndex, roles: list, chosen: list[tuple[str, str]], lang: str) -> list[dict]:
    views = []
    for facet in index.facets:
        counts: dict[str, int] = {}
        for role in roles:
            for value in role.values.get(facet.code, ()):
                counts[value] = counts.get(value, 0) + 1
        for code, value in chosen:
            if code == facet.code:
                counts.setdefault(value, 0)
        values = []
        for value, n in counts.items():
            selected = (facet.code, value) in chosen
            toggled = [c for c in chosen if c != (facet.code, value)] if selected else chosen + [(facet.code, value)]
            values.append({"value": value, "code": prefixed(value), "label": index.value_labels.get(value, prefixed(value)),
                           "count": n, "selected": selected, "href": _link(toggled, lang)})
        values.sort(key=lambda v: (-v["count"], v["label"].lower()))
        views.append({"code": facet.code, "label": facet.label(lang), "values": values})
    return views


def _row(role, index: RoleIndex, lang: str) -> dict:
    return {"iri": role.iri, "label": role.label, "href": local_path(role.iri) or page_of(role.iri),
            "organisation": role.organisation_label,
            "organisation_href": (local_path(role.organisation) or page_of(role.organisation)) if role.organisation else None,
            "marks": [{"code": f.code, "label": f.short.get(lang, f.short["en"]), "status": next(iter(role.values.get(f.code, {""})))}
                      for f in index.facets if f.code.startswith("mark-")],
            "verdict": next(iter(role.values.get("verdict", {""})))}


def roles_csv(index: RoleIndex, roles: list) -> str:
    """One row per role: its IRI, label, organisation and every facet's values (``|`` between several)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["role", "label", "organisation", "organisation_label"] + [f.code for f in index.facets])
    for role in roles:
        writer.writerow([role.iri, role.label, role.organisation, role.organisation_label]
                        + [" | ".join(sorted(role.values.get(f.code, ()))) for f in index.facets])
    return out.getvalue()


def roles_router(get_executor: Callable[[], Executor]) -> APIRouter:
    router = APIRouter(tags=["data"])
    holder = IndexHolder()

    @router.get("/roles", summary="the roles in the graph, browsed by facets (HTML)", include_in_schema=False)
    def roles_page(request: Request):
        lang = page_language(request)
        index = holder.get(get_executor(), lang)
        chosen = chosen_values(request, index)
        page = _page(request)
        roles = filtered(index, chosen)
        last_page = max(1, -(-len(roles) // PAGE_SIZE))
        shown = roles[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        return render(request, "roles.html", lang=lang, facets=_facet_views(index, roles, chosen, lang),
                      roles=[_row(r, index, lang) for r in shown], total=len(roles), all_roles=len(index.roles),
                      page=page, last_page=last_page, first=(page - 1) * PAGE_SIZE + 1 if shown else 0,
                      previous=_link(chosen, lang, page=page - 1) if page > 1 else None,
                      next=_link(chosen, lang, page=page + 1) if page < last_page else None,
                      csv="/roles.csv" + ("?" + urlencode([(c, prefixed(v)) for c, v in chosen]) if chosen else ""),
                      clear="?" + urlencode({"lang": lang}), chosen=bool(chosen), truncated=index.truncated,
                      headers={"Vary": "Accept-Language"})

    @router.get("/roles.csv", summary="the roles in the graph, filtered by the facets' parameters, as CSV")
    def roles_download(request: Request):
        index = holder.get(get_executor(), page_language(request))
        roles = filtered(index, chosen_values(request, index))
        return Response(roles_csv(index, roles), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="roles.csv"'})

    return router

