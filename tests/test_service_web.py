"""The service beyond the protocol, over real HTTP: real SPARQL clients, vocabulary
dereferencing, the validator API, downloads, pages, health."""

import json
import re

import httpx
import pytest
from rdflib import Graph

from .conftest import REPO
from .service_fixtures import start_oxigraph_server, start_service, stop


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url, process = start_service(tmp_path_factory.mktemp("store"))
    yield url
    stop(process)


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=60, trust_env=False) as c:
        yield c


def test_sparqlwrapper_against_the_endpoint(base):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    wrapper = SPARQLWrapper(base + "/sparql")
    wrapper.setQuery("PREFIX ps: <https://w3id.org/peer-support/> SELECT ?p WHERE { ?p <http://www.w3.org/2004/02/skos/core#broader> ps:NotPeerSupport } ORDER BY ?p")
    wrapper.setReturnFormat(JSON)
    rows = wrapper.query().convert()["results"]["bindings"]
    assert [r["p"]["value"].rsplit("/", 1)[-1] for r in rows] == [
        "ClinicalTreatment", "LivedExperienceCoaching", "PeerMentoring", "PeersWhoProvideSupport", "RoleModelling"]
    wrapper.setQuery("CONSTRUCT { ?s a <https://w3id.org/peer-support/RoleKind> } WHERE { ?s a <https://w3id.org/peer-support/RoleKind> }")
    wrapper.setReturnFormat(TURTLE)
    graph = Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert len(graph) == 9


def test_rdflib_sparqlstore_against_the_endpoint(base):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(base + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query("SELECT (COUNT(?c) AS ?n) WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/peer-support/ValueScheme> }"))
    assert int(rows[0][0]) == 28
    assert graph.query("ASK { <https://w3id.org/peer-support/PeerSupport> ?p ?o }").askAnswer is True


@pytest.mark.parametrize("accept, location", [
    ("text/html", "/peer-support/vocab.html#PeerSupportRole"),
    ("text/turtle", "/peer-support/vocab.ttl"),
    ("application/rdf+xml", "/peer-support/vocab.rdf"),
    ("application/ld+json", "/peer-support/vocab.jsonld"),
    ("application/n-triples", "/peer-support/vocab.nt"),
])
def test_term_iris_303_to_the_document(base, client, accept, location):
    response = client.get(base + "/peer-support/PeerSupportRole", headers={"Accept": accept}, follow_redirects=False)
    assert (response.status_code, response.headers["location"], response.headers["vary"]) == (303, location, "Accept")


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                         ("application/ld+json", "json-ld"), ("application/n-triples", "nt")])
def test_namespace_dereferences_to_the_whole_vocabulary(base, client, ontology, accept, fmt):
    from rdflib.compare import isomorphic

    response = client.get(base + "/peer-support/", headers={"Accept": accept})
    assert response.headers["content-type"].startswith(accept) and response.headers["vary"] == "Accept"
    assert isomorphic(Graph().parse(data=response.content, format=fmt), ontology)


def test_html_documentation_has_an_anchor_per_term(base, client, ontology):
    from peersupport.vocabulary.graph import local_name, terms

    page = client.get(base + "/peer-support/", headers={"Accept": "text/html"}).text
    anchors = set(re.findall(r'<section class="term" id="([^"]+)"', page))
    assert [local_name(t) for t in terms(ontology) if local_name(t) not in anchors] == []


def test_unknown_term_is_404(base, client):
    assert client.get(base + "/peer-support/NoSuchTerm").status_code == 404


def test_downloads(base, client):
    context = client.get(base + "/peer-support/context.jsonld")
    assert context.json() == json.loads((REPO / "ontology/context.jsonld").read_text())
    for name, media in [("ontology.ttl", "text/turtle"), ("shapes.ttl", "text/turtle"), ("context.jsonld", "application/ld+json"),
                        ("mappings.sssom.tsv", "text/tab-separated-values"), ("roles.csv", "text/csv")]:
        response = client.get(base + "/downloads/" + name)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media), name


@pytest.mark.parametrize("accept, check", [
    ("application/json", lambda r: r.json()["counts"] == {"violations": 1, "warnings": 0, "infos": 0}),
    ("text/turtle", lambda r: "sh:ValidationReport" in r.text),
    ("text/html", lambda r: "Not reciprocal" in r.text and r.text.count('<li class="violation">') == 1),
])
def test_validate_api_negotiates_the_report(base, client, accept, check):
    body = (REPO / "data/examples/invalid/one-way-help.ttl").read_bytes()
    response = client.post(base + "/validate", content=body, headers={"Content-Type": "text/turtle", "Accept": accept})
    assert response.status_code == 200 and check(response)


def test_validate_upload_of_the_csv_template(base, client):
    files = {"file": ("roles.csv", (REPO / "data/templates/roles.csv").read_bytes(), "text/csv")}
    response = client.post(base + "/validate", files=files, headers={"Accept": "application/json"})
    assert response.json()["counts"] == {"violations": 1, "warnings": 1, "infos": 0}


def test_validate_bad_input(base, client):
    bad = client.post(base + "/validate", content=b"@prefix ex: <http://e/> .\nex:a ex:b .\n", headers={"Content-Type": "text/turtle"})
    assert (bad.status_code, bad.text) == (400, "cannot read the data: line 2, column 10: Turtle syntax error: objectList expected")
    unsupported = client.post(base + "/validate", content=b"x", headers={"Content-Type": "application/pdf"})
    assert unsupported.status_code == 415
    empty = client.post(base + "/validate", data={"text": ""})
    assert (empty.status_code, empty.text) == (400, "nothing to validate: choose a file or paste your data")
    too_big = client.post(base + "/validate", content=b" " * (12 * 1024 * 1024), headers={"Content-Type": "text/turtle"})
    assert too_big.status_code == 413


def test_pages_and_health(base, client):
    for path, text in [("/", "Check your roles"), ("/query", "Example queries"), ("/validate", "Nothing you send is stored"),
                       ("/static/query.js", "fetch(\"/sparql\""), ("/openapi.json", "/sparql")]:
        response = client.get(base + path)
        assert response.status_code == 200 and text in response.text, path
    assert client.get(base + "/healthz").json() == {"status": "ok", "version": "0.1.0", "store": "embedded"}


@pytest.mark.parametrize("path", ["/", "/query", "/validate", "/docs"])
def test_pages_use_no_outside_resources(base, client, path):
    page = client.get(base + path).text
    assert re.findall(r"""(?:src|href|url)\s*[=:(]\s*['"]((?:https?:)?//[^'"]*)""", page) == []


def test_api_docs_assets_are_served_locally(base, client):
    page = client.get(base + "/docs").text
    for asset in re.findall(r"""(?:src|href)=['"](/static/swagger/[^'"]+)""", page):
        response = client.get(base + asset)
        assert response.status_code == 200 and len(response.content) > 500, asset
    assert client.get(base + "/redoc").status_code == 404


@pytest.mark.parametrize("store", ["embedded", "oxigraph-server"])
def test_result_rows_are_capped(tmp_path, store):
    processes, env = [], {"PEERSUPPORT_MAX_ROWS": "5"}
    if store == "oxigraph-server":
        remote, process = start_oxigraph_server(tmp_path / "oxigraph")
        processes.append(process)
        env["PEERSUPPORT_SPARQL_ENDPOINT"] = remote + "/query"
    url, process = start_service(tmp_path / "store", env)
    processes.append(process)
    try:
        response = httpx.get(url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, trust_env=False)
        assert response.headers["x-sparql-maxrows"] == "5"
        assert len(response.json()["results"]["bindings"]) == 5
        small = httpx.get(url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}, trust_env=False)
        assert "x-sparql-maxrows" not in small.headers and len(small.json()["results"]["bindings"]) == 3
        graph = httpx.get(url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/n-triples"}, trust_env=False)
        assert graph.headers["x-sparql-maxrows"] == "5" and len(graph.text.splitlines()) == 5
        table = httpx.get(url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"}, trust_env=False)
        assert len(table.text.splitlines()) == 6
    finally:
        for process in reversed(processes):
            stop(process)


def test_validation_reads_roles_with_the_reasoner_only_when_asked(base, client, require_java):
    body = (REPO / "data/examples/invalid/one-way-help.ttl").read_bytes()
    headers = {"Content-Type": "text/turtle", "Accept": "application/json"}
    plain = client.post(base + "/validate", content=body, headers=headers).json()
    assert {role["reads_as"] for role in plain["roles"]} == {None}
    read = client.post(base + "/validate", params={"classify": "true"}, content=body, headers=headers).json()
    assert None not in {role["reads_as"] for role in read["roles"]}
    assert plain["results"] == read["results"]
