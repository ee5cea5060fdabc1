"""The validator on the web: its page (``GET /validate``) and ``POST /validate``, which checks
role descriptions sent as a form (a file or pasted text) or as the request body, and answers
with the report as a page, JSON or Turtle (negotiated, or a download the report page asks for).
Nothing sent is stored: the report page holds the data itself to ask for a download (text in a
hidden text area, a binary spreadsheet base64-encoded in a hidden field).

When a browser's form cannot be used (bad input), the error carries what the form held
(``error.form``): ``web/errors.py`` then shows the validator page again, the problems above the
form still filled in, an uploaded file kept in the page to send again.

``graph=IRI`` validates a graph the service holds. The embedded store's is read whole with one
CONSTRUCT; in remote mode (``--sparql-endpoint``) the engine's graph may be far larger than this
process should hold, so it is validated in batches of focus nodes (``store.batched_validation``;
the setting ``remote_batch`` nodes at a time, 0 reading it whole as embedded) in a worker thread,
under the same validation slots. An engine that does not answer is a 503 naming it (as "the engine
behind this service": its address is not told to the web), one that refuses a 502."""

from __future__ import annotations

import base64
import binascii
import functools
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from peersupport.errors import BadRequest, EngineUnavailable, NotAcceptable, NotFound, ServiceError, UnsupportedFormat, UpstreamFailure
from peersupport.sparql.negotiation import negotiate
from peersupport.store.loading import GRAPH_BASE
from peersupport.validation.inputs import (BINARY_FORMATS, ODS_TYPE, XLSX_TYPE, Parsed, detect_format, format_from_name, read_input,
                                          require_roles)
from peersupport.validation.messages import request_error
from peersupport.web.templating import LANGUAGES, render

REPORT_TYPES = ["text/html", "application/json", "text/turtle"]
DOWNLOADS = {"json": ("application/json", "report.json"), "turtle": ("text/turtle", "report.ttl"),
             "html": ("text/html; charset=utf-8", "report.html"), "csv": ("text/csv; charset=utf-8", "problems.csv"),
             "input": ("text/turtle", "input.ttl")}  # the input itself as read, converted to Turtle
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
BODY_TYPES = f"text/turtle, application/n-triples, application/rdf+xml, application/ld+json, text/csv, {XLSX_TYPE} (.xlsx) or {ODS_TYPE} (.ods)"
RESEND_BYTES = 512 * 1024  # data up to this size rides in the page (report, or form after an error), to send again
FORMAT_CHOICES = ["csv", "xlsx", "ods", "turtle", "json-ld", "xml", "nt"]  # as the page lists them: spreadsheets first
_OPENAPI = {
    "parameters": [{"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LANGUAGES)}},
                   {"name": "classify", "in": "query", "required": False, "schema": {"type": "boolean"}},
                   {"name": "graph", "in": "query", "required": False, "schema": {"type": "string", "format": "iri"},
                    "description": "validate this graph of the store (or of the engine in remote mode) instead of a body"}],
    "requestBody": {"required": False, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "text": {"type": "string"},
            "kept": {"type": "string", "format": "byte", "description": "a file sent before, base64 (the pages send it "
                     "again); used when keep=on and no file is chosen"},
            "kept_name": {"type": "string"}, "keep": {"type": "string", "enum": ["on"]},
            "format": {"type": "string", "enum": FORMAT_CHOICES},
            "lang": {"type": "string", "enum": list(LANGUAGES)},
            "report": {"type": "string", "enum": list(DOWNLOADS), "description":
                       "a file to download instead of the report page: the report as json, turtle (SHACL), html or csv "
                       "(one row per problem), or input: the data sent, as read (from a spreadsheet or RDF), in Turtle"}}}},
        **{media: {"schema": {"type": "string"}} for media in
           ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json", "text/csv", XLSX_TYPE, ODS_TYPE)}}},
}


@dataclass
class Submission:
    data: bytes
    format: str
    lang: str
    classify: bool
    download: str | None = None  # one of DOWNLOADS: a file, whatever Accept says
    parsed: Parsed | None = None  # once read: the graph, and how it was read (encoding, separator, rows)
    name: str | None = None  # the uploaded file's name
    form: FormState | None = None  # what the validator page's form held, for a browser to see it again
    engine_graph: str | None = None  # remote mode: a graph of the engine, validated there in batches


@dataclass
class FormState:
    """What the validator page's form held, to show it again filled in above an error."""

    text: str = ""
    format: str = ""
    classify: bool = True
    kept: str | None = None  # an uploaded file, base64, sent again with the form
    kept_name: str | None = None
    dropped: str | None = None  # the name of an uploaded file too large to keep in the page


def _yes(value) -> bool:
    return str(value or "").lower() in ("true", "1", "yes", "on")


def _encoded(data: bytes) -> str | None:
    """``data`` base64-encoded to ride in a page, or None beyond RESEND_BYTES."""
    return base64.b64encode(data).decode("ascii") if len(data) <= RESEND_BYTES else None


def _kept(form) -> tuple[bytes, str | None] | None:
    """A file sent before and kept in the page (fields kept, kept_name, keep=on), or None."""
    kept = str(form.get("kept") or "")
    if not kept or not _yes(form.get("keep")):
        return None
    try:
        return base64.b64decode(kept, validate=True), str(form.get("kept_name") or "") or None
    except (binascii.Error, ValueError):
        raise request_error("kept-not-base64", "choose-file-again") from None


async def _graph_submission(graph: str, store, lang: str, classify: bool, batch: int) -> Submission:
    """A graph of the store to validate, read with CONSTRUCT; in remote mode with ``batch`` nodes a
    batch (not 0), a graph of the engine named only (``_validate_engine_graph`` validates it)."""
    from peersupport.sparql.remote import RemoteEndpoint
    from peersupport.web.store_reads import iri_term, run

    executor, graphs = store
    term = iri_term(graph)
    remote = isinstance(executor(), RemoteEndpoint)
    # The engine's failures to list its graphs pass as they are: 503 when it does not answer, 502
    # when it answers badly.
    known = await anyio.to_thread.run_sync(graphs)
    if graph not in known:
        raise NotFound(f"the store holds no graph {term}", "Name one of the graphs the service description lists "
                                                             "(GET /sparql), as graph=IRI.")
    if remote and batch:
        return Submission(b"", "nt", lang, classify, engine_graph=graph)
    reply = await anyio.to_thread.run_sync(
        run, executor(), f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term} {{ ?s ?p ?o }} }}", "application/n-triples")
    return Submission(reply.body, "nt", lang, classify)


def _validate_engine_graph(endpoint, submission: Submission, batch: int):
    """The report on the engine's graph ``submission.engine_graph``, validated in batches (run in a
    worker thread); the engine's failures as typed errors, the engine's address left out."""
    from peersupport.store.batched_validation import validate_engine_graphs
    from peersupport.store.remote_graphs import EngineUnreachable, RemoteReadError

    try:
        report, _ = validate_engine_graphs(endpoint.url, [submission.engine_graph], endpoint.engine.name,
                                           classify=submission.classify, size=batch)
    except RemoteReadError as error:
        message = str(error).replace(f"the engine at {endpoint.url}", "the SPARQL engine behind this service")
        message = message.replace(f"of {endpoint.url}", "of the engine")
        if isinstance(error, EngineUnreachable):
            raise EngineUnavailable(message) from None
        raise UpstreamFailure(message) from None
    return report


async def _submission(request: Request, store=None, batch: int = 0) -> Submission:
    """What was sent, from a form or from the body; BadRequest or UnsupportedFormat if it cannot be used."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    lang = request.query_params.get("lang", "en")
    classify = _yes(request.query_params.get("classify"))
    if request.query_params.get("graph") and store is not None:
        return await _graph_submission(request.query_params["graph"], store, lang, classify, batch)
    if content_type not in FORM_TYPES:
        fmt = format_from_name(content_type)
        if fmt is None:
            raise UnsupportedFormat(f"unsupported Content-Type {content_type or '(none)'!r}; send {BODY_TYPES}",
                                    "Send the data as the body with one of these media types, or as a form (field file or text).")
        return Submission(await request.body(), fmt, lang, classify)
    form = await request.form()
    upload, text = form.get("file"), str(form.get("text") or "")
    lang, classify = str(form.get("lang") or lang), classify or _yes(form.get("classify"))
    if form.get("graph") and store is not None:  # the page's second form: a graph the service holds
        return await _graph_submission(str(form["graph"]), store, lang if lang in LANGUAGES else "en", classify, batch)
    state = FormState(text, str(form.get("format") or ""), classify)
    try:
        if lang not in LANGUAGES:
            raise request_error("unknown-language", "send-lang", language=lang)
        kept = _kept(form)
        if upload is not None and getattr(upload, "filename", ""):
            data, name = await upload.read(), upload.filename
        elif kept is not None:
            data, name = kept
        elif text.strip():
            data, name = text.encode(), None
        else:
            raise request_error("nothing-sent", "choose-or-paste", title="Nothing to validate")
        if name is not None:
            state.kept, state.kept_name = _encoded(data), name
            state.dropped = None if state.kept else name
        fmt = format_from_name(state.format) or format_from_name(name) or detect_format(data)
        if fmt is None:
            raise request_error("format-unknown", "choose-format", title="Which format is this?")
        download = str(form.get("report") or "") or None
        if download is not None and download not in DOWNLOADS:
            raise request_error("unknown-report", "send-report", report=download, reports=", ".join(DOWNLOADS))
    except BadRequest as error:
        raise _with_form(error, state, lang)
    return Submission(data, fmt, lang, classify, download, name=name, form=state)


def _with_form(error: BadRequest, state: FormState, lang: str) -> BadRequest:
    """``error`` carrying the form as it was, for ``web/errors.py`` to show it again filled in."""
    error.form = {**asdict(state), "lang": lang if lang in LANGUAGES else "en"}
    return error


def again_link(lang: str, fmt: str | None = None, classify: bool = False) -> str:
    """The validator page with the language and options chosen, for "check another file"."""
    query = {"lang": lang, **({"format": fmt} if fmt else {}), **({"classify": "on"} if classify else {"classify": "off"})}
    return "/validate?" + urlencode(query)


def _resend(submission: Submission) -> dict | None:
    """The data to send again for a download, up to RESEND_BYTES: text as text, a binary
    spreadsheet base64-encoded (a text area would change its bytes)."""
    if len(submission.data) > RESEND_BYTES or submission.engine_graph is not None:
        return None  # an engine's graph is validated where it is: its data does not ride in the page
    common = {"format": submission.format, "classify": submission.classify}
    if submission.format in BINARY_FORMATS:
        return {"kept": _encoded(submission.data), "kept_name": submission.name or "", **common}
    return {"text": submission.data.decode("utf-8", "replace"), **common}


def _report_page(request: Request, report, submission: Submission, headers: dict) -> Response:
    from peersupport.validation.report import view

    return render(request, "report.html", headers=headers, lang=submission.lang, resend=_resend(submission),
                  again=again_link(submission.lang, submission.format, submission.classify),
                  **view(report, submission.lang, submission.parsed))


def _answer(request: Request, report, submission: Submission, media_type: str) -> Response:
    from peersupport.validation.report import to_csv, to_html, to_json, to_turtle

    headers = {"Vary": "Accept", "Cache-Control": "no-store"}
    origin = submission.parsed
    if submission.download:
        media_type, filename = DOWNLOADS[submission.download]
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        if submission.download == "html":
            return Response(to_html(report, submission.lang, origin), media_type=media_type, headers=headers)
        if submission.download == "csv":
            # With a byte-order mark: Excel then reads the file as UTF-8.
            return Response("\ufeff" + to_csv(report, submission.lang, origin), media_type=media_type, headers=headers)
    if media_type == "application/json":
        return Response(to_json(report, submission.lang, origin), media_type=media_type, headers=headers)
    if media_type == "text/turtle":
        return Response(to_turtle(report), media_type=media_type, headers=headers)
    return _report_page(request, report, submission, headers)


def held_graphs(store) -> list[dict]:
    """The data graphs the store (or the engine) holds, for the page's "check a graph the service
    holds" form: the vocabulary's and shapes' own graphs left out; none when the list cannot be read
    (an engine that does not answer: the upload form still works)."""
    if store is None:
        return []
    try:
        graphs = sorted(store[1]())
    except (ServiceError, AttributeError):  # AttributeError: a remote engine's executor not made yet
        return []
    own = tuple(GRAPH_BASE + kind + "/" for kind in ("ontology", "shapes"))
    return [{"iri": g, "name": g[len(GRAPH_BASE):] if g.startswith(GRAPH_BASE) else g} for g in graphs if not g.startswith(own)]


def validate_router(concurrent: int = 2, store=None, remote_batch: int | None = None) -> APIRouter:
    """The validator's page and API; at most ``concurrent`` validations run at once. ``store``,
    (executor getter, graph list getter), lets ``graph=IRI`` validate a graph the store holds;
    ``remote_batch`` (default: the setting as the environment gives it) is the nodes a batch holds
    for a graph of the engine in remote mode, 0 to read it whole."""
    from peersupport.settings import from_environment

    batch = from_environment("remote_batch") if remote_batch is None else remote_batch
    router = APIRouter(tags=["validator"])
    slots: list[anyio.CapacityLimiter] = []

    def _validation_slots() -> anyio.CapacityLimiter:
        """Made on first use: a limiter belongs to the event loop that runs the service."""
        if not slots:
            slots.append(anyio.CapacityLimiter(concurrent))
        return slots[0]

    @router.get("/validate", response_class=HTMLResponse, summary="the validator page")
    def page(request: Request):
        chosen = FormState(format=request.query_params.get("format", ""), classify=request.query_params.get("classify") != "off")
        return render(request, "validate.html", chosen=asdict(chosen), formats=FORMAT_CHOICES, held=held_graphs(store))

    @router.post("/validate", summary="validate role descriptions (Turtle, N-Triples, RDF/XML, JSON-LD or the CSV template)",
                 description="Send a file as multipart form data (fields file or text, format, lang, classify, report) or the "
                             "data as the body with its media type. The report is negotiated: text/html, application/json or "
                             "text/turtle (sh:ValidationReport); the form field report=json, turtle, html or csv asks for it as a "
                             "file instead, and report=input for the data as read, converted to Turtle (input.ttl). classify=true also reads each role with the OWL reasoner (about a second more). "
                             "Nothing sent is stored.",
                 openapi_extra=_OPENAPI)
    async def validate(request: Request):
        from peersupport.validation.validate import validate_graph

        media_type = negotiate(request.headers.get("accept"), REPORT_TYPES)
        submission = await _submission(request, store, batch)
        if media_type is None and not submission.download:
            raise NotAcceptable("the report is available as " + ", ".join(REPORT_TYPES))
        if submission.lang not in LANGUAGES:
            raise request_error("unknown-language", "send-lang", language=submission.lang)
        # Validations take their turn for a few slots: waiting ones hold no thread, so they never
        # crowd out SPARQL queries; one whose client has gone is dropped before it starts.
        async with _validation_slots():
            if await request.is_disconnected():
                raise BadRequest("the client went away")
            if submission.engine_graph is not None:
                report = await anyio.to_thread.run_sync(functools.partial(_validate_engine_graph, store[0](), submission, batch))
                submission.parsed = Parsed(report.data, "turtle")
                require_roles(submission.parsed)
                return _answer(request, report, submission, media_type)
            # Parsing and checking run in a worker thread: a large upload must not stall the event
            # loop that answers everyone else. Unreadable data raises InputError, a BadRequest.
            try:
                submission.parsed = await anyio.to_thread.run_sync(read_input, submission.data, submission.format)
                require_roles(submission.parsed)
            except BadRequest as error:
                raise (_with_form(error, submission.form, submission.lang) if submission.form else error)
            if submission.download == "input":
                media, filename = DOWNLOADS["input"]
                return Response(submission.parsed.turtle(), media_type=media, headers={
                    "Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{filename}"'})
            report = await anyio.to_thread.run_sync(validate_graph, submission.parsed.graph, submission.classify)
        return _answer(request, report, submission, media_type)

    return router
