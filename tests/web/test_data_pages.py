"""Data that dereferences (web/data_pages.py): a data IRI answers 303 to its page, HTML or RDF by
Accept; the RDF holds exactly the statements the data file makes about it; graph IRIs list what
they describe; an IRI the graph does not hold is a 404 page. Run on the embedded store and in
front of Oxigraph server, as the pages are read through the executor. A graph served with
``--data`` is served the same way, and a resource 10^5 statements point to gets a bounded page."""

import time
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef

from ..conftest import REPO
from ..service_fixtures import STORES, client, serve_on, start_service, stop  # noqa: F401 (client: a fixture)
from .test_accessibility import _serious
from .browser import browser, screenshot  # noqa: F401 (the browser fixture)

DATA = "https://w3id.org/peer-support/data/consultation-2012/"
ORGANISATION = DATA + "org/sound-minds"
OBSERVATION = DATA + "observation/demography-age-26-35"
DATASET = DATA + "survey/demography"
RDF_TYPES = {"ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld"),
             "nt": ("application/n-triples", "nt"), "rdf": ("application/rdf+xml", "xml")}


def page(iri: str, extension: str = "html") -> str:
    return "/resource?iri=" + quote(iri, safe="") + ("" if extension == "html" else f"&format={extension}")


def file_statements(name: str, subject: str) -> set:
    graph = Graph().parse(REPO / "data/consultation-2012" / name, format="turtle")
    return set(graph.triples((URIRef(subject), None, None)))


@pytest.fixture(scope="module", params=STORES)
def base(request, tmp_path_factory):
    yield from serve_on(request.param, tmp_path_factory)


@pytest.mark.parametrize("accept, extension", [("text/html", "html"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
                                               ("application/n-triples", "nt"), ("application/rdf+xml", "rdf")])
def test_a_data_iri_answers_303_to_its_document_by_accept(base, client, accept, extension):
    answer = client.get(base + "/peer-support/data/consultation-2012/org/sound-minds", headers={"Accept": accept})
    assert answer.status_code == 303
    assert answer.headers["location"] == page(ORGANISATION, extension)
    assert answer.headers["vary"] == "Accept"


def test_the_organisation_page_shows_its_label_statements_graph_and_what_points_to_it(base, client):
    answer = client.get(base + page(ORGANISATION), headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["vary"] == "Accept"
    html = answer.text
    assert "<h1>Sound Minds</h1>" in html
    assert "<title>Sound Minds · Peer Support Vocabulary</title>" in html
    assert '<a href="/peer-support/graph/data/consultation-2012/projects.ttl">data/consultation-2012/projects.ttl</a>' in html
    assert '<a href="/peer-support/UserLedOrganisation" title="https://w3id.org/peer-support/UserLedOrganisation">user-led organisation</a>' in html
    assert '<span class="literal">Table 4: «Based within Sound Minds – user-led organisation».</span>' in html
    assert "One statement points to it." in html
    assert ('<a href="/peer-support/data/consultation-2012/org/canerows-and-plaits" '
            'title="https://w3id.org/peer-support/data/consultation-2012/org/canerows-and-plaits">Canerows and Plaits</a>') in html
    assert '<link rel="stylesheet" href="/static/data.css">' in html


def test_the_page_in_french(base, client):
    html = client.get(base + page(ORGANISATION) + "&lang=fr").text
    assert '<html lang="fr">' in html
    assert "<h2>Ce que le graphe en dit</h2>" in html
    assert "Un énoncé y renvoie." in html


@pytest.mark.parametrize("iri, name", [(ORGANISATION, "projects.ttl"), (OBSERVATION, "survey.ttl"), (DATASET, "survey.ttl")])
@pytest.mark.parametrize("extension", list(RDF_TYPES))
def test_the_rdf_holds_the_same_statements_as_the_data_file(base, client, iri, name, extension):
    media_type, rdflib_format = RDF_TYPES[extension]
    answer = client.get(base + page(iri, extension))
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert answer.headers["vary"] == "Accept"
    served = Graph().parse(data=answer.content, format=rdflib_format)
    expected = file_statements(name, iri)
    assert len(expected) > 3
    assert set(served) == expected


def test_the_document_negotiates_by_accept_too(base, client):
    answer = client.get(base + page(OBSERVATION), headers={"Accept": "text/turtle"})
    assert answer.headers["content-type"].startswith("text/turtle")
    assert set(Graph().parse(data=answer.content, format="turtle")) == file_statements("survey.ttl", OBSERVATION)


def test_an_observation_page_links_its_dataset_and_the_dataset_lists_its_observations(base, client):
    html = client.get(base + page(OBSERVATION)).text
    assert '<a href="/peer-support/data/consultation-2012/survey/demography"' in html
    dataset = client.get(base + page(DATASET)).text
    data = Graph()
    for name in ("dataset.ttl", "projects.ttl", "survey.ttl"):
        data.parse(REPO / "data/consultation-2012" / name, format="turtle")
    observations = set(data.subjects(URIRef("http://purl.org/linked-data/cube#dataSet"), URIRef(DATASET)))
    pointing = set(data.triples((None, None, URIRef(DATASET))))
    assert (len(observations), len(pointing)) == (28, 29)  # and c12:survey dct:hasPart it
    assert "29 statements point to it." in dataset
    assert dataset.count('<tr><td><a href="/peer-support/data/consultation-2012/observation/demography-') == 28


def test_a_blank_node_is_shown_within_and_served_in_the_rdf(base, client):
    dsd = DATA + "survey/demography-structure"
    answer = client.get(base + page(dsd, "nt"))
    assert answer.status_code == 200, answer.text
    served = Graph().parse(data=answer.content, format="nt")
    expected = Graph().parse(REPO / "data/consultation-2012/survey.ttl", format="turtle")
    components = set(expected.objects(URIRef(dsd), URIRef("http://purl.org/linked-data/cube#component")))
    assert len(components) == 4
    assert len(served) == len(set(expected.triples((URIRef(dsd), None, None)))) + sum(
        len(set(expected.triples((c, None, None)))) for c in components)
    html = client.get(base + page(dsd)).text
    assert html.count('<ul class="nested">') == 4


@pytest.mark.parametrize("path, iri", [("/peer-support/data/consultation-2012/org/no-such-organisation", DATA + "org/no-such-organisation"),
                                       ("/resource?iri=https%3A%2F%2Fexample.org%2Fnothing", "https://example.org/nothing")])
def test_an_iri_the_graph_does_not_hold_is_a_404_page(base, client, path, iri):
    answer = client.get(base + path, headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert answer.headers["vary"] == "Accept"
    assert f'<p class="message">The graph holds nothing about &lt;{iri}&gt;</p>' in answer.text
    assert '<a class="brand" href="/">' in answer.text


def test_text_that_is_not_an_iri_is_a_400_naming_it(base, client):
    answer = client.get(base + "/resource?iri=not%20an%20iri", headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("'not an iri' is not an IRI")


def test_unknown_format_and_unacceptable_accept(base, client):
    assert client.get(base + page(ORGANISATION) + "&format=pdf").status_code == 400
    answer = client.get(base + "/peer-support/data/consultation-2012/org/sound-minds", headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert answer.headers["vary"] == "Accept"


def test_sources_and_vocabulary_terms_keep_their_own_pages(base, client):
    source = client.get(base + page("https://w3id.org/peer-support/source/004_eb6b9cd873e104b3.txt"))
    assert (source.status_code, source.headers["location"]) == (303, "/sources/004")
    term = client.get(base + page("https://w3id.org/peer-support/WardVisitor"))
    assert (term.status_code, term.headers["location"]) == (303, "/peer-support/WardVisitor")


def test_a_graph_iri_lists_what_it_describes_and_serves_its_statements(base, client):
    graph_file = REPO / "data/consultation-2012/projects.ttl"
    expected = Graph().parse(graph_file, format="turtle")
    answer = client.get(base + "/peer-support/graph/data/consultation-2012/projects.ttl", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    subjects = {s for s in expected.subjects() if isinstance(s, URIRef)}
    assert f"{len(expected)} statements about {len(subjects)} resources." in answer.text
    assert answer.text.count("<tr><td><a href=") == len(subjects)
    turtle = client.get(base + "/peer-support/graph/data/consultation-2012/projects.ttl", headers={"Accept": "text/turtle"})
    assert set(Graph().parse(data=turtle.content, format="turtle")) == set(expected)
    assert client.get(base + "/peer-support/graph/data/none.ttl").status_code == 404


@pytest.fixture(scope="module")
def hub_base(tmp_path_factory):
    """A service with a --data file in which 100,000 resources of another namespace point to one hub."""
    folder = tmp_path_factory.mktemp("hub")
    hub = "https://w3id.org/peer-support/data/local/hub"
    lines = [f'<{hub}> <http://www.w3.org/2000/01/rdf-schema#label> "The hub" .']
    lines += [f"<https://example.org/ours/member-{i:06d}> <https://example.org/ours/partOf> <{hub}> ." for i in range(100_000)]
    lines += ['<https://example.org/ours/member-000000> <http://www.w3.org/2000/01/rdf-schema#label> "First member" .']
    (folder / "hub.nt").write_text("\n".join(lines) + "\n")
    url, process = start_service(tmp_path_factory.mktemp("store"), options=("--data", str(folder / "hub.nt")), timeout=10)
    yield url
    stop(process)


def test_a_resource_with_100000_links_pointing_to_it_gets_a_bounded_page(hub_base, client):
    hub = "https://w3id.org/peer-support/data/local/hub"
    assert client.get(hub_base + "/peer-support/data/local/hub").headers["location"] == page(hub)
    started = time.perf_counter()
    answer = client.get(hub_base + page(hub))
    seconds = time.perf_counter() - started
    assert answer.status_code == 200
    assert "100,000 statements point to it. Showing 1–50 of 100,000." in answer.text
    assert answer.text.count('title="https://example.org/ours/member-') == 50
    assert f'from=50&amp;lang=en#incoming">Next 50</a>' in answer.text
    assert len(answer.content) < 100_000
    assert seconds < 5, seconds
    last = client.get(hub_base + page(hub) + "&from=99990")
    assert "Showing 99,991–100,000 of 100,000." in last.text
    assert "Next 50" not in last.text and "Previous 50" in last.text


def test_a_resource_of_a_data_graph_in_another_namespace_has_its_page_here(hub_base, client):
    member = "https://example.org/ours/member-000000"
    html = client.get(hub_base + page(member)).text
    assert "<h1>First member</h1>" in html
    assert '<a href="/peer-support/graph/local/hub.nt">local/hub.nt</a>' in html
    listing = client.get(hub_base + "/peer-support/graph/local/hub.nt").text
    assert "100,002 statements about 100,001 resources. Showing 1–100 of 100,001." in listing
    assert f'<a href="{page(member)}">First member</a>' in listing


def test_the_data_page_in_a_browser_has_no_serious_accessibility_violation(browser, base):  # noqa: F811
    if "127.0.0.1" not in base:
        pytest.fail("the service runs locally")
    browser.set_script_timeout(120)
    browser.get(base + "/peer-support/data/consultation-2012/role/canerows-and-plaits-ward-visitor")
    assert browser.title == "Ward visitor (peer worker), Canerows and Plaits · Peer Support Vocabulary"
    screenshot(browser, "data-page-ward-visitor")
    assert _serious(browser) == []
