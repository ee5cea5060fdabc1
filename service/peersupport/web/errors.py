"""One place where failures become answers: every typed error (``peersupport.errors``), every
HTTP error of the framework (unknown path, wrong method, a malformed parameter) and anything
unexpected gets the same answer, shaped for who asked.

A browser (``Accept`` preferring ``text/html``) gets an error page in the site layout saying what
went wrong and what to do (each problem of a spreadsheet one by one), or, when the error carries
the validator form it came from (``error.form``), the validator page again with the problems
above the form still filled in: both in the page's language (the form's ``lang``, else ``?lang=``
or ``Accept-Language``) where the error carries its wording's key (``validation/messages.py``). A
client asking for JSON gets ``{"error": {...}}``: the English message and hint, and the wording's
key and values (each spreadsheet problem's too) for a program to say it its own way; anyone else
the English message as plain text. Never a trace: an unexpected exception is logged here, with its request
id, and answered as a 500 that names the request id.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from peersupport.errors import BadRequest, InputError, InternalError, NotFound, ServiceError
from peersupport.sparql.negotiation import negotiate
from peersupport.validation.messages import error_text, problem_text
from peersupport.web.templating import page_language, render

log = logging.getLogger(__name__)
ERROR_TYPES = ["text/plain", "application/json", "text/html"]


def request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def error_body(error: ServiceError, rid: str | None) -> dict:
    body = {"status": error.status, "title": error.title, "message": error.message, "hint": error.hint,
            "request_id": rid}
    if isinstance(error, InputError):
        body.update(line=error.line, column=error.column)
    if isinstance(error, BadRequest) and error.key:
        body.update(key=error.key, values=error.values, hint_key=error.hint_key)
    if getattr(error, "problems", None):
        body["problems"] = error.problems
    return {"error": body}


def _shown(error: ServiceError, lang: str, rid: str | None) -> dict:
    """What a page shows of ``error``, said in ``lang`` where the error carries its wording."""
    message, hint = error_text(error, lang)
    problems = [{**problem, "text": problem_text(problem, lang)} for problem in getattr(error, "problems", None) or []]
    return {"title": error.title, "status": error.status, "message": message, "hint": hint, "request_id": rid,
            "problems": problems}


def error_response(request: Request, error: ServiceError) -> Response:
    """The answer to ``request`` for ``error``, in the form its ``Accept`` prefers."""
    rid = request_id(request)
    headers = {"Vary": "Accept", "Cache-Control": "no-store", **error.headers}
    media_type = negotiate(request.headers.get("accept"), ERROR_TYPES) or "text/plain"
    if media_type == "text/html":
        form = getattr(error, "form", None)
        lang = form["lang"] if form is not None else page_language(request)
        shown = _shown(error, lang, rid)
        if form is not None:
            from peersupport.web.validator import FORMAT_CHOICES

            return render(request, "validate.html", status_code=error.status, headers=headers, lang=lang,
                          chosen=form, error=shown, formats=FORMAT_CHOICES)
        back = request.url.path if request.method == "POST" else None
        return render(request, "error.html", status_code=error.status, headers=headers, lang=lang, back=back, **shown)
    if media_type == "application/json":
        return Response(json.dumps(error_body(error, rid), ensure_ascii=False), status_code=error.status,
                        media_type="application/json", headers=headers)
    text = error.message + (f"\n{error.hint}" if error.hint else "") + "\n"
    return Response(text, status_code=error.status, media_type="text/plain", headers=headers)


def _from_http_exception(exc: HTTPException) -> ServiceError:
    if exc.status_code == 404:
        return NotFound("there is nothing at this address", "Check the address, or start from the home page.")
    error = ServiceError(str(exc.detail) if exc.detail else HTTPStatus(exc.status_code).phrase, headers=dict(exc.headers or {}))
    error.status, error.title = exc.status_code, HTTPStatus(exc.status_code).phrase
    return error


def _from_validation_error(exc: RequestValidationError) -> BadRequest:
    problems = []
    for problem in exc.errors():
        where = ".".join(str(part) for part in problem.get("loc", ()) if part not in ("body", "query", "path"))
        problems.append(f"{where}: {problem.get('msg', 'invalid')}" if where else problem.get("msg", "invalid"))
    return BadRequest("invalid request: " + "; ".join(problems), "Correct the parameters named and send the request again.")


def install_error_handlers(app: FastAPI) -> None:
    async def service_error(request: Request, exc: ServiceError) -> Response:
        return error_response(request, exc)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error_response(request, _from_http_exception(exc))

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, _from_validation_error(exc))

    async def unexpected(request: Request, exc: Exception) -> Response:
        rid = request_id(request)
        log.error("unexpected error answering %s %s (request %s)", request.method, request.url.path, rid, exc_info=exc)
        return error_response(request, InternalError("the service failed while answering this request",
                                                     f"Try again; if it goes on, tell the operators the request id {rid}."))

    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
