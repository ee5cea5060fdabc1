"""Every kind of IRI the project mints for its vocabulary resolves (issue 19): the namespace and
terms, the version IRI, the shapes and each shape, the mapping set, the sources and the JSON-LD
context; by ``Accept`` to a page for a browser or to RDF, with ``Vary: Accept``, for GET and HEAD."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import OWL, Graph, URIRef

from peersupport.settings import Settings
from peersupport.vocabulary import docs
from peersupport.web.app import create_app
from ..conftest import REPO

HTML, TURTLE, JSONLD, RDFXML, NTRIPLES = "text/html", "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"
EXTENSIONS = {HTML: "html", TURTLE: "ttl", JSONLD: "jsonld", RDFXML: "rdf", NTRIPLES: "nt"}
W3ID = "https://w3id.org"


@pytest.fixture(scope="module")
def client():
    # Not entered as a context manager: no store is loaded, as none of these routes needs one.
    return TestClient(create_app(Settings(store=Path("unused"))), raise_server_exceptions=False)


def _path(iri: str) -> str:
    assert iri.startswith(W3ID + "/peer-support/")
    return iri[len(W3ID):]


def test_the_version_iri_answers_that_version(client):
    version_iri = str(docs.shared_vocabulary().value(URIRef(W3ID + "/peer-support/"), OWL.versionIRI))
    assert re.fullmatch(r"https://w3id\.org/peer-support/version/\d+\.\d+\.\d+", version_iri)
    for accept in (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES):
        for method in ("GET", "HEAD"):
            answer = client.request(method, _path(version_iri), headers={"Accept": accept})
            assert (answer.status_code, answer.headers["content-type"].split(";")[0], answer.headers["vary"]) == (200, accept, "Accept")
    graph = Graph().parse(data=client.get(_path(version_iri), headers={"Accept": TURTLE}).text, format="turtle")
    assert (URIRef(W3ID + "/peer-support/"), OWL.versionIRI, URIRef(version_iri)) in graph
    unknown = client.get("/peer-support/version/9.9.9", headers={"Accept": HTML})
    assert unknown.status_code == 404 and version_iri.rsplit("/", 1)[1] in unknown.text


ALIGNMENTS = W3ID + "/peer-support/alignments"


def test_the_alignment_module_and_its_version_resolve(client):
    vocabulary = docs.shared_vocabulary()
    version_iri = str(vocabulary.value(URIRef(ALIGNMENTS), OWL.versionIRI))
    assert version_iri == ALIGNMENTS + "/version/0.1.0"
    for accept in (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES):
        answer = client.get(_path(version_iri), headers={"Accept": accept})
        assert (answer.status_code, answer.headers["content-type"].split(";")[0], answer.headers["vary"]) == (200, accept, "Accept")
        assert client.head(_path(version_iri), headers={"Accept": accept}).status_code == 200
    module = client.get(_path(ALIGNMENTS), headers={"Accept": HTML}, follow_redirects=False)
    assert (module.status_code, module.headers["location"]) == (303, "/peer-support/vocab.html#alignments")
    page = client.get("/peer-support/vocab.html").text
    assert '<h2 id="alignments">Module: Peer Support Vocabulary: alignments to practice standards</h2>' in page
    assert ('version <a href="/peer-support/alignments/version/0.1.0"><code>https://w3id.org/peer-support/alignments/version/0.1.0</code></a>.\n'
            'Schemes it defines: <a href="#ImROCPrinciples">ImROC principles of peer support</a>, '
            '<a href="#IPSTasks">Intentional Peer Support tasks</a>, '
            '<a href="#NAPSValues">N.A.P.S. National Practice Guidelines values (2013)</a>.') in page
    graph = Graph().parse(data=client.get(_path(version_iri), headers={"Accept": TURTLE}).text, format="turtle")
    assert (URIRef(ALIGNMENTS), OWL.versionIRI, URIRef(version_iri)) in graph
    unknown = client.get("/peer-support/alignments/version/9.9.9", headers={"Accept": HTML})
    assert unknown.status_code == 404 and "0.1.0" in unknown.text
    assert client.get("/peer-support/nothing/version/0.1.0", headers={"Accept": HTML}).status_code == 404


def test_the_standards_terms_are_defined_by_the_alignment_module_not_the_core():
    vocabulary = docs.shared_vocabulary()
    from rdflib import RDFS, SKOS
    for scheme in ("NAPSValues", "ImROCPrinciples", "IPSTasks"):
        members = [URIRef(W3ID + "/peer-support/" + scheme), *vocabulary.subjects(SKOS.inScheme, URIRef(W3ID + "/peer-support/" + scheme))]
        assert {vocabulary.value(m, RDFS.isDefinedBy) for m in members} == {URIRef(ALIGNMENTS)}, scheme
    core = {vocabulary.value(s, RDFS.isDefinedBy) for s in vocabulary.subjects(SKOS.inScheme, URIRef(W3ID + "/peer-support/ValueScheme"))}
    assert core == {URIRef(W3ID + "/peer-support/")}


@pytest.mark.parametrize("accept", [HTML, TURTLE, JSONLD, RDFXML, NTRIPLES])
def test_the_shapes_iri_answers_the_shapes_by_accept(client, accept):
    answer = client.get("/peer-support/shapes/", headers={"Accept": accept})
    assert (answer.status_code, answer.headers["content-type"].split(";")[0], answer.headers["vary"]) == (200, accept, "Accept")
    assert client.head("/peer-support/shapes/", headers={"Accept": accept}).status_code == 200
    same = client.get(f"/peer-support/shapes/shapes.{EXTENSIONS[accept]}")
    assert same.status_code == 200 and same.headers["content-type"].split(";")[0] == accept


def test_the_shapes_iri_without_its_slash_is_sent_to_it(client):
    answer = client.get("/peer-support/shapes", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (301, "/peer-support/shapes/")


def test_the_shapes_rdf_is_the_shipped_shapes(client):
    shipped = Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        shipped.parse(path, format="turtle")
    served = Graph().parse(data=client.get("/peer-support/shapes/shapes.ttl").text, format="turtle")
    assert len(served) == len(shipped) and served.isomorphic(shipped)


def test_each_shape_iri_is_sent_to_its_anchor_or_the_graph(client):
    page = client.get("/peer-support/shapes/shapes.html").text
    shipped = Graph().parse(REPO / "shapes" / "peer-support-shapes.ttl", format="turtle")
    shapes = sorted({str(s) for s in shipped.subjects() if str(s).startswith(W3ID + "/peer-support/shapes/") and str(s) != W3ID + "/peer-support/shapes/"})
    assert len(shapes) >= 20
    for iri in shapes:
        name = iri.rsplit("/", 1)[1]
        html = client.get(_path(iri), headers={"Accept": HTML}, follow_redirects=False)
        assert (html.status_code, html.headers["location"], html.headers["vary"]) == (303, f"/peer-support/shapes/shapes.html#{name}", "Accept")
        turtle = client.get(_path(iri), headers={"Accept": TURTLE}, follow_redirects=False)
        assert (turtle.status_code, turtle.headers["location"]) == (303, "/peer-support/shapes/shapes.ttl")
    for iri in shapes:
        if "Shape" in iri or "Group" in iri:
            assert f'id="{iri.rsplit("/", 1)[1]}"' in page, iri
    assert client.get("/peer-support/shapes/NoSuchShape", headers={"Accept": HTML}).status_code == 404


def test_the_shapes_page_says_each_check_in_plain_words(client):
    english = client.get("/peer-support/shapes/shapes.html").text
    assert "<h3>recorded as one-way help</h3>" in english
    assert "reciprocal — concludes: contradicted" in english
    assert '<a href="/sources/003#common-features">' in english
    assert '<dd><a href="#PeerSupportClaims"><code>roles that claim peer support</code></a></dd>' in english
    assert '<section class="term" id="PeerSupportClaims">\n<h3>roles that claim peer support</h3>' in english
    assert '<dd><a href="http://www.w3.org/ns/org#Post"><code>org:Post</code></a></dd>' in english
    anchors = set(re.findall(r'href="#([^"]+)"', english))
    assert anchors and {a for a in anchors if f'id="{a}"' not in english} == set()  # every link on the page lands
    french = client.get("/peer-support/shapes/shapes.html?lang=fr").text
    assert "<h3>enregistré comme aide à sens unique</h3>" in french and "à corriger" in french


def test_the_mapping_set_iri_answers_the_sssom_file(client):
    for method in ("GET", "HEAD"):
        answer = client.request(method, "/peer-support/mappings.sssom.tsv")
        assert (answer.status_code, answer.headers["content-type"].split(";")[0]) == (200, "text/tab-separated-values")
    body = client.get("/peer-support/mappings.sssom.tsv").text
    assert body == (REPO / "ontology" / "mappings.sssom.tsv").read_text(encoding="utf-8")
    assert "# mapping_set_id: https://w3id.org/peer-support/mappings.sssom.tsv" in body


def test_every_cited_source_iri_resolves_to_an_anchor_of_its_page(client):
    cited = set()
    for path in [*sorted((REPO / "ontology").glob("*.ttl")), *sorted((REPO / "shapes").glob("*.ttl"))]:
        cited |= {str(o) for o in Graph().parse(path, format="turtle").objects(None, URIRef("http://purl.org/dc/terms/source"))
                  if str(o).startswith(W3ID + "/peer-support/source/")}
    assert len(cited) >= 20
    pages = {}
    for iri in sorted(cited):
        document, _, anchor = iri.partition("#")
        answer = client.get(_path(document), headers={"Accept": HTML}, follow_redirects=False)
        assert (answer.status_code, answer.headers["vary"]) == (303, "Accept"), iri
        location = answer.headers["location"]
        assert re.fullmatch(r"/sources/[a-z0-9-]+", location), location
        pages.setdefault(location, client.get(location).text)
        if anchor:
            assert f'id="{anchor}"' in pages[location], iri


def test_the_context_answers_get_and_head(client):
    for method in ("GET", "HEAD"):
        answer = client.request(method, "/peer-support/context.jsonld")
        assert (answer.status_code, answer.headers["content-type"]) == (200, JSONLD)
