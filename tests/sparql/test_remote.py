"""The remote-endpoint executor against endpoints that misbehave: one that trickles rows without
end, one that answers in a format nobody asked for, one that sends broken JSON, ones that answer
4xx or 5xx with an endless body. Real HTTP on
127.0.0.1 (Oxigraph server itself is covered by the protocol tests)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from peersupport.errors import BadRequest, Timeout, UpstreamFailure
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.remote import RemoteEndpoint

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


def test_health_says_whether_the_endpoint_answers(server):
    from ..service_fixtures import free_port

    assert RemoteEndpoint(server + "/fail").health() == {"ok": False, "endpoint": "answered 500"}
    nobody = RemoteEndpoint(f"http://127.0.0.1:{free_port()}/sparql")
    assert nobody.health() == {"ok": False, "endpoint": "did not answer: ConnectError"}


def test_healthz_is_503_while_the_remote_endpoint_is_down(tmp_path):
    """Before: /healthz said ok while the engine was down."""
    import httpx

    from ..service_fixtures import free_port, start_service, stop

    base, process = start_service(tmp_path / "store", {"PEERSUPPORT_SPARQL_ENDPOINT": f"http://127.0.0.1:{free_port()}/sparql"},
                                  unavailable_too=True)
    try:
        health = httpx.get(base + "/healthz", trust_env=False)
        assert (health.status_code, health.json()) == (503, {"status": "unavailable", "version": "0.1.0", "store": "remote",
                                                             "endpoint": "did not answer: ConnectError"})
    finally:
        stop(process)
