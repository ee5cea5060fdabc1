"""``POST /validate?graph=IRI`` (issue 16): a graph the store holds, read with CONSTRUCT through
the service's executor, validates as the same file sent as the body does, on the embedded store
and in front of an Oxigraph server; a graph the store does not hold is a 404 naming it."""

import pytest

from ..conftest import REPO
from ..service_fixtures import STORES, client, serve_on  # noqa: F401 (client: a fixture)

PROJECTS = "https://w3id.org/peer-support/graph/data/consultation-2012/projects.ttl"


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
