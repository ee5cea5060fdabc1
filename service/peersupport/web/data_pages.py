"""Data that dereferences: every IRI the graph holds has a page, HTML for people and RDF for
machines, read from the store through the executor (so it works in front of a remote endpoint).

- ``/peer-support/data/…`` answers for the IRIs the project mints for data
  (``https://w3id.org/peer-support/data/…``: organisations, projects, roles, survey datasets and
  observations). Such an IRI names a thing, not a document, so it answers 303 to the document
  about it, chosen by ``Accept`` (``Vary: Accept``), as the vocabulary's term IRIs do.
- ``/resource?iri=IRI`` is that document, for any IRI the store holds, whatever its namespace:
  HTML, or Turtle, JSON-LD, N-Triples, RDF/XML by ``Accept`` or ``format=``. The RDF holds the
  statements about the IRI (with those of the blank nodes it points to). IRIs that have their own
  page elsewhere — vocabulary terms, and sources (``/sources``) — are sent there for HTML.
- ``/peer-support/graph/…``: a graph's IRI (one per file, ``https://w3id.org/peer-support/graph/…``)
  names the graph itself, a document: the page lists what it describes, a page at a time, with a
  link to each resource's page; the RDF is the graph's statements (up to the row cap).

A graph served with ``--data`` (``…/graph/local/NAME``) is served the same way: its IRI is its
namespace on this service (``/peer-support/graph/local/NAME`` lists every resource it describes),
each of its resources has its page at ``/resource?iri=…`` on this host whatever namespace the file
mints them in, and those it mints under ``https://w3id.org/peer-support/data/`` dereference at their
own path too. An IRI the store holds nothing about is a 404.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from peersupport.errors import BadRequest, NotAcceptable, NotFound
from peersupport.sparql.jobs import Executor
from peersupport.sparql.negotiation import negotiate
from peersupport.vocabulary import sources as bibliography
from peersupport.web.resource_view import graph_view, holds, local_path, page_of, resource_view
from peersupport.web.store_reads import DATA_BASE, GRAPH_BASE, count, iri_term, run
from peersupport.web.templating import page_language, render

DOCUMENT_TYPES = {"text/html": "html", "text/turtle": "ttl", "application/ld+json": "jsonld",
                  "application/n-triples": "nt", "application/rdf+xml": "rdf"}
_MEDIA_TYPES = {extension: media for media, extension in DOCUMENT_TYPES.items()}
VARY = {"Vary": "Accept"}
_HINT = "Start from a graph's page, such as /peer-support/graph/data/consultation-2012/projects.ttl, or from /roles."


def _extension(request: Request, format_name: str | None) -> str:
    if format_name is not None:
        if format_name not in _MEDIA_TYPES:
            raise BadRequest(f"unknown format {format_name!r}; use one of: {', '.join(_MEDIA_TYPES)}", headers=VARY)
        return format_name
    media_type = negotiate(request.headers.get("accept"), list(DOCUMENT_TYPES))
    if media_type is None:
        raise NotAcceptable("a data page is available as " + ", ".join(DOCUMENT_TYPES), headers=VARY)
    return DOCUMENT_TYPES[media_type]


def _offset(text: str | None) -> int:
    if text is None or text == "":
        return 0
    if not text.isdigit() or len(text) > 9:
        raise BadRequest(f"the 'from' parameter must be a whole number of at most 9 digits, not {text!r}")
    return int(text)


def document_address(iri: str, extension: str) -> str:
    return page_of(iri) + ("" if extension == "html" else f"&format={extension}")


def _rdf(executor: Executor, query: str, extension: str) -> Response:
    reply = run(executor, query, accept=_MEDIA_TYPES[extension])
    return Response(reply.body, media_type=reply.media_type, headers={**VARY, **reply.headers})


def _elsewhere(iri: str) -> str | None:
    """The page of an IRI that has its own, not a data page: a source, a vocabulary term."""
    if iri.startswith(bibliography.SOURCE_NAMESPACE):
        ident = bibliography.source_id(iri.split("#", 1)[0])
        return f"/sources/{ident}" if ident else None
    path = local_path(iri)
    if path is not None and not path.startswith(("/peer-support/data/", "/peer-support/graph/")):
        return path
    return None


def data_pages_router(get_executor: Callable[[], Executor]) -> APIRouter:
    router = APIRouter(tags=["data"])

    @router.get("/resource", summary="the page about any IRI the graph holds: HTML or RDF (Turtle, JSON-LD, N-Triples, RDF/XML)")
    def resource(request: Request, iri: str = Query(..., description="the IRI"), format: str | None = None,
                 start: str | None = Query(None, alias="from", description="the first link pointing to it shown")):
        iri_term(iri)
        extension = _extension(request, format)
        executor = get_executor()
        if not holds(executor, iri):
            raise NotFound(f"the graph holds nothing about <{iri}>", _HINT, headers=VARY)
        if extension != "html":
            return _rdf(executor, f"CONSTRUCT {{ {iri_term(iri)} ?p ?o . ?o ?bp ?bo }} WHERE {{ {iri_term(iri)} ?p ?o "
                                  f"OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }} }}", extension)
        elsewhere = _elsewhere(iri)
        if elsewhere is not None:
            return RedirectResponse(elsewhere, status_code=303, headers=VARY)
        lang = page_language(request)
        view = resource_view(executor, iri, lang, _offset(start))
        return render(request, "resource.html", headers=VARY, resource=view, formats=_formats(iri), lang=lang)

    @router.get("/peer-support/data/{path:path}", summary="a data IRI: 303 to its page (HTML) or its RDF, by Accept")
    def data_iri(path: str, request: Request):
        iri = DATA_BASE + path
        extension = _extension(request, None)
        if not holds(get_executor(), iri):
            raise NotFound(f"the graph holds nothing about <{iri}>", _HINT, headers=VARY)
        return RedirectResponse(document_address(iri, extension), status_code=303, headers=VARY)

    @router.get("/peer-support/graph/{path:path}", summary="a graph of the store: what it describes (HTML) or its statements (RDF)")
    def graph(path: str, request: Request, format: str | None = None,
              start: str | None = Query(None, alias="from", description="the first resource listed")):
        iri = GRAPH_BASE + path
        extension = _extension(request, format)
        executor = get_executor()
        if not count(executor, f"{{ SELECT ?s WHERE {{ GRAPH {iri_term(iri)} {{ ?s ?p ?o }} }} LIMIT 1 }}"):
            raise NotFound(f"this store has no graph <{iri}>", "GET /sparql describes the service and lists its graphs.",
                           headers=VARY)
        if extension != "html":
            return _rdf(executor, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_term(iri)} {{ ?s ?p ?o }} }}", extension)
        view = graph_view(executor, iri, page_language(request), _offset(start))
        return render(request, "graph.html", headers=VARY, graph=view,
                      formats=[(ext, f"/peer-support/graph/{quote(path)}?format={ext}") for ext in _MEDIA_TYPES if ext != "html"])

    return router


def _formats(iri: str) -> list[tuple[str, str]]:
    return [(extension, document_address(iri, extension)) for extension in _MEDIA_TYPES if extension != "html"]

