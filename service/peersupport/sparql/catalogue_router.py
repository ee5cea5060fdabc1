"""The catalogue of research questions over HTTP: ``GET /queries`` lists them with their
parameters; ``GET /queries/NAME?param=value`` runs one, its results negotiated as on ``/sparql``
(``Accept`` or ``format=``). An unknown query is a 404; a parameter that is unknown, repeated or
does not parse as its type is a 400 naming it (raised, and answered by the application's error
handler)."""

from __future__ import annotations

from typing import Callable
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from peersupport.errors import NotFound
from peersupport.sparql.catalogue import ParameterError, catalogue, find
from peersupport.sparql.jobs import Executor
from peersupport.sparql.protocol import answer, job_for

# Parameters of the protocol itself; every other one is the query's.
PROTOCOL_PARAMETERS = {"format"}


def describe(query) -> dict:
    return {"name": query.name, "title": query.title, "description": query.description, "url": f"/queries/{query.name}",
            "parameters": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                           for p in query.parameters]}


def catalogue_router(get_executor: Callable[[], Executor]) -> APIRouter:
    router = APIRouter()

    @router.get("/queries", summary="the catalogue of research questions")
    def list_queries():
        return JSONResponse([describe(q) for q in catalogue()], headers={"Vary": "Accept"})

    @router.get("/queries/{name}", summary="run one catalogue query",
                description="Query-string parameters bind the query's parameters (typed; defaults otherwise). "
                            "Results are negotiated by Accept or format= as on /sparql.",
                openapi_extra={"parameters": [
                    {"name": "format", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "kind", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "minimum", "in": "query", "required": False, "schema": {"type": "string"}}]})
    async def run(name: str, request: Request) -> Response:
        query = find(name)
        if query is None:
            raise NotFound(f"no catalogue query named {name!r}; GET /queries lists them")
        params = parse_qs(request.url.query, keep_blank_values=True)
        given = {}
        for key, values in params.items():
            if key in PROTOCOL_PARAMETERS:
                continue
            if len(values) > 1:
                raise ParameterError(f"parameter {key!r} is given {len(values)} times; give it once")
            given[key] = values[0]
        return await answer(get_executor(), job_for(query.bind(given), params, request.headers.get("accept")))

    return router
