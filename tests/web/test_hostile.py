"""Hostile requests against the running service: each gets a 4xx with a clear message, makes no
outbound request (a canary HTTP server on 127.0.0.1 counts any), reveals no file content, path or
stack trace, and leaves the server answering. Also the headers policy (CORS, CSP)."""

import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from ..conftest import REPO
from ..service_fixtures import start_service, stop

LEAKS = re.compile(r"Traceback|/work/|/home/|site-packages|\.py\b|root:x:0:0")


class Canary(BaseHTTPRequestHandler):
    hits: list = []

    def _count(self):
        Canary.hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<http://canary/s> <http://canary/p> <http://canary/o> .\n")

    do_GET = do_POST = do_HEAD = _count

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canary():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url, process = start_service(tmp_path_factory.mktemp("store"), {"PEERSUPPORT_BODY_SECONDS": "2"})
    yield url
    stop(process)


@pytest.fixture
def client():
    with httpx.Client(timeout=30, trust_env=False) as c:
        yield c


@pytest.fixture(autouse=True)
def nothing_fetched_and_still_answering(request):
    Canary.hits.clear()
    yield
    assert Canary.hits == [], "the service made an outbound request"
    if "base" in request.fixturenames:
        assert httpx.get(request.getfixturevalue("base") + "/healthz", trust_env=False).json()["status"] == "ok"


def assert_refused(response, status: int, message: str):
    """Refused with ``status``, the message (JSON error object or text) beginning ``message``;
    "cannot read the data: " stands for the error's title when the data was unreadable."""
    assert response.status_code == status, response.text
    if response.headers["content-type"] == "application/json":
        error = response.json()["error"]
        if message.startswith("cannot read the data: "):
            assert error["title"] == "Cannot read the data", error
            message = message[len("cannot read the data: "):]
        assert error["message"].startswith(message), error
    else:
        assert response.text.startswith(message), response.text
    assert not LEAKS.search(response.text), response.text


@pytest.mark.parametrize("query, status, message", [
    ("SELECT * WHERE { SERVICE <{canary}/sparql> { ?s ?p ?o } }", 400, "SERVICE is refused"),
    ("SELECT * FROM <{canary}/graph.ttl> WHERE { ?s ?p ?o }", 400, "no graph <{canary}/graph.ttl> in this store"),
    ("SELECT * FROM NAMED <{canary}/graph.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", 400, "no graph <{canary}/graph.ttl> in this store"),
    ("PREFIX c: <{canary}/> SELECT * FROM c:g WHERE { ?s ?p ?o }", 400, "no graph <{canary}/g> in this store"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400, "no graph <file:///etc/passwd> in this store"),
    ("LOAD <{canary}/graph.ttl>", 403, "SPARQL Update is refused"),
    ("SELECT * WHERE { <http://e/a b> ?p ?o }", 400, "SPARQL syntax error"),
])
def test_queries_that_would_reach_out_are_refused(base, client, canary, query, status, message):
    query, message = query.replace("{canary}", canary), message.replace("{canary}", canary)
    assert_refused(client.get(base + "/sparql", params={"query": query}), status, message)
    assert_refused(client.post(base + "/sparql", data={"query": query}), status, message)


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_graph_parameters_only_select_graphs_of_the_store(base, client, canary, parameter):
    response = client.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }", parameter: canary + "/g"})
    assert_refused(response, 400, f"no graph <{canary}/g> in this store")


def validate(client, base, body: bytes, content_type: str):
    return client.post(base + "/validate", content=body, headers={"Content-Type": content_type, "Accept": "application/json"})


def test_rdf_xml_entities_are_refused(base, client, canary):
    external = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{canary}/x"><!ENTITY f SYSTEM "file:///etc/passwd">]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="http://e/s">'
                '<rdf:value>&e;&f;</rdf:value></rdf:Description></rdf:RDF>').encode()
    assert_refused(validate(client, base, external, "application/rdf+xml"), 400,
                   "cannot read the data: line 1, column 22: RDF/XML with a DOCTYPE or ENTITY declaration is refused")
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
              + ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>').encode()
    assert_refused(validate(client, base, laughs, "application/rdf+xml"), 400, "cannot read the data: line 1, column 22: RDF/XML with a DOCTYPE")


def test_json_ld_remote_contexts_and_deep_nesting_are_refused(base, client, canary):
    remote = f'{{"@context": "{canary}/context.jsonld", "@id": "http://e/s", "name": "x"}}'.encode()
    assert_refused(validate(client, base, remote, "application/ld+json"), 400,
                   f"cannot read the data: remote JSON-LD @context '{canary}/context.jsonld' refused: nothing is fetched")
    nested = b'{"@id":"http://e/s","http://e/p":' * 3000 + b"1" + b"}" * 3000
    assert_refused(validate(client, base, nested, "application/ld+json"), 400,
                   "cannot read the data: the data is nested too deeply")


def test_turtle_deep_nesting_huge_literals_and_imports(base, client, canary):
    nested = b"@prefix e: <http://e/> . e:s e:p " + b"[ e:p " * 5000 + b"1" + b" ]" * 5000 + b" ."
    assert_refused(validate(client, base, nested, "text/turtle"), 400, "cannot read the data: the data is nested too deeply")
    huge = b'@prefix e: <http://e/> . e:s a <http://www.w3.org/ns/org#Post> ; e:p "' + b"x" * 9_000_000 + b'" .'
    assert validate(client, base, huge, "text/turtle").json()["conforms"] is True
    imports = (f"<http://e/o> a <http://www.w3.org/2002/07/owl#Ontology> ; <http://www.w3.org/2002/07/owl#imports> <{canary}/o.ttl> .\n"
               "<http://e/r> a <http://www.w3.org/ns/org#Post> .").encode()
    assert validate(client, base, imports, "text/turtle").status_code == 200


CSV_HEADER = (REPO / "data/templates/roles.csv").read_text().splitlines()[0]


def test_csv_formulas_are_data_never_evaluated(base, client):
    cells = {"organisation_id": "org1", "organisation_name": '"=cmd|\' /C calc\'!A0"', "organisation_kind": "user-led",
             "role_id": "r1", "role_title": '"=HYPERLINK(""http://evil"",""x"")"'}
    row = ",".join(cells.get(name, "") for name in CSV_HEADER.split(","))
    report = client.post(base + "/validate", content=(CSV_HEADER + "\n" + row + "\n").encode(),
                         headers={"Content-Type": "text/csv", "Accept": "text/html"})
    assert report.status_code == 200
    assert "=cmd|&#39; /C calc&#39;!A0" in report.text and "=HYPERLINK(&#34;http://evil&#34;,&#34;x&#34;)" in report.text
    as_id = CSV_HEADER + "\n" + "@SUM(1+1),x" + "," * (CSV_HEADER.count(",") - 1) + "\n"
    assert_refused(validate(client, base, as_id.encode(), "text/csv"), 400,
                   'cannot read the data: row 2, column A `organisation_id`: \'@SUM(1+1)\' is not a valid identifier')


@pytest.mark.parametrize("body, message", [  # Latin-1 and UTF-16 are read: the cell comes through whole
    ((CSV_HEADER + "\nCafé,x\n").encode("latin-1"), "cannot read the data: row 2, column A `organisation_id`: 'Café' is not"),
    ((CSV_HEADER + "\nCafé,x\n").encode("utf-16"), "cannot read the data: row 2, column A `organisation_id`: 'Café' is not"),
    ((CSV_HEADER + "\na,b,c\n").encode(), "cannot read the data: row 2, "),
])
def test_csv_in_a_wrong_encoding_or_with_ragged_rows_is_refused(base, client, body, message):
    assert_refused(validate(client, base, body, "text/csv"), 400, message)


def test_bodies_over_the_cap_are_refused_everywhere(base, client):
    big = b" " * (12 * 1024 * 1024)
    for path, content_type in [("/sparql", "application/sparql-query"), ("/validate", "text/turtle")]:
        assert_refused(client.post(base + path, content=big, headers={"Content-Type": content_type}), 413,
                       "request body larger than the limit")


def test_a_trickled_upload_is_cut_off_and_others_are_served_meanwhile(base):
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as slow:
        slow.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: 1000\r\n\r\n")
        started = time.monotonic()
        answered = []
        while time.monotonic() - started < 1.5:  # while the upload trickles, the service answers others
            slow.sendall(b" ")
            answered.append(httpx.get(base + "/healthz", trust_env=False).status_code)
            time.sleep(0.2)
        slow.settimeout(10)
        reply = b""
        while chunk := slow.recv(4096):  # the service closes the connection after its answer
            reply += chunk
        reply = reply.decode()
    assert set(answered) == {200}
    from peersupport.errors import BodyTimeout

    assert reply.startswith("HTTP/1.1 408")
    assert reply.endswith(f"\r\n\r\nthe request body did not arrive within 2 s\n{BodyTimeout.hint}\n")


@pytest.mark.parametrize("path", ["/peer-support/%E2%80%AE%00", "/peer-support/..%2F..%2Fetc%2Fpasswd",
                                  "/downloads/..%2Fpyproject.toml", "/static/..%2F..%2Fpyproject.toml"])
def test_odd_paths_are_404s_that_reveal_nothing(base, client, path):
    response = client.get(base + path)
    assert response.status_code == 404 and not LEAKS.search(response.text) and "[project]" not in response.text


def test_cors_opens_the_query_endpoints_only_and_without_credentials(base, client):
    origin = {"Origin": "https://notebook.example"}
    for path in ("/sparql?query=ASK%7B%7D", "/queries", "/queries/survey-figures"):
        response = client.get(base + path, headers=origin)
        assert response.headers["access-control-allow-origin"] == "*", path
        assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(base + "/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                                           "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert (preflight.headers["access-control-allow-methods"], preflight.headers["access-control-allow-headers"]) == (
        "GET, POST, OPTIONS", "Accept, Content-Type")
    assert "access-control-allow-origin" not in client.get(base + "/validate", headers=origin).headers
    assert client.options(base + "/validate", headers={**origin, "Access-Control-Request-Method": "POST"}).status_code == 405


def test_html_pages_carry_a_content_security_policy(base, client):
    for path in ("/", "/query", "/validate", "/peer-support/", "/docs"):
        response = client.get(base + path, headers={"Accept": "text/html"})
        policy = response.headers["content-security-policy"]
        assert policy.startswith("default-src 'self'; script-src 'self'") and "object-src 'none'" in policy, path
        assert "frame-ancestors 'none'" in policy and response.headers["x-content-type-options"] == "nosniff"
    docs = client.get(base + "/docs").headers["content-security-policy"]
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/=]{44}';", docs)
    assert "unsafe-inline" not in client.get(base + "/").headers["content-security-policy"].split("style-src")[0]
