"""The SPARQL 1.1 Protocol (queries only) as a FastAPI router that can be mounted in any app.

GET with ``query``, POST form-encoded, POST ``application/sparql-query``; ``default-graph-uri``
and ``named-graph-uri`` honoured; results negotiated by ``Accept`` (or a ``format`` parameter,
as Fuseki's ``output`` and Virtuoso's ``format``). Read-only and closed: updates and ``SERVICE``
are refused before anything runs. GET without a query describes the service. A browser's GET
(``Accept`` preferring ``text/html``) is sent to the query editor with the query. A syntax error
is answered with its line and column.

A request that cannot be answered raises an error of ``peersupport.errors``; the application's
error handler answers it.
"""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import parse_qs, urlencode

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Route

from peersupport.errors import BadRequest, InputError, NotAcceptable, Refused, UnsupportedFormat
from peersupport.sparql.jobs import Executor, QueryJob, Reply, execute
from peersupport.sparql.negotiation import negotiate
from peersupport.sparql.results import GRAPH_TYPES, SELECT_TYPES
from peersupport.sparql.screen import may_contain
from peersupport.sparql.text import UPDATE_KEYWORDS, dataset_iris, is_update, uses_service

FORMAT_PARAMETER = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
}
DESCRIPTION_TYPES = ["text/turtle", "application/ld+json", "text/html"]
_READ_ONLY = "SPARQL Update is refused: this endpoint is read-only"

_DATASET_PARAMETERS = [
    {"name": "default-graph-uri", "in": "query", "required": False, "description": "a graph of the store to use as the default graph (repeatable)",
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True},
    {"name": "named-graph-uri", "in": "query", "required": False, "description": "a graph of the store to make available to GRAPH (repeatable)",
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True},
    {"name": "format", "in": "query", "required": False, "description": "the result format, instead of Accept",
     "schema": {"type": "string", "enum": list(FORMAT_PARAMETER)}},
]
# The protocol reads its parameters itself (repeated values, several body types); this documents them.
SPARQL_OPENAPI = {
    "get": {"parameters": [{"name": "query", "in": "query", "required": False, "description": "the SPARQL query; without it, the service description",
                            "schema": {"type": "string"}}] + _DATASET_PARAMETERS},
    "post": {"parameters": _DATASET_PARAMETERS, "requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}},
        "application/sparql-query": {"schema": {"type": "string"}}}}},
}


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise BadRequest(f"the {name!r} parameter is given {len(values)} times; give it once")
    return values[0] if values else None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the request body is not UTF-8 (byte {error.start})") from None


async def read_request(request: Request) -> tuple[str | None, dict[str, list[str]]]:
    """(query text or None, all parameters) of a protocol request."""
    # request.url.query, without building the whole URL (which quotes the path) to read it
    params = parse_qs(request.scope["query_string"].decode(), keep_blank_values=True)
    if request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        body = await request.body()
        if media_type == "application/x-www-form-urlencoded":
            for name, values in parse_qs(_decode(body), keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        elif media_type == "application/sparql-query":
            if "query" in params:
                raise BadRequest("a query sent as application/sparql-query must not also be a 'query' parameter")
            params["query"] = [_decode(body)]
        elif media_type == "application/sparql-update":
            raise Refused(_READ_ONLY)
        else:
            raise UnsupportedFormat(f"unsupported Content-Type {media_type or '(none)'!r}; send "
                                    "application/x-www-form-urlencoded or application/sparql-query")
    if "update" in params:
        raise Refused(_READ_ONLY)
    return _one(params, "query"), params


def check_query(query: str) -> None:
    """Refuse, before running anything, what a read-only closed endpoint must not do."""
    if not query.strip():
        raise BadRequest("the query is empty")
    if may_contain(query, *UPDATE_KEYWORDS) and is_update(query):
        raise Refused(_READ_ONLY)
    if may_contain(query, "SERVICE") and uses_service(query):
        raise BadRequest("SERVICE is refused: this endpoint makes no requests to other endpoints")


def named_graphs(query: str, params: dict[str, list[str]]) -> list[str]:
    """The graphs a request's dataset names: FROM, FROM NAMED and the graph parameters."""
    named = dataset_iris(query) if may_contain(query, "FROM") else []
    return named + params.get("default-graph-uri", []) + params.get("named-graph-uri", [])


def check_dataset(named: list[str], known_graphs: Callable[[], set[str]]) -> None:
    """Refuse a dataset naming a graph the store does not hold: FROM and the graph parameters
    only ever select graphs of the store, so there is nothing to fetch, and saying so beats an
    empty answer."""
    known = known_graphs()
    unknown = [iri for iri in named if iri not in known]
    if unknown:
        raise BadRequest(f"no graph <{unknown[0]}> in this store: FROM, FROM NAMED, default-graph-uri and "
                         "named-graph-uri only select graphs the store holds, and nothing is fetched",
                         "GET /sparql describes the service and lists its graphs.")


# A query text up to this size is checked on the event loop (about 40 µs for a small query); a
# longer one on a thread, as tokenising it takes longer.
INLINE_CHECK_CHARS = 16 * 1024


async def checked_job(query: str, params: dict[str, list[str]], accept: str | None,
                      known_graphs: Callable[[], set[str]]) -> QueryJob:
    """The job for a query that may run. A long text is checked on a thread, and so is a dataset
    (``known_graphs`` may ask a remote engine)."""
    if len(query) > INLINE_CHECK_CHARS:
        check = anyio.to_thread.run_sync
    else:
        async def check(function, *args):
            return function(*args)
    await check(check_query, query)
    named = await check(named_graphs, query, params)
    if named:
        await anyio.to_thread.run_sync(check_dataset, named, known_graphs)
    return job_for(query, params, accept)


def job_for(query: str, params: dict[str, list[str]], accept: str | None) -> QueryJob:
    format_name = _one(params, "format")
    if format_name is not None:
        if format_name not in FORMAT_PARAMETER:
            raise BadRequest(f"unknown format {format_name!r}; use one of: {', '.join(FORMAT_PARAMETER)}")
        accept = FORMAT_PARAMETER[format_name]
    return QueryJob(query=query, accept=accept, default_graphs=tuple(params.get("default-graph-uri", [])),
                    named_graphs=tuple(params.get("named-graph-uri", [])))


def opens_editor(accept: str | None, params: dict[str, list[str]]) -> bool:
    """A browser's request (no format=, Accept preferring text/html to every result format): it
    is shown the editor with the query and its results, not SPARQL XML or a 406."""
    return "format" not in params and negotiate(accept, SELECT_TYPES + GRAPH_TYPES + ["text/html"]) == "text/html"


def editor_address(query_page: str, query: str, params: dict[str, list[str]]) -> str:
    """The editor's address reopening ``query`` over the same dataset (YASGUI's URL parameters)."""
    pairs = [("query", query)] + [("defaultGraph", g) for g in params.get("default-graph-uri", [])] \
        + [("namedGraph", g) for g in params.get("named-graph-uri", [])]
    return query_page + "?" + urlencode(pairs)


_SYNTAX = re.compile(r"^SPARQL syntax error: error at (\d+):(\d+)")


def syntax_error(query: str, error: BadRequest) -> InputError | None:
    """The parser's report of a syntax error said as the line and column, with the text there;
    None for any other error."""
    match = _SYNTAX.match(error.message)
    if match is None:
        return None
    line, column = int(match[1]), int(match[2])
    lines = query.splitlines() or [""]
    text = lines[min(line, len(lines)) - 1]
    near = text[max(column - 31, 0):column + 10].strip()
    where = f"near “{near}”" if near else "at the end of the line"
    error = InputError(f"the query cannot be read from here ({where})", line, column,
                       "Correct the query at the line and column named (a missing term, brace, dot or keyword) and run it again.")
    # Said as every query error is (a bad request, "SPARQL syntax error: …"), with the place first.
    error.title, error.message = BadRequest.title, f"SPARQL syntax error: {error.message}"
    return error


def to_response(reply: Reply) -> Response:
    headers = {"Vary": "Accept", **reply.headers}
    return Response(content=reply.body, media_type=reply.media_type, headers=headers)


async def answer(executor: Executor, job: QueryJob) -> Response:
    return to_response(await execute(executor, job))



def sparql_endpoint(get_executor: Callable[[], Executor], describe: Callable[[str], bytes],
                    known_graphs: Callable[[], set[str]], query_page: str = "/query"):
    """The protocol's endpoint, ``async (request) -> Response``. ``describe(media_type)`` gives
    the service description in Turtle or JSON-LD; browsers asking for HTML without a query are
    sent to ``query_page``; a dataset may name only the graphs ``known_graphs()`` gives (asked
    per query naming a dataset: a remote engine's list changes as graphs are loaded into it)."""

    async def handle(request: Request) -> Response:
        query, params = await read_request(request)
        if query is None:
            if request.method == "POST":
                raise BadRequest("no 'query' parameter: send a SPARQL query")
            media_type = negotiate(request.headers.get("accept"), DESCRIPTION_TYPES)
            if media_type == "text/html":
                return RedirectResponse(query_page, status_code=303, headers={"Vary": "Accept"})
            if media_type is None:
                raise NotAcceptable("the service description is available as text/turtle or application/ld+json")
            return Response(describe(media_type), media_type=media_type, headers={"Vary": "Accept"})
        accept = request.headers.get("accept")
        if request.method == "GET" and opens_editor(accept, params):
            return RedirectResponse(editor_address(query_page, query, params), status_code=303, headers={"Vary": "Accept"})
        try:
            return to_response(await execute(get_executor(), await checked_job(query, params, accept, known_graphs)))
        except BadRequest as error:
            raise syntax_error(query, error) or error from None

    return handle


def sparql_routes(get_executor: Callable[[], Executor], describe: Callable[[str], bytes],
                  known_graphs: Callable[[], set[str]], path: str = "/sparql", query_page: str = "/query") -> list[Route]:
    """The endpoint as plain Starlette routes, for the front of the application's routes: a
    FastAPI route's request handling (dependencies, response validation) costs as much as a
    small query. ``sparql_router`` documents the same endpoint in the OpenAPI description."""
    return [Route(path, sparql_endpoint(get_executor, describe, known_graphs, query_page), methods=["GET", "POST"])]


def sparql_router(get_executor: Callable[[], Executor], describe: Callable[[str], bytes],
                  known_graphs: Callable[[], set[str]], path: str = "/sparql", query_page: str = "/query") -> APIRouter:
    """The protocol as a FastAPI router (see ``sparql_endpoint``): what the OpenAPI description
    shows, and an app's endpoint where ``sparql_routes`` is not put in front of it."""
    router = APIRouter()
    handle = sparql_endpoint(get_executor, describe, known_graphs, query_page)
    description = ("SPARQL 1.1 Protocol: GET ?query=, POST form-encoded or application/sparql-query. "
                   "Read-only; SERVICE and updates are refused.")
    router.add_api_route(path, handle, methods=["GET"], summary="SPARQL 1.1 query endpoint (GET)", description=description,
                         openapi_extra=SPARQL_OPENAPI["get"])
    router.add_api_route(path, handle, methods=["POST"], summary="SPARQL 1.1 query endpoint (POST)", description=description,
                         openapi_extra=SPARQL_OPENAPI["post"])
    return router
