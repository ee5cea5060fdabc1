"""``POST /validate?graph=IRI`` in front of a real engine (issue 16): the service validates the
engine's graph in batches (``store.batched_validation``, here of 7 nodes: many batches) and gives the report the same file gives
sent as the body, on Oxigraph server and on Virtuoso, for the API and for the page's form; an
engine that does not answer is a 503 naming it (not its address), and a graph the engine does not
hold is a 404 page for a browser. With ``PEERSUPPORT_REMOTE_BATCH=0`` the graph is read whole, as
the embedded store's is, and the report page can send it again for a download."""

import pytest

from peersupport.sparql.remote import RemoteEndpoint

from ..conftest import REPO
from ..service_fixtures import client, free_port, start_service, stop  # noqa: F401 (client: a fixture)

PROJECTS = "https://w3id.org/peer-support/graph/data/consultation-2012/projects.ttl"
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def service(request, tmp_path_factory):
    """(the service's URL, the engine's endpoint): the service in front of the session's engine."""
    endpoint = request.getfixturevalue("oxigraph_server" if request.param == "oxigraph" else "virtuoso")
    url, process = start_service(tmp_path_factory.mktemp("store"), {"PEERSUPPORT_SPARQL_ENDPOINT": endpoint,
                                                                     "PEERSUPPORT_SPARQL_ENGINE": request.param,
                                                                     "PEERSUPPORT_REMOTE_BATCH": "7"})
    yield url, endpoint
    stop(process)


def _uploaded(client, url, lang="en"):
    return client.post(url + "/validate", params={"lang": lang}, content=(REPO / "data/consultation-2012/projects.ttl").read_bytes(),
                       headers={**JSON, "Content-Type": "text/turtle"})


def test_a_graph_of_the_engine_gives_the_report_the_same_file_gives(service, client):
    url, _ = service
    held = client.post(url + "/validate", params={"graph": PROJECTS}, headers=JSON)
    sent = _uploaded(client, url)
    assert held.status_code == sent.status_code == 200
    assert held.json()["counts"] == {"violations": 7, "warnings": 1, "infos": 1}
    assert len(held.json()["roles"]) == 11
    assert held.json() == sent.json()


def test_the_page_form_validates_the_engine_graph_as_the_file(service, client):
    url, _ = service
    form = client.post(url + "/validate", data={"graph": PROJECTS, "lang": "fr", "classify": ""}, files={"file": ("", b"")},
                       headers=JSON)
    assert form.status_code == 200
    assert form.json() == _uploaded(client, url, "fr").json()
    page = client.post(url + "/validate?lang=fr", data={"graph": PROJECTS, "lang": "fr"}, files={"file": ("", b"")},
                       headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert 'name="report" value="csv"' not in page.text  # the engine's graph does not ride in the page to send again


def test_a_graph_the_engine_does_not_hold_is_a_404_page(service, client):
    url, _ = service
    page = client.post(url + "/validate?lang=en", data={"graph": "https://example.org/nothing", "lang": "en"},
                       files={"file": ("", b"")}, headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<p class="message">The store holds no graph &lt;https://example.org/nothing&gt;</p>' in page.text


def test_with_batches_of_0_the_graph_is_read_whole(oxigraph_server, tmp_path, client):
    url, process = start_service(tmp_path, {"PEERSUPPORT_SPARQL_ENDPOINT": oxigraph_server,
                                            "PEERSUPPORT_SPARQL_ENGINE": "oxigraph", "PEERSUPPORT_REMOTE_BATCH": "0"})
    try:
        held = client.post(url + "/validate", params={"graph": PROJECTS}, headers=JSON)
        sent = _uploaded(client, url)
        page = client.post(url + "/validate?lang=en", data={"graph": PROJECTS, "lang": "en"}, files={"file": ("", b"")},
                           headers={"Accept": "text/html"})
    finally:
        stop(process)
    assert held.status_code == 200 and held.json() == sent.json()
    assert 'name="report" value="csv"' in page.text  # read whole, the graph rides in the page to send again


def test_an_engine_that_does_not_answer_is_a_503_naming_it(tmp_path, client):
    endpoint = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    url, process = start_service(tmp_path, {"PEERSUPPORT_SPARQL_ENDPOINT": endpoint, "PEERSUPPORT_SPARQL_ENGINE": "oxigraph"},
                                 unavailable_too=True)
    try:
        answer = client.post(url + "/validate", params={"graph": PROJECTS}, headers=JSON)
    finally:
        stop(process)
    assert answer.status_code == 503
    error = answer.json()["error"]
    assert (error["title"], error["message"]) == ("The SPARQL engine behind this service does not answer",
                                                  "the SPARQL engine behind this service did not answer (ConnectError)")
    assert endpoint not in answer.text


def test_an_engine_gone_while_validating_is_a_503_without_its_address():
    from peersupport.errors import EngineUnavailable
    from peersupport.web.validator import Submission, _validate_engine_graph

    endpoint = f"http://127.0.0.1:{free_port()}/query"
    remote = RemoteEndpoint(endpoint, engine="oxigraph")
    try:
        with pytest.raises(EngineUnavailable) as raised:
            _validate_engine_graph(remote, Submission(b"", "nt", "en", False, engine_graph=PROJECTS), 7)
    finally:
        remote.close()
    assert raised.value.status == 503
    assert raised.value.message == "the SPARQL engine behind this service did not answer (ConnectError)"
