"""The SPARQL 1.1 Protocol over real HTTP, against ``peersupport serve`` with the embedded store
and in front of Oxigraph server: every behaviour the endpoint promises."""

import threading
import time

import httpx
import pyoxigraph as ox
import pytest

from peersupport.store.loading import RDF_FORMATS, project_files

from ..service_fixtures import STORES, Working, serve_on

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SHAPES_GRAPH = "https://w3id.org/peer-support/graph/shapes/peer-support-shapes.ttl"
ONTOLOGY_GRAPH = "https://w3id.org/peer-support/graph/ontology/peer-support.ttl"
# Every triple of every file served (each is its own graph, so none collapse in the union).
FILE_TRIPLES = {name: len(set(ox.parse(path=str(path), format=RDF_FORMATS[path.suffix]))) for name, path in project_files()}
TRIPLES = sum(FILE_TRIPLES.values())
SHAPES_TRIPLES, ONTOLOGY_TRIPLES = FILE_TRIPLES["shapes/peer-support-shapes.ttl"], FILE_TRIPLES["ontology/peer-support.ttl"]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module", params=STORES)
def base(request, tmp_path_factory):
    yield from serve_on(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=30, trust_env=False) as c:
        yield c


def count(response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_query_give_the_same_answer(base, client):
    by_get = client.get(base + "/sparql", params={"query": COUNT})
    by_form = client.post(base + "/sparql", data={"query": COUNT})
    by_body = client.post(base + "/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert count(by_get) == count(by_form) == count(by_body) == TRIPLES


def test_default_graph_uri_and_named_graph_uri(base, client):
    only_shapes = client.get(base + "/sparql", params={"query": COUNT, "default-graph-uri": SHAPES_GRAPH})
    assert count(only_shapes) == SHAPES_TRIPLES
    two = client.get(base + "/sparql", params=[("query", COUNT), ("default-graph-uri", SHAPES_GRAPH), ("default-graph-uri", ONTOLOGY_GRAPH)])
    assert count(two) == SHAPES_TRIPLES + ONTOLOGY_TRIPLES
    graphs = client.get(base + "/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                                  "named-graph-uri": SHAPES_GRAPH})
    assert [b["g"]["value"] for b in graphs.json()["results"]["bindings"]] == [SHAPES_GRAPH]


def test_from_selects_a_graph_of_the_store(base, client):
    response = client.get(base + "/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{SHAPES_GRAPH}> WHERE {{ ?s ?p ?o }}"})
    assert count(response) == SHAPES_TRIPLES


@pytest.mark.parametrize("accept, media_type, starts", [
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
    ("text/csv", "text/csv", b"n\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", b"?n\n"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", b"<?xml"),
    ("*/*", "application/sparql-results+json", b"{"),
])
def test_select_results_are_negotiated(base, client, accept, media_type, starts):
    response = client.get(base + "/sparql", params={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.content.startswith(starts)


def test_ask(base, client):
    response = client.get(base + "/sparql", params={"query": "ASK { ?s a <http://www.w3.org/2002/07/owl#Ontology> }"})
    assert response.json()["boolean"] is True


@pytest.mark.parametrize("accept, media_type", [
    ("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
])
def test_construct_results_are_negotiated(base, client, accept, media_type):
    from rdflib import Graph

    query = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c . FILTER (?c = <http://www.w3.org/ns/shacl#PropertyShape>) }"
    response = client.get(base + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.content, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                          "application/ld+json": "json-ld", "application/rdf+xml": "xml"}[media_type])
    assert len(graph) == 41  # the property shapes (the five node shapes are not sh:PropertyShape)


def test_nothing_acceptable_is_406(base, client):
    response = client.get(base + "/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_syntax_error_is_400_with_the_parser_message(base, client):
    response = client.get(base + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "error" in response.text.lower() and "Traceback" not in response.text


def test_a_query_error_has_the_shape_of_every_error(base, client):
    """Raised in a query worker and sent back through its pipe, or the remote engine's own 400,
    answered by the app's error handler."""
    response = client.get(base + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}, headers={"Accept": "application/json"})
    error = response.json()["error"]
    assert (response.status_code, error["status"], error["title"]) == (400, 400, "Bad request")
    assert error["message"].startswith(("SPARQL syntax error: ", "the SPARQL endpoint refused the query: "))
    glued = client.get(base + "/sparql", params={"query": "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEx:s { ?s ?p ?o } }"})
    assert (glued.status_code, glued.text) == (400, "SERVICE is refused: this endpoint makes no requests to other endpoints\n")


def test_errors_of_the_protocol(base, client):
    assert client.post(base + "/sparql", content=COUNT, headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.put(base + "/sparql", content=COUNT).status_code == 405
    assert client.delete(base + "/sparql").status_code == 405
    repeated = client.get(base + "/sparql", params=[("query", COUNT), ("query", COUNT)])
    assert (repeated.status_code, repeated.text) == (400, "the 'query' parameter is given 2 times; give it once\n")
    not_utf8 = client.post(base + "/sparql", content=b"SELECT \xff", headers={"Content-Type": "application/sparql-query"})
    assert (not_utf8.status_code, not_utf8.text) == (400, "the request body is not UTF-8 (byte 7)\n")


@pytest.mark.parametrize("request_kind", ["update-param", "update-body", "update-in-query"])
def test_updates_are_refused(base, client, request_kind):
    update = "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"
    if request_kind == "update-param":
        response = client.post(base + "/sparql", data={"update": update})
    elif request_kind == "update-body":
        response = client.post(base + "/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    else:
        response = client.post(base + "/sparql", data={"query": update})
    assert (response.status_code, response.text) == (403, "SPARQL Update is refused: this endpoint is read-only\n")
    assert count(client.get(base + "/sparql", params={"query": COUNT})) == TRIPLES


def test_service_is_refused_before_execution(base, client):
    response = client.get(base + "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert (response.status_code, response.text) == (400, "SERVICE is refused: this endpoint makes no requests to other endpoints\n")


def test_service_description(base, client):
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    turtle = client.get(base + "/sparql", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert len(list(graph.subjects(RDF.type, URIRef(sd + "Service")))) == 1
    assert URIRef(SHAPES_GRAPH) in set(graph.objects(None, URIRef(sd + "name")))
    jsonld = client.get(base + "/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)
    browser = client.get(base + "/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (browser.status_code, browser.headers["location"]) == (303, "/query")


def test_vary_accept_on_results(base, client):
    assert client.get(base + "/sparql", params={"query": COUNT}).headers["vary"] == "Accept"


def test_request_body_cap(base, client):
    response = client.post(base + "/sparql", content=b"#" * (12 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_slow_query_is_stopped_and_a_fast_one_answered_meanwhile(base, client):
    slow = {}
    working = Working()
    thread = threading.Thread(target=lambda: slow.setdefault("r", httpx.get(base + "/sparql", params={"query": SLOW}, timeout=30, trust_env=False)))
    thread.start()
    working.until_spent(0.3, or_else=lambda: "r" in slow)  # the servers at work on the slow query
    assert "r" not in slow, "the slow query was answered before the fast one was sent"
    started = time.monotonic()
    fast = client.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
    fast_seconds = time.monotonic() - started
    thread.join()
    assert fast.json()["boolean"] is True and fast_seconds < 2
    assert slow["r"].status_code == 503
    assert "time limit" in slow["r"].text or "did not answer" in slow["r"].text
