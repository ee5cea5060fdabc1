"""One shape of answer for every failure (``peersupport.web.errors``): each typed error of
``peersupport.errors``, raised in a route, answers with its status and the same message as an
error page in the site layout (browser), as JSON, or as plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from peersupport import errors
from peersupport.settings import Settings
from peersupport.web.app import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TYPED = [errors.BadRequest, errors.InputError, errors.Refused, errors.NotFound, errors.NotAcceptable,
         errors.BodyTimeout, errors.TooLarge, errors.AnswerTooLarge, errors.UnsupportedFormat, errors.UpstreamFailure,
         errors.EngineUnavailable, errors.Timeout, errors.Busy, errors.InternalError]
STATUSES = {errors.BadRequest: 400, errors.InputError: 400, errors.Refused: 403, errors.NotFound: 404,
            errors.NotAcceptable: 406, errors.BodyTimeout: 408, errors.TooLarge: 413, errors.AnswerTooLarge: 413, errors.UnsupportedFormat: 415,
            errors.UpstreamFailure: 502, errors.EngineUnavailable: 503, errors.Timeout: 503, errors.Busy: 503, errors.InternalError: 500}


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(store=Path("unused")))

    @app.get("/raise/{name}")
    def raise_named(name: str):
        error_type = getattr(errors, name)
        if error_type is errors.InputError:
            raise errors.InputError("Turtle syntax error: expected '.' & <more>", line=3, column=7)
        raise error_type("the thing named <here> & there failed", hint="Do this & that.")

    @app.get("/spreadsheet")
    def spreadsheet():
        error = errors.InputError("2 problems in the spreadsheet:\n- row 2, column B `remuneration`: …\n- row 3, column A `role_id`: …")
        error.problems = [{"message": "unknown value 'payed'; did you mean 'paid'?", "row": 2, "column": "B",
                           "name": "remuneration", "value": "payed", "allowed": ["paid"], "suggestion": "paid"},
                          {"message": "unknown column; did you mean `role_id`?", "row": 1, "column": "A", "name": "rol_id",
                           "value": "rol_id", "allowed": [], "suggestion": "role_id"},
                          {"message": "the role_id column is required <here>", "row": None, "column": None, "name": None,
                           "value": None, "allowed": [], "suggestion": None}]
        raise error

    @app.get("/crash")
    def crash():
        raise RuntimeError("a secret internal detail")

    # Not entered as a context manager: no store is loaded, as none of these routes needs one.
    return TestClient(app, raise_server_exceptions=False)


def expected_message(error_type) -> str:
    return "line 3, column 7: Turtle syntax error: expected '.' & <more>" if error_type is errors.InputError \
        else "the thing named <here> & there failed"


def expected_hint(error_type) -> str:
    return error_type.hint if error_type is errors.InputError else "Do this & that."


def test_every_typed_error_has_its_own_status():
    assert {t: t.status for t in TYPED} == STATUSES


@pytest.mark.parametrize("error_type", TYPED, ids=lambda t: t.__name__)
def test_a_machine_asking_for_json_gets_the_error_object(client, error_type):
    response = client.get(f"/raise/{error_type.__name__}", headers={"Accept": "application/json", "X-Request-Id": "r-1"})
    assert response.status_code == STATUSES[error_type]
    assert response.headers["content-type"] == "application/json"
    body = {"status": STATUSES[error_type], "title": error_type.title, "message": expected_message(error_type),
            "hint": expected_hint(error_type), "request_id": "r-1"}
    if error_type is errors.InputError:
        body.update(line=3, column=7)
    assert response.json() == {"error": body}
    assert response.headers["x-request-id"] == "r-1"


@pytest.mark.parametrize("error_type", TYPED, ids=lambda t: t.__name__)
def test_any_other_client_gets_the_message_as_text(client, error_type):
    response = client.get(f"/raise/{error_type.__name__}", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == STATUSES[error_type]
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == f"{expected_message(error_type)}\n{expected_hint(error_type)}\n"


@pytest.mark.parametrize("error_type", TYPED, ids=lambda t: t.__name__)
def test_a_browser_gets_an_error_page_in_the_site_layout(client, error_type):
    response = client.get(f"/raise/{error_type.__name__}", headers={"Accept": BROWSER, "X-Request-Id": "r-2"})
    assert response.status_code == STATUSES[error_type]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert '<nav class="top" aria-label="site">' in page and "<footer>" in page
    assert f"<h1>{error_type.title}</h1>" in page
    message = expected_message(error_type)
    escaped = (message[:1].upper() + message[1:]).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
    assert f'<p class="message">{escaped}</p>' in page
    assert f"Status {STATUSES[error_type]} · request <code>r-2</code>" in page
    assert "<here>" not in page


def test_the_error_page_speaks_french_when_asked(client):
    page = client.get("/raise/NotFound?lang=fr", headers={"Accept": BROWSER}).text
    assert '<html lang="fr">' in page and "<strong>Que faire" in page and "Statut 404" in page


def test_an_unexpected_exception_is_a_500_without_its_details(client):
    response = client.get("/crash", headers={"Accept": "application/json", "X-Request-Id": "r-3"})
    assert response.status_code == 500
    assert response.json() == {"error": {
        "status": 500, "title": "Internal error", "message": "the service failed while answering this request",
        "hint": "Try again; if it goes on, tell the operators the request id r-3.", "request_id": "r-3"}}
    assert "secret" not in response.text and "Traceback" not in response.text


def test_an_unknown_address_and_a_wrong_method_take_the_same_shape(client):
    missing = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "there is nothing at this address"
    wrong = client.delete("/healthz", headers={"Accept": "application/json"})
    assert wrong.status_code == 405
    assert wrong.json()["error"]["title"] == "Method Not Allowed"
    assert wrong.headers["allow"] == "GET"


def test_a_client_request_id_that_is_not_plain_is_replaced(client):
    response = client.get("/raise/NotFound", headers={"Accept": "application/json", "X-Request-Id": "evil id; x=\"1\""})
    given = response.json()["error"]["request_id"]
    assert given != "evil id; x=\"1\"" and len(given) == 16 and response.headers["x-request-id"] == given


def test_a_body_over_the_limit_takes_the_same_shape():
    app = create_app(Settings(store=Path("unused"), max_body_bytes=10))
    with_limit = TestClient(app, raise_server_exceptions=False)
    response = with_limit.post("/validate", content=b"x" * 11, headers={"Accept": "application/json",
                                                                      "Content-Type": "text/turtle"})
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "request body larger than the limit of 10 bytes"
    assert response.json()["error"]["title"] == "Too large"
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("accept", ["application/json", "text/plain", BROWSER])
def test_an_engine_that_does_not_answer_says_when_to_retry_and_one_that_fails_does_not(client, accept):
    down = client.get("/raise/EngineUnavailable", headers={"Accept": accept})
    failed = client.get("/raise/UpstreamFailure", headers={"Accept": accept})
    assert (down.status_code, down.headers.get("retry-after")) == (503, "5")
    assert (failed.status_code, failed.headers.get("retry-after")) == (502, None)


def test_errors_survive_the_pipe_from_a_query_worker():
    import pickle

    error = pickle.loads(pickle.dumps(errors.Busy("all busy", headers={"Retry-After": "1"})))
    assert (type(error), error.message, error.status, error.headers, error.hint) == (
        errors.Busy, "all busy", 503, {"Retry-After": "1"}, errors.Busy.hint)
    down = pickle.loads(pickle.dumps(errors.EngineUnavailable("gone")))
    assert (type(down), down.message, down.status, down.headers) == (errors.EngineUnavailable, "gone", 503, {"Retry-After": "5"})
    located = pickle.loads(pickle.dumps(errors.InputError("bad", line=2, column=5)))
    assert (str(located), located.line, located.column) == ("line 2, column 5: bad", 2, 5)


def test_the_error_page_lists_each_problem_of_a_spreadsheet_on_its_own(client):
    page = client.get("/spreadsheet", headers={"Accept": BROWSER}).text
    assert '<p class="message">3 problems found in your data; every one is listed.</p>' in page
    items = page[page.index('<ol class="problems">'):page.index("</ol>")]
    assert items.count("<li>") == 3
    assert ('<li><span class="where">Row 2, column B <code>remuneration</code>:</span> <span class="what">unknown value '
            '&#39;payed&#39;; did you mean &#39;paid&#39;?</span>\n<span class="fix">Write <code>paid</code> instead of '
            '<code>payed</code>.</span></li>') in items
    assert "did you mean <code>role_id</code>?" in items
    as_json = client.get("/spreadsheet", headers={"Accept": "application/json"}).json()["error"]
    assert as_json["message"].startswith("2 problems in the spreadsheet:\n")
    assert [(p["row"], p["column"], p["message"]) for p in as_json["problems"]] == [
        (2, "B", "unknown value 'payed'; did you mean 'paid'?"), (1, "A", "unknown column; did you mean `role_id`?"),
        (None, None, "the role_id column is required <here>")]
    assert '<li><span class="what">the role_id column is required &lt;here&gt;</span>' in items
    assert "2 problems in the spreadsheet:" not in page  # the joined message gives way to the list
    french = client.get("/spreadsheet?lang=fr", headers={"Accept": BROWSER}).text
    assert "3 problèmes trouvés dans vos données" in french and "Ligne 2, colonne B" in french and "Écrivez <code>paid</code>" in french
