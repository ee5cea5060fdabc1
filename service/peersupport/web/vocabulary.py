"""The vocabulary on the web: the namespace and each term IRI dereference, by content
negotiation, to the documentation page or to the vocabulary in an RDF format; the JSON-LD
context (downloads are in ``web/downloads.py``)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from rdflib import OWL, RDF, URIRef

from peersupport import NAMESPACE
from peersupport.errors import NotAcceptable, NotFound
from peersupport.resources import context_file, data_dir
from peersupport.sparql.negotiation import negotiate
from peersupport.vocabulary import docs
from peersupport.web.templating import render

VOCAB_TYPES = {"text/html": "html", "text/turtle": "ttl", "application/rdf+xml": "rdf", "application/ld+json": "jsonld",
               "application/n-triples": "nt"}
RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}
MEDIA_TYPES = {extension: media for media, extension in VOCAB_TYPES.items()}
VARY = {"Vary": "Accept"}


@lru_cache(maxsize=1)
def _page_values() -> dict:
    return docs.vocabulary(docs.shared_vocabulary())


@lru_cache(maxsize=8)
def vocabulary_document(extension: str) -> bytes:
    """The vocabulary serialised in an RDF format (``ttl``, ``rdf``, ``jsonld``, ``nt``)."""
    return docs.shared_vocabulary().serialize(format=RDFLIB_FORMATS[extension], encoding="utf-8")


def current_versions(ontology: str = NAMESPACE) -> list[str]:
    """The versions served of the vocabulary (or of one of its modules, named by its IRI): the
    local name of each ``owl:versionIRI`` it states (read from the graph, never written here)."""
    prefix = ontology.rstrip("/") + "/version/"
    return sorted(str(v)[len(prefix):] for v in docs.shared_vocabulary().objects(URIRef(ontology), OWL.versionIRI)
                  if str(v).startswith(prefix))


def _answer(request: Request, extension: str, headers: dict | None = None) -> Response:
    if extension == "html":
        return render(request, "vocabulary.html", headers=headers, **_page_values())
    return Response(vocabulary_document(extension), media_type=MEDIA_TYPES[extension], headers=headers)


def negotiated_format(request: Request) -> str:
    """The extension of the format ``Accept`` prefers; NotAcceptable when it names none we have."""
    media_type = negotiate(request.headers.get("accept"), list(VOCAB_TYPES))
    if media_type is None:
        raise NotAcceptable("the vocabulary is available as " + ", ".join(VOCAB_TYPES), headers=VARY)
    return VOCAB_TYPES[media_type]


def get_and_head(router: APIRouter, path: str, **options):
    """Register a GET route that answers HEAD too; HEAD stays out of the OpenAPI document (one
    operation per path, as HTTP implies HEAD wherever GET is), so operation ids stay unique."""
    def register(function):
        router.get(path, **options)(function)
        router.head(path, include_in_schema=False)(function)
        return function
    return register


def vocabulary_router() -> APIRouter:
    router = APIRouter(tags=["vocabulary"])

    @get_and_head(router, "/peer-support/", summary="the vocabulary, negotiated (HTML, Turtle, RDF/XML, JSON-LD, N-Triples)")
    def namespace(request: Request):
        return _answer(request, negotiated_format(request), VARY)

    @get_and_head(router, "/peer-support/vocab.{extension}", summary="the vocabulary in one format")
    def document(extension: str, request: Request):
        if extension not in MEDIA_TYPES:
            raise NotFound(f"no such document; use vocab.{{{','.join(VOCAB_TYPES.values())}}}",
                           "The vocabulary is at /peer-support/vocab.html, .ttl, .rdf, .jsonld and .nt.")
        return _answer(request, extension)

    @get_and_head(router, "/peer-support/context.jsonld", summary="the JSON-LD context")
    def context():
        return FileResponse(context_file(), media_type="application/ld+json")

    @get_and_head(router, "/peer-support/version/{version}", summary="a version IRI: that version, negotiated")
    def version(version: str, request: Request):
        known = current_versions()
        if version not in known:
            raise NotFound(f"no version {version!r}; versions: {', '.join(known)}", "Ask for one of the versions named.", headers=VARY)
        return _answer(request, negotiated_format(request), VARY)

    @get_and_head(router, "/peer-support/{module}/version/{version}", summary="a module's version IRI: the vocabulary holding it, negotiated")
    def module_version(module: str, version: str, request: Request):
        known = current_versions(NAMESPACE + module)
        if version not in known:
            raise NotFound(f"no version {version!r} of module {module!r}" + (f"; versions: {', '.join(known)}" if known else ""),
                           "The vocabulary's modules and their versions are listed at /peer-support/.", headers=VARY)
        return _answer(request, negotiated_format(request), VARY)

    @get_and_head(router, "/peer-support/mappings.sssom.tsv", summary="the SSSOM mapping set")
    def mapping_set():
        return Response((data_dir("ontology") / "mappings.sssom.tsv").read_bytes(), media_type="text/tab-separated-values", headers=VARY)

    @get_and_head(router, "/peer-support/{term}", summary="a vocabulary term: 303 to its documentation or RDF")
    def term(term: str, request: Request):
        if (URIRef(NAMESPACE + term), RDF.type, None) not in docs.shared_vocabulary():
            raise NotFound(f"no term {term!r} in the vocabulary", "Every term is listed at /peer-support/.", headers=VARY)
        extension = negotiated_format(request)
        target = f"/peer-support/vocab.html#{term}" if extension == "html" else f"/peer-support/vocab.{extension}"
        return RedirectResponse(target, status_code=303, headers=VARY)

    return router
