"""Pages and resources for people and machines: the home, query and validator pages, the
validator's HTTP API, and the vocabulary IRIs that dereference to HTML or RDF."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from peersupport import NAMESPACE
from peersupport.validation.inputs import InputError, format_from_name, parse
from peersupport.sparql.negotiation import negotiate
from peersupport.resources import context_file, data_dir

STATIC = Path(__file__).resolve().parent / "static"
VOCAB_TYPES = {"text/html": "html", "text/turtle": "ttl", "application/rdf+xml": "rdf", "application/ld+json": "jsonld",
               "application/n-triples": "nt"}
_RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}
REPORT_TYPES = ["text/html", "application/json", "text/turtle"]


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="stylesheet" href="/static/style.css"></head><body>'
            '<nav class="top"><a href="/">Home</a><a href="/query">Query</a><a href="/validate">Validate</a>'
            '<a href="/peer-support/">Vocabulary</a><a href="/docs">API</a></nav>'
            f"{body}</body></html>\n")


# ---------------------------------------------------------------- vocabulary

@lru_cache(maxsize=1)
def _vocabulary():
    from peersupport.vocabulary.graph import load_ontology

    return load_ontology()


@lru_cache(maxsize=8)
def vocabulary_document(extension: str) -> bytes:
    if extension == "html":
        from peersupport.vocabulary.docs import vocabulary_html

        return vocabulary_html(_vocabulary()).encode()
    return _vocabulary().serialize(format=_RDFLIB_FORMATS[extension], encoding="utf-8")


def _media_type(extension: str) -> str:
    return {v: k for k, v in VOCAB_TYPES.items()}[extension]


def vocabulary_router() -> APIRouter:
    router = APIRouter(tags=["vocabulary"])

    def not_acceptable() -> Response:
        return PlainTextResponse("the vocabulary is available as " + ", ".join(VOCAB_TYPES), status_code=406,
                                 headers={"Vary": "Accept"})

    @router.get("/peer-support/", summary="the vocabulary, negotiated (HTML, Turtle, RDF/XML, JSON-LD, N-Triples)")
    def namespace(request: Request):
        media_type = negotiate(request.headers.get("accept"), list(VOCAB_TYPES))
        if media_type is None:
            return not_acceptable()
        return Response(vocabulary_document(VOCAB_TYPES[media_type]), media_type=media_type, headers={"Vary": "Accept"})

    @router.get("/peer-support/vocab.{extension}", summary="the vocabulary in one format")
    def document(extension: str):
        if extension not in _RDFLIB_FORMATS and extension != "html":
            return PlainTextResponse(f"no such document; use vocab.{{{','.join(VOCAB_TYPES.values())}}}", status_code=404)
        return Response(vocabulary_document(extension), media_type=_media_type(extension))

    @router.get("/peer-support/context.jsonld", summary="the JSON-LD context")
    def context():
        return FileResponse(context_file(), media_type="application/ld+json")

    @router.get("/peer-support/{term}", summary="a vocabulary term: 303 to its documentation or RDF")
    def term(term: str, request: Request):
        from rdflib import RDF, URIRef

        if (URIRef(NAMESPACE + term), RDF.type, None) not in _vocabulary():
            return PlainTextResponse(f"no term {term!r} in the vocabulary", status_code=404, headers={"Vary": "Accept"})
        media_type = negotiate(request.headers.get("accept"), list(VOCAB_TYPES))
        if media_type is None:
            return not_acceptable()
        extension = VOCAB_TYPES[media_type]
        target = f"/peer-support/vocab.html#{term}" if extension == "html" else f"/peer-support/vocab.{extension}"
        return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})

    downloads = {
        "ontology.ttl": lambda: (vocabulary_document("ttl"), "text/turtle"),
        "shapes.ttl": lambda: (b"".join(p.read_bytes() for p in sorted(data_dir("shapes").glob("*.ttl"))), "text/turtle"),
        "context.jsonld": lambda: (context_file().read_bytes(), "application/ld+json"),
        "mappings.sssom.tsv": lambda: ((data_dir("ontology") / "mappings.sssom.tsv").read_bytes(), "text/tab-separated-values"),
        "roles.csv": lambda: ((data_dir("data") / "templates" / "roles.csv").read_bytes(), "text/csv"),
    }

    @router.get("/downloads/{name}", summary="download the ontology, shapes, JSON-LD context or mappings")
    def download(name: str):
        if name not in downloads:
            return PlainTextResponse(f"no download {name!r}; available: {', '.join(downloads)}", status_code=404)
        body, media_type = downloads[name]()
        return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router


# ---------------------------------------------------------------- validator

def _report_response(report, media_type: str, lang: str) -> Response:
    from peersupport.validation.report import to_html, to_json, to_turtle

    headers = {"Vary": "Accept", "Cache-Control": "no-store"}
    if media_type == "application/json":
        return Response(to_json(report, lang), media_type="application/json", headers=headers)
    if media_type == "text/turtle":
        return Response(to_turtle(report), media_type="text/turtle", headers=headers)
    return HTMLResponse(to_html(report, lang), headers=headers)


def validate_router() -> APIRouter:
    router = APIRouter(tags=["validator"])
    slots: list[anyio.CapacityLimiter] = []

    def _validation_slots() -> anyio.CapacityLimiter:
        """At most two validations at once (pySHACL itself runs one at a time). Made on first
        use: a limiter belongs to the event loop that runs the service."""
        if not slots:
            slots.append(anyio.CapacityLimiter(2))
        return slots[0]

    @router.get("/validate", response_class=HTMLResponse, summary="the validator page")
    def page():
        return _page("Validate roles", VALIDATE_BODY)

    @router.post("/validate", summary="validate role descriptions (Turtle, N-Triples, RDF/XML, JSON-LD or the CSV template)",
                 description="Send a file as multipart form data (fields file or text, format, lang, classify) or the data as "
                             "the body with its media type. The report is negotiated: text/html, application/json or text/turtle "
                             "(sh:ValidationReport). classify=true also reads each role with the OWL reasoner (about a "
                             "second more). Nothing sent is stored.",
                 openapi_extra={
                     "parameters": [{"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["en", "fr"]}},
                                    {"name": "classify", "in": "query", "required": False, "schema": {"type": "boolean"}}],
                     "requestBody": {"required": True, "content": {
                         "multipart/form-data": {"schema": {"type": "object", "properties": {
                             "file": {"type": "string", "format": "binary"}, "text": {"type": "string"},
                             "format": {"type": "string", "enum": ["turtle", "nt", "xml", "json-ld", "csv"]},
                             "lang": {"type": "string", "enum": ["en", "fr"]}}}},
                         "text/turtle": {"schema": {"type": "string"}}, "application/n-triples": {"schema": {"type": "string"}},
                         "application/rdf+xml": {"schema": {"type": "string"}}, "application/ld+json": {"schema": {"type": "string"}},
                         "text/csv": {"schema": {"type": "string"}}}}})
    async def validate(request: Request):
        from peersupport.validation.validate import validate_graph

        media_type = negotiate(request.headers.get("accept"), REPORT_TYPES)
        if media_type is None:
            return PlainTextResponse("the report is available as " + ", ".join(REPORT_TYPES), status_code=406)
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        lang = request.query_params.get("lang", "en")
        classify = request.query_params.get("classify", "false").lower() in ("true", "1", "yes", "on")
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.form()
            lang = str(form.get("lang") or lang)
            classify = classify or str(form.get("classify") or "").lower() in ("true", "1", "yes", "on")
            upload, text = form.get("file"), str(form.get("text") or "")
            if upload is not None and getattr(upload, "filename", ""):
                data, name = await upload.read(), upload.filename
            elif text.strip():
                data, name = text.encode(), None
            else:
                return PlainTextResponse("nothing to validate: choose a file or paste your data", status_code=400)
            fmt = format_from_name(str(form.get("format") or "")) or format_from_name(name)
            if fmt is None:
                return PlainTextResponse("cannot tell the format: choose one (Turtle, N-Triples, RDF/XML, JSON-LD or CSV)", status_code=400)
        else:
            fmt = format_from_name(content_type)
            if fmt is None:
                return PlainTextResponse(f"unsupported Content-Type {content_type or '(none)'!r}; send text/turtle, "
                                         "application/n-triples, application/rdf+xml, application/ld+json or text/csv",
                                         status_code=415)
            data = await request.body()
        if lang not in ("en", "fr"):
            return PlainTextResponse(f"unknown language {lang!r}; use en or fr", status_code=400)
        # Validations take their turn for a few slots: waiting ones hold no thread, so they never
        # crowd out SPARQL queries; one whose client has gone is dropped before it starts.
        async with _validation_slots():
            if await request.is_disconnected():
                return PlainTextResponse("the client went away", status_code=400)
            # Parsing and checking run in a worker thread: a large upload must not stall the
            # event loop that answers everyone else.
            try:
                graph = await anyio.to_thread.run_sync(parse, data, fmt)
            except InputError as error:
                return PlainTextResponse(f"cannot read the data: {error}", status_code=400)
            report = await anyio.to_thread.run_sync(validate_graph, graph, classify)
        return _report_response(report, media_type, lang)

    return router


VALIDATE_BODY = """<h1>Is this role really peer support?</h1>
<p>Upload your role descriptions — the <a href="/downloads/roles.csv">spreadsheet template</a> (CSV) or RDF
(Turtle, N-Triples, RDF/XML, JSON-LD) — or paste them below. The report says, for each role that claims to
offer peer support, which marks are missing (reciprocal, voluntary, lived experience, non-clinical), why they
matter and how to fix the data. Nothing you send is stored.</p>
<form id="validate-form" method="post" action="/validate" enctype="multipart/form-data">
<p><label>File <input type="file" name="file" id="file"></label></p>
<p><label for="text">Or paste</label><br><textarea name="text" id="text" rows="12"></textarea></p>
<p><label>Format <select name="format" id="format"><option value="">from the file name</option>
<option value="turtle">Turtle</option><option value="csv">CSV template</option><option value="json-ld">JSON-LD</option>
<option value="xml">RDF/XML</option><option value="nt">N-Triples</option></select></label>
<label><input type="checkbox" name="classify" value="on" checked> Also read each role with the OWL reasoner (slower)</label>
<label>Language <select name="lang"><option value="en">English</option><option value="fr">Français</option></select></label></p>
<p><button type="submit" id="validate-button">Validate</button></p>
</form>"""


# ---------------------------------------------------------------- pages

def pages_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.routes.append(_static_mount())

    @router.get("/", response_class=HTMLResponse)
    def home():
        return _page("Peer Support Vocabulary", HOME_BODY)

    @router.get("/query", response_class=HTMLResponse)
    def query_page():
        from peersupport.sparql.catalogue import catalogue

        # The editor gets each query with its parameters bound to their defaults, so it runs as shown.
        options = "".join(
            f'<option value="{escape(q.name)}" data-query="{escape(q.with_defaults())}" title="{escape(q.description)}">{escape(q.title)}</option>'
            for q in catalogue()
        )
        first = escape(catalogue()[0].with_defaults()) if catalogue() else ""
        questions = "".join(_catalogue_entry(q) for q in catalogue())
        return _page("Query the peer-support graph", QUERY_BODY.format(options=options, first=first, questions=questions))

    return router


def _catalogue_entry(query) -> str:
    parameters = "".join(
        f"<li><code>{escape(p.name)}</code> ({escape(p.type)}, default <code>{escape(p.default)}</code>): {escape(p.description)}</li>"
        for p in query.parameters)
    return (f'<li id="q-{escape(query.name)}"><a href="/queries/{escape(query.name)}?format=csv">{escape(query.title)}</a>'
            f"<br>{escape(query.description)}<ul>{parameters}</ul></li>")


def _static_mount():
    from starlette.routing import Mount

    return Mount("/static", app=StaticFiles(directory=STATIC), name="static")


HOME_BODY = """<h1>Peer Support Vocabulary</h1>
<p>Peer support means people with lived experience supporting each other on equal terms: two-way, freely
chosen, non-clinical. Many roles titled "peer support" are something else. This service offers a shared
language and a test.</p>
<ul>
<li><a href="/query">Query the graph</a> with SPARQL (endpoint: <code>/sparql</code>, SPARQL 1.1 Protocol).</li>
<li><a href="/validate">Check your roles</a>: are they reciprocal and voluntary?</li>
<li><a href="/peer-support/">Read and reuse the vocabulary</a> (HTML, Turtle, RDF/XML, JSON-LD).</li>
</ul>"""

QUERY_BODY = """<h1>Query the peer-support graph</h1>
<form id="query-form">
<p><label>Example queries <select id="catalogue"><option value="">choose…</option>{options}</select></label></p>
<p><textarea id="query" name="query" rows="14">{first}</textarea></p>
<p><button type="submit" id="run">Run</button> <span id="status"></span></p>
</form>
<div id="output"></div>
<h2>Research questions</h2>
<p>Each runs over HTTP as <code>/queries/NAME?parameter=value</code> (results negotiated as on
<code>/sparql</code>; <a href="/queries">the list as JSON</a>) and from the command line as
<code>peersupport query NAME --param parameter=value</code>.</p>
<ol class="catalogue">{questions}</ol>
<script src="/static/query.js"></script>"""
