"""The catalogue of research questions over HTTP: ``GET /queries`` lists them with their
parameters; ``GET /queries/NAME?param=value`` runs one, its results negotiated as on ``/sparql``
(``Accept`` or ``format=``); a browser (``Accept`` preferring ``text/html``) gets the question's page
(``peersupport.web.question_page``). Each question is its own operation in the OpenAPI document,
with every parameter typed and its default. An unknown query is a 404; a parameter that is unknown, repeated or
does not parse as its type is a 400 naming it (raised, and answered by the application's error
handler)."""

from __future__ import annotations

from typing import Callable
from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from peersupport.errors import NotFound
from peersupport.sparql.catalogue import ParameterError, catalogue, find
from peersupport.sparql.jobs import Executor
from peersupport.sparql.negotiation import negotiate
from peersupport.sparql.protocol import FORMAT_PARAMETER, answer, job_for
from peersupport.sparql.results import GRAPH_TYPES, SELECT_TYPES

# Parameters of the protocol itself; every other one is the query's.
PROTOCOL_PARAMETERS = {"format"}
# What a machine may ask for; a browser (Accept preferring text/html) gets the question's page.
_MACHINE_TYPES = SELECT_TYPES + GRAPH_TYPES
_SCHEMAS = {"iri": {"type": "string", "format": "iri-reference"}, "string": {"type": "string"},
            "language": {"type": "string", "pattern": "^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"},
            "integer": {"type": "integer"}, "boolean": {"type": "boolean"}}
_FORMAT = {"name": "format", "in": "query", "required": False, "description": "the result format, instead of Accept",
           "schema": {"type": "string", "enum": list(FORMAT_PARAMETER)}}


def describe(query) -> dict:
    return {"name": query.name, "title": query.title, "description": query.description, "url": f"/queries/{query.name}",
            "parameters": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                           for p in query.parameters]}


def openapi_parameters(query) -> list[dict]:
    """The OpenAPI description of a catalogue query's parameters (and ``format``)."""
    return [{"name": p.name, "in": "query", "required": False, "description": p.description,
             "schema": {**_SCHEMAS[p.type], "default": int(p.default) if p.type == "integer" else p.default}}
            for p in query.parameters] + [_FORMAT]


def wants_page(accept: str | None, params: dict) -> bool:
    """True for a browser: no format= and an Accept preferring text/html to every result format."""
    return "format" not in params and negotiate(accept, _MACHINE_TYPES + ["text/html"]) == "text/html"


def given_parameters(params: dict[str, list[str]]) -> dict[str, str]:
    given = {}
    for key, values in params.items():
        if key in PROTOCOL_PARAMETERS:
            continue
        if len(values) > 1:
            raise ParameterError(f"parameter {key!r} is given {len(values)} times; give it once")
        given[key] = values[0]
    return given


def catalogue_router(get_executor: Callable[[], Executor]) -> APIRouter:
    router = APIRouter()

    @router.get("/queries", summary="the catalogue of research questions")
    def list_queries():
        return JSONResponse([describe(q) for q in catalogue()], headers={"Vary": "Accept"})

    async def run_named(name: str, request: Request) -> Response:
        query = find(name)
        if query is None:
            raise NotFound(f"no catalogue query named {name!r}; GET /queries lists them")
        params = parse_qs(request.url.query, keep_blank_values=True)
        accept = request.headers.get("accept")
        if wants_page(accept, params):
            from peersupport.web.question_page import question_page

            given = given_parameters(params)
            return await anyio.to_thread.run_sync(question_page, request, get_executor(), query, given)
        return await answer(get_executor(), job_for(query.bind(given_parameters(params)), params, accept))

    # Each question has its own operation in the OpenAPI document, with its parameters; the
    # generic route answers the same for any name (and 404 for an unknown one).
    def runner(name: str):
        async def run_one(request: Request) -> Response:
            return await run_named(name, request)
        return run_one

    for query in catalogue():
        router.add_api_route(f"/queries/{query.name}", runner(query.name), methods=["GET"], summary=query.title,
                             description=query.description + " Results are negotiated by Accept or format= as on "
                             "/sparql; a browser asking for text/html gets the question's page with a form.",
                             openapi_extra={"parameters": openapi_parameters(query)}, tags=["research questions"])

    @router.get("/queries/{name}", summary="run one catalogue query", include_in_schema=False)
    async def run(name: str, request: Request) -> Response:
        return await run_named(name, request)

    return router
