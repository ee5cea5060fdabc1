"""The shapes' IRIs on the web: ``https://w3id.org/peer-support/shapes/`` (served as
``/peer-support/shapes/``) answers the shapes by content negotiation, a documentation page for a
browser or the shapes graph in an RDF format; each shape's IRI answers 303 to its anchor on that
page or to the graph, as the vocabulary's terms do."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from peersupport.errors import NotFound
from peersupport.validation.validate import shapes_graph
from peersupport.vocabulary.shapes_docs import shape_names, shapes_page
from peersupport.web.templating import page_language, render
from peersupport.web.vocabulary import MEDIA_TYPES, RDFLIB_FORMATS, VARY, get_and_head, negotiated_format

BASE = "/peer-support/shapes/"


@lru_cache(maxsize=8)
def shapes_document(extension: str) -> bytes:
    """The shapes serialised in an RDF format (``ttl``, ``rdf``, ``jsonld``, ``nt``)."""
    return shapes_graph().serialize(format=RDFLIB_FORMATS[extension], encoding="utf-8")


def _answer(request: Request, extension: str, headers: dict | None = None) -> Response:
    if extension == "html":
        return render(request, "shapes.html", headers=headers, **shapes_page(shapes_graph(), page_language(request)))
    return Response(shapes_document(extension), media_type=MEDIA_TYPES[extension], headers=headers)


def shapes_router() -> APIRouter:
    router = APIRouter(tags=["vocabulary"])

    @get_and_head(router, "/peer-support/shapes", include_in_schema=False)
    def without_slash():
        return RedirectResponse(BASE, status_code=301, headers=VARY)

    @get_and_head(router, BASE, summary="the shapes, negotiated (HTML, Turtle, RDF/XML, JSON-LD, N-Triples)")
    def shapes(request: Request):
        return _answer(request, negotiated_format(request), VARY)

    @get_and_head(router, BASE + "shapes.{extension}", summary="the shapes in one format")
    def document(extension: str, request: Request):
        if extension not in MEDIA_TYPES:
            raise NotFound(f"no such document; use shapes.{{{','.join(MEDIA_TYPES)}}}",
                           "The shapes are at /peer-support/shapes/shapes.html, .ttl, .rdf, .jsonld and .nt.")
        return _answer(request, extension)

    @get_and_head(router, BASE + "{name}", summary="a shape's IRI: 303 to its documentation or RDF")
    def shape(name: str, request: Request):
        if name not in shape_names(shapes_graph()):
            raise NotFound(f"no shape {name!r}", "Every shape is listed at /peer-support/shapes/.", headers=VARY)
        extension = negotiated_format(request)
        target = f"{BASE}shapes.html#{name}" if extension == "html" else f"{BASE}shapes.{extension}"
        return RedirectResponse(target, status_code=303, headers=VARY)

    return router
