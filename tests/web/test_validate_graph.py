"""``POST /validate?graph=IRI`` (issue 16): a graph the store holds, read with CONSTRUCT through
the service's executor, validates as the same file sent as the body does, on the embedded store
and in front of an Oxigraph server; a graph the store does not hold is a 404 naming it."""

import re

import pytest

from ..conftest import REPO
from ..service_fixtures import STORES, client, serve_on  # noqa: F401 (client: a fixture)

GRAPH = "https://w3id.org/peer-support/graph/"
PROJECTS = GRAPH + "data/consultation-2012/projects.ttl"
DATA_GRAPHS = ["data/consultation-2012/dataset.ttl", "data/consultation-2012/projects.ttl", "data/consultation-2012/survey.ttl"]


@pytest.fixture(scope="module", params=STORES)
def base(request, tmp_path_factory):
    yield from serve_on(request.param, tmp_path_factory)


def test_a_graph_of_the_store_validates_as_the_same_file(base, client):
    headers = {"Accept": "application/json"}
    held = client.post(base + "/validate", params={"graph": PROJECTS}, headers=headers)
    sent = client.post(base + "/validate", content=(REPO / "data/consultation-2012/projects.ttl").read_bytes(),
                       headers={**headers, "Content-Type": "text/turtle"})
    assert held.status_code == sent.status_code == 200
    assert held.json()["counts"] == sent.json()["counts"]
    assert [(r["focus"], r["source_shape"]) for r in held.json()["results"]] == \
        [(r["focus"], r["source_shape"]) for r in sent.json()["results"]]
    assert len(held.json()["roles"]) == 11


def test_a_graph_the_store_does_not_hold_is_named_in_a_404(base, client):
    answer = client.post(base + "/validate", params={"graph": "https://example.org/nothing"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == "the store holds no graph <https://example.org/nothing>"
    bad = client.post(base + "/validate", params={"graph": "not an iri"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("'not an iri' is not an IRI")


def test_a_graph_without_roles_says_so(base, client):
    survey = PROJECTS.replace("projects.ttl", "survey.ttl")
    answer = client.post(base + "/validate", params={"graph": survey}, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"]["title"] == "No role found"


def test_the_page_offers_the_data_graphs_the_store_holds(base, client):
    page = client.get(base + "/validate?lang=en").text
    assert '<h2 id="held-title">Or check a graph the service already holds</h2>' in page
    options = re.findall(r'<option value="(https://w3id\.org/peer-support/graph/[^"]+)">([^<]+)</option>', page)
    assert options == [(GRAPH + name, name) for name in DATA_GRAPHS]


def test_the_page_form_validates_the_graph_chosen(base, client):
    form = {"graph": PROJECTS, "lang": "fr", "classify": ""}
    answer = client.post(base + "/validate?lang=fr", data=form, files={"file": ("", b"")}, headers={"Accept": "text/html"})
    assert answer.status_code == 200 and '<html lang="fr">' in answer.text
    as_json = client.post(base + "/validate", data={"graph": PROJECTS}, files={"file": ("", b"")}, headers={"Accept": "application/json"})
    assert len(as_json.json()["roles"]) == 11
    missing = client.post(base + "/validate", data={"graph": "https://example.org/nothing"}, files={"file": ("", b"")},
                          headers={"Accept": "application/json"})
    assert missing.status_code == 404


def test_an_engine_that_cannot_list_its_graphs_leaves_the_upload_form_alone():
    from peersupport.errors import Timeout
    from peersupport.web.validator import held_graphs

    def down():
        raise Timeout("the SPARQL endpoint did not list its graphs within 1 s")

    assert held_graphs((None, down)) == []
    assert held_graphs(None) == []
    assert held_graphs((None, lambda: [GRAPH + "ontology/peer-support.ttl", "https://example.org/theirs"])) == [
        {"iri": "https://example.org/theirs", "name": "https://example.org/theirs"}]
