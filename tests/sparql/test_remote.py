"""The remote-endpoint executor against endpoints that misbehave: one that trickles rows without
end, one that answers in a format nobody asked for, one that sends broken JSON, ones that answer
4xx or 5xx with an endless body, one that hangs up without answering; and against engines that do
not answer at all (a port nothing listens on, one that accepts no connection): 503 with
Retry-After, where an engine answering badly is a 502. Real HTTP on 127.0.0.1 (Oxigraph server
itself is covered by the protocol tests)."""

import socket
import threading
import time
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fastapi.testclient import TestClient

from peersupport.errors import BadRequest, EngineUnavailable, Timeout, UpstreamFailure
from peersupport.settings import Settings
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.remote import RemoteEndpoint
from peersupport.web.app import create_app

from ..service_fixtures import free_port

ROW = b'{"s": {"type": "uri", "value": "http://example.org/s"}}'


class Misbehaving(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/trickle":
            self._start("application/sparql-results+json")
            try:
                self.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + ROW)
                # A row every 0.2 s without end: the pace is the misbehaviour under test, not a
                # wait; it ends when the client hangs up, or at once when the tests are over.
                while not Misbehaving.closing.wait(0.2):
                    self.wfile.write(b", " + ROW)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                Misbehaving.hung_up.set()
        elif self.path in ("/refuse", "/fail"):
            self.send_response(400 if self.path == "/refuse" else 500)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            try:  # far more than is read of it: the client stops at 64 KiB and hangs up
                self.wfile.write("Parser error at 1:8: expected « { »\n".encode())
                for _ in range(1000):
                    self.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/hangup":  # the request read, the connection closed without a word
            self.close_connection = True
        elif self.path == "/html":
            self._start("text/html")
            self.wfile.write(b"<html>hello</html>")
        else:
            self._start("application/sparql-results+json")
            self.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": ')

    def _start(self, media_type):
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    Misbehaving.hung_up, Misbehaving.closing = threading.Event(), threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Misbehaving.closing.set()
    httpd.shutdown()


def test_time_limit_covers_the_whole_answer_and_hangs_up(server):
    endpoint = RemoteEndpoint(server + "/trickle", timeout=1.0, max_rows=1_000_000)
    started = time.monotonic()
    with pytest.raises(Timeout, match="^query stopped: the SPARQL endpoint did not answer within 1 s$"):
        endpoint.execute(QueryJob("SELECT * WHERE { ?s ?p ?o }"))
    assert time.monotonic() - started < 2.5
    endpoint.close()
    assert Misbehaving.hung_up.wait(5)


def test_rows_are_capped_while_streaming(server):
    endpoint = RemoteEndpoint(server + "/trickle", timeout=30, max_rows=3)
    started = time.monotonic()
    reply = endpoint.execute(QueryJob("SELECT * WHERE { ?s ?p ?o }", accept="text/csv"))
    assert reply.headers == {"X-SPARQL-MaxRows": "3"}
    assert reply.body == b"s\r\n" + b"http://example.org/s\r\n" * 3
    assert time.monotonic() - started < 5


def test_an_unexpected_format_is_a_502(server):
    with pytest.raises(UpstreamFailure, match="^the SPARQL endpoint behind this service answered in an unexpected format: text/html$"):
        RemoteEndpoint(server + "/html").execute(QueryJob("ASK {}"))


def test_a_malformed_answer_is_a_502(server):
    with pytest.raises(UpstreamFailure, match="^the SPARQL endpoint behind this service sent a malformed answer: "):
        RemoteEndpoint(server + "/broken").execute(QueryJob("SELECT * WHERE { ?s ?p ?o }"))


def test_a_query_the_endpoint_refuses_is_a_400_with_its_message_read_only_so_far(server):
    started = time.monotonic()
    with pytest.raises(BadRequest) as refused:
        RemoteEndpoint(server + "/refuse").execute(QueryJob("SELECT"))
    message = refused.value.message
    assert message.startswith("the SPARQL endpoint refused the query: Parser error at 1:8: expected « { »\nxxx")
    assert len(message) < 64 * 1024 + 100
    assert time.monotonic() - started < 5


def test_an_endpoint_failing_is_a_502_that_does_not_repeat_its_answer(server):
    with pytest.raises(UpstreamFailure, match="^the SPARQL endpoint behind this service failed \\(it answered with status 500\\)$"):
        RemoteEndpoint(server + "/fail").execute(QueryJob("SELECT * WHERE { ?s ?p ?o }"))


def test_an_endpoint_hanging_up_without_an_answer_is_a_502(server):
    with pytest.raises(UpstreamFailure) as failed:
        RemoteEndpoint(server + "/hangup").execute(QueryJob("SELECT * WHERE { ?s ?p ?o }"))
    assert (type(failed.value), failed.value.status, failed.value.message, failed.value.headers) == (
        UpstreamFailure, 502, "the SPARQL endpoint behind this service broke off its answer (RemoteProtocolError)", {})


def test_an_engine_nothing_listens_for_is_a_503_to_retry_without_its_address():
    url = f"http://127.0.0.1:{free_port()}/sparql"
    for engine, ask in (("oxigraph", lambda e: e.execute(QueryJob("ASK {}"))), ("virtuoso", lambda e: e.graphs())):
        with pytest.raises(EngineUnavailable) as down:
            ask(RemoteEndpoint(url, engine=engine))
        assert (down.value.status, down.value.message, down.value.headers) == (
            503, "the SPARQL engine behind this service did not answer (ConnectError)", {"Retry-After": "5"}), engine
        # Virtuoso's default graph names the engine's graphs: asked for first, with the same answer.


@pytest.fixture
def accepting_no_connection():
    """A port whose listening queue is full (backlog 0, filled): connecting to it times out."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    waiting = [socket.socket() for _ in range(3)]
    for sock in waiting:
        sock.setblocking(False)
        sock.connect_ex(listener.getsockname())
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    for sock in waiting + [listener]:
        sock.close()


def test_an_engine_accepting_no_connection_in_time_is_a_503_not_a_time_limit(accepting_no_connection):
    with pytest.raises(EngineUnavailable) as down:
        RemoteEndpoint(accepting_no_connection, timeout=0.5, engine="oxigraph").execute(QueryJob("ASK {}"))
    assert (down.value.status, down.value.message, down.value.headers) == (
        503, "the SPARQL engine behind this service did not answer (ConnectTimeout)", {"Retry-After": "5"})


def test_health_says_whether_the_endpoint_answers(server, accepting_no_connection):
    assert RemoteEndpoint(server + "/fail").health() == {"ok": False, "endpoint": "answered 500"}
    assert RemoteEndpoint(server + "/hangup").health() == {"ok": False, "endpoint": "broke off its answer: RemoteProtocolError"}
    nobody = RemoteEndpoint(f"http://127.0.0.1:{free_port()}/sparql")
    assert nobody.health() == {"ok": False, "endpoint": "did not answer: ConnectError"}
    assert RemoteEndpoint(accepting_no_connection).health(0.5) == {"ok": False, "endpoint": "did not answer: ConnectTimeout"}


def _service(endpoint):
    return TestClient(create_app(Settings(store=Path("unused"), sparql_endpoint=endpoint, sparql_engine="oxigraph")))


ASK = {"query": "ASK {}"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_through_the_service_an_engine_down_is_a_503_with_retry_after_in_every_form():
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    message = "the SPARQL engine behind this service did not answer (ConnectError)"
    with _service(endpoint) as client:
        as_json = client.get("/sparql", params=ASK, headers={"Accept": "application/json"})
        as_text = client.get("/sparql", params=ASK, headers={"Accept": "application/sparql-results+json"})
        as_page = client.get("/roles", headers={"Accept": BROWSER})  # a page (/sparql opens the editor)
    for answer in (as_json, as_text, as_page):
        assert (answer.status_code, answer.headers["retry-after"]) == (503, "5")
        assert endpoint.split("//")[1] not in answer.text
    error = as_json.json()["error"]
    assert (error["status"], error["title"], error["message"], error["hint"]) == (
        503, "The SPARQL engine behind this service does not answer", message, EngineUnavailable.hint)
    assert as_text.text == f"{message}\n{EngineUnavailable.hint}\n"
    assert "<h1>The SPARQL engine behind this service does not answer</h1>" in as_page.text
    assert f'<p class="message">{message[0].upper() + message[1:]}</p>' in as_page.text


def test_through_the_service_an_engine_answering_badly_stays_a_502_without_retry_after(server):
    with _service(server + "/fail") as client:
        failed = client.get("/sparql", params=ASK, headers={"Accept": "application/json"})
        page = client.get("/roles", headers={"Accept": BROWSER})
    assert (failed.status_code, page.status_code) == (502, 502)
    assert "retry-after" not in failed.headers and "retry-after" not in page.headers
    assert failed.json()["error"]["message"] == "the SPARQL endpoint behind this service failed (it answered with status 500)"
    assert "<h1>The SPARQL engine behind this service failed</h1>" in page.text


def test_healthz_is_503_while_the_remote_endpoint_is_down(tmp_path):
    """Before: /healthz said ok while the engine was down."""
    import httpx

    from ..service_fixtures import start_service, stop

    base, process = start_service(tmp_path / "store", {"PEERSUPPORT_SPARQL_ENDPOINT": f"http://127.0.0.1:{free_port()}/sparql"},
                                  unavailable_too=True)
    try:
        health = httpx.get(base + "/healthz", trust_env=False)
        assert (health.status_code, health.headers["retry-after"], health.json()) == (
            503, "5", {"status": "unavailable", "version": "0.1.0", "store": "remote", "endpoint": "did not answer: ConnectError"})
    finally:
        stop(process)


def test_validating_a_graph_when_the_engine_lists_its_graphs_badly_is_a_502_not_a_503(server):
    """Before: a malformed list of the engine's graphs was answered 503, as if the engine were down."""
    with _service(server + "/broken") as client:
        answer = client.post("/validate", params={"graph": "https://example.org/g"}, headers={"Accept": "application/json"})
    assert (answer.status_code, "retry-after" in answer.headers) == (502, False)
    assert answer.json()["error"]["message"] == "the SPARQL endpoint behind this service sent a malformed list of its graphs"
