"""The sources the vocabulary and shapes cite, on the web: ``/sources`` lists them and
``/sources/{id}`` shows one (what it is, its citation, the sections cited with the terms and
shapes citing each). A source's IRI (``https://w3id.org/peer-support/source/003_….txt``, served
as ``/peer-support/source/…``) answers 303 to its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from peersupport.errors import NotFound
from peersupport.vocabulary import sources as bibliography
from peersupport.web.templating import page_language, render
from peersupport.web.vocabulary import get_and_head


def _source_view(source: bibliography.Source, lang: str) -> dict:
    return {"id": source.id, "iri": source.iri, "title": source.title, "short_title": source.short_title,
            "creator": source.creator, "publisher": source.publisher, "year": source.year, "citation": source.citation,
            "description": source.description(lang)}


def _known(ident: str) -> bibliography.Source:
    source = bibliography.sources().get(ident)
    if source is None:
        raise NotFound(f"no source {ident!r}", "Every source the vocabulary cites is listed at /sources.")
    return source


def sources_router() -> APIRouter:
    router = APIRouter(tags=["vocabulary"])

    @router.get("/sources", summary="the sources the vocabulary and shapes cite", include_in_schema=False)
    def index(request: Request):
        lang = page_language(request)
        return render(request, "sources.html", sources=[_source_view(s, lang) for s in bibliography.sources().values()])

    @router.get("/sources/{ident}", summary="one source: what it is, its citation, the sections cited", include_in_schema=False)
    def source(ident: str, request: Request):
        lang = page_language(request)
        found = _known(ident)
        return render(request, "source.html", source=_source_view(found, lang), sections=bibliography.sections(found.id, lang))

    @get_and_head(router, "/peer-support/source/{name}", summary="a source's IRI: 303 to its page", include_in_schema=False)
    def source_iri(name: str):
        ident = bibliography.source_id(bibliography.SOURCE_NAMESPACE + name)
        found = _known(ident or name)
        return RedirectResponse(f"/sources/{found.id}", status_code=303, headers={"Vary": "Accept"})

    return router
