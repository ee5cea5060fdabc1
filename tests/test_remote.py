"""The remote-endpoint executor against endpoints that misbehave: one that trickles rows without
end, one that answers in a format nobody asked for, one that sends broken JSON. Real HTTP on
127.0.0.1 (Oxigraph server itself is covered by the protocol tests)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from peersupport.sparql.pool import QueryJob
from peersupport.sparql.remote import RemoteEndpoint

ROW = b'{"s": {"type": "uri", "value": "http://example.org/s"}}'


class Misbehaving(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/trickle":
            self._start("application/sparql-results+json")
            try:
                self.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + ROW)
                while True:
                    time.sleep(0.2)
                    self.wfile.write(b", " + ROW)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                Misbehaving.hung_up.set()
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
    Misbehaving.hung_up = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_time_limit_covers_the_whole_answer_and_hangs_up(server):
    endpoint = RemoteEndpoint(server + "/trickle", timeout=1.0, max_rows=1_000_000)
    started = time.monotonic()
    reply = endpoint.execute(QueryJob("SELECT * WHERE { ?s ?p ?o }"))
    assert (reply.status, reply.body) == (503, b"query stopped: the SPARQL endpoint did not answer within 1 s\n")
    assert time.monotonic() - started < 2.5
    endpoint.close()
    assert Misbehaving.hung_up.wait(5)


def test_rows_are_capped_while_streaming(server):
    endpoint = RemoteEndpoint(server + "/trickle", timeout=30, max_rows=3)
    started = time.monotonic()
    reply = endpoint.execute(QueryJob("SELECT * WHERE { ?s ?p ?o }", accept="text/csv"))
    assert (reply.status, reply.headers) == (200, {"X-SPARQL-MaxRows": "3"})
    assert reply.body == b"s\r\n" + b"http://example.org/s\r\n" * 3
    assert time.monotonic() - started < 5


def test_an_unexpected_format_is_a_502(server):
    reply = RemoteEndpoint(server + "/html").execute(QueryJob("ASK {}"))
    assert (reply.status, reply.body) == (
        502, b"the SPARQL endpoint behind this service answered in an unexpected format: text/html\n")


def test_a_malformed_answer_is_a_502(server):
    reply = RemoteEndpoint(server + "/broken").execute(QueryJob("SELECT * WHERE { ?s ?p ?o }"))
    assert reply.status == 502
    assert reply.body.startswith(b"the SPARQL endpoint behind this service sent a malformed answer: ")
