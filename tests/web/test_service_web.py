"""The service beyond the protocol, over real HTTP: real SPARQL clients, vocabulary
dereferencing, the validator API, downloads, pages, health."""

import json
import re

import httpx
import pytest
from rdflib import Graph

from ..conftest import REPO
from ..service_fixtures import base, client, start_oxigraph_server, start_service, stop  # noqa: F401 (base, client: fixtures)


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


def test_the_documentation_links_each_cited_section_to_its_source_page(base, client):
    page = client.get(base + "/peer-support/", headers={"Accept": "text/html"}).text
    reciprocity = page[page.index('<section class="term" id="Reciprocity">'):]
    reciprocity = reciprocity[:reciprocity.index("</section>")]
    assert re.findall(r'<th scope="row">Source</th><td>(.*?)</td>', reciprocity) == [
        '<a href="/sources/000#equal-power-relationships">Peer support values: two Canadian reviews, equal power relationships</a><br>'
        '<a href="/sources/000#identification-with-each-other">Peer support values: two Canadian reviews, identification with each other</a><br>'
        '<a href="/sources/004#section-2.2">The Freedom to be, the Chance to Dream, section 2.2</a>']
    cited = set(re.findall(r'href="(/sources/[^"#]+#[^"]+)"', page))
    assert len(cited) > 20
    for link in sorted(cited):  # every section linked is one its source page shows
        path, anchor = link.split("#")
        assert f'id="{anchor}"' in client.get(base + path).text, link


def test_unknown_term_is_404(base, client):
    assert client.get(base + "/peer-support/NoSuchTerm").status_code == 404


def test_downloads(base, client):
    context = client.get(base + "/peer-support/context.jsonld")
    assert context.json() == json.loads((REPO / "ontology/context.jsonld").read_text())
    for name, media in [("ontology.ttl", "text/turtle"), ("shapes.ttl", "text/turtle"), ("context.jsonld", "application/ld+json"),
                        ("mappings.sssom.tsv", "text/tab-separated-values"), ("roles.csv", "text/csv")]:
        response = client.get(base + "/downloads/" + name)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media), name
    # The validator page's "filled-in example" link: the template with its example rows.
    example = client.get(base + "/downloads/roles-example.xlsx")
    assert example.status_code == 200 and example.content == (REPO / "data/templates/roles.xlsx").read_bytes()


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
    document = response.json()
    # The drop-in volunteer records no mutual agreement: not every peer support rests on one (004, 2.2).
    assert document["counts"] == {"violations": 0, "warnings": 1, "infos": 0}
    assert [(r["role"].rsplit("/", 1)[-1], r["claims_peer_support"], r["verdict"]) for r in document["roles"]] == [
        ("drop-in-volunteer", True, "peer-support"), ("group-member", True, "peer-support"),
        ("mentor", False, "not-peer-support"), ("ward-visitor", True, "peer-support")]


def test_validate_bad_input(base, client):
    bad = client.post(base + "/validate", content=b"@prefix ex: <http://e/> .\nex:a ex:b .\n", headers={"Content-Type": "text/turtle"})
    assert (bad.status_code, bad.text) == (400, "line 2, column 10: Turtle syntax error: objectList expected\n"
                                                "Correct the data at the place named and send it again.\n")
    as_json = client.post(base + "/validate", content=b"@prefix ex: <http://e/> .\nex:a ex:b .\n",
                          headers={"Content-Type": "text/turtle", "Accept": "application/json"}).json()["error"]
    assert (as_json["title"], as_json["line"], as_json["column"]) == ("Cannot read the data", 2, 10)
    unsupported = client.post(base + "/validate", content=b"x", headers={"Content-Type": "application/pdf"})
    assert unsupported.status_code == 415 and unsupported.text.startswith("unsupported Content-Type 'application/pdf'")
    empty = client.post(base + "/validate", data={"text": ""})
    assert (empty.status_code, empty.text.splitlines()[0]) == (400, "no file was chosen and nothing was pasted")
    unnamed = client.post(base + "/validate", files={"file": ("roles", b"x", "application/octet-stream")})
    assert unnamed.status_code == 400 and unnamed.text.splitlines()[1].startswith("Choose the format in the list")
    language = client.post(base + "/validate", params={"lang": "de"}, content=b"", headers={"Content-Type": "text/turtle"})
    assert (language.status_code, language.text.splitlines()[0]) == (400, "unknown language 'de'; use en or fr")
    refused = client.post(base + "/validate", content=b"", headers={"Content-Type": "text/turtle", "Accept": "image/png"})
    assert refused.status_code == 406
    too_big = client.post(base + "/validate", content=b" " * (12 * 1024 * 1024), headers={"Content-Type": "text/turtle"})
    assert too_big.status_code == 413


def test_a_failed_validation_shows_a_browser_the_error_page_in_the_site_layout(base, client):
    page = client.post(base + "/validate", data={"text": ""}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert '<nav class="top"' in page.text and "<footer>" in page.text
    assert '<p class="message">No file was chosen and nothing was pasted</p>' in page.text
    assert "Choose a file, or paste your role descriptions" in page.text and '<form id="validate-form"' in page.text


def _downloads_form(page: str) -> dict:
    """The fields of the report page's download form, as a browser would send them."""
    import html

    form = page[page.index('<form class="downloads"'):]
    form = form[:form.index("</form>")]
    fields = {name: html.unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)}
    text = re.search(r'<textarea name="text" hidden>\n(.*?)</textarea>', form, re.S)[1]
    return {**fields, "text": html.unescape(text)}


def test_the_report_page_keeps_the_layout_and_offers_the_report_as_files(base, client):
    body = (REPO / "data/examples/invalid/one-way-help.ttl").read_text()
    page = client.post(base + "/validate", params={"lang": "fr"}, data={"text": body, "format": "turtle", "lang": "fr"},
                       headers={"Accept": "text/html"}).text
    assert '<html lang="fr">' in page and '<nav class="top"' in page and "<footer>" in page
    assert 'class="verdict"' not in page  # the plain-words summary says it; no "does not conform" line
    assert '<a class="button" href="/validate?lang=fr&amp;format=turtle&amp;classify=off">Vérifier un autre fichier</a>' in page
    fields = _downloads_form(page)
    assert (fields["text"], fields["format"], fields["lang"]) == (body, "turtle", "fr") and "classify" not in fields
    as_json = client.post(base + "/validate", data={**fields, "report": "json"})
    assert as_json.headers["content-disposition"] == 'attachment; filename="report.json"'
    assert as_json.json()["counts"] == {"violations": 1, "warnings": 0, "infos": 0}
    assert as_json.json()["results"][0]["message"].startswith("Non réciproque")
    as_turtle = client.post(base + "/validate", data={**fields, "report": "turtle"})
    assert as_turtle.headers["content-disposition"] == 'attachment; filename="report.ttl"' and "sh:ValidationReport" in as_turtle.text
    assert client.post(base + "/validate", data={**fields, "report": "pdf"}).status_code == 400


def test_vocabulary_errors_have_the_shape_of_every_error(base, client):
    term = client.get(base + "/peer-support/NoSuchTerm", headers={"Accept": "application/json"})
    assert (term.status_code, term.json()["error"]["message"]) == (404, "no term 'NoSuchTerm' in the vocabulary")
    document = client.get(base + "/peer-support/vocab.docx", headers={"Accept": "text/html"})
    assert document.status_code == 404 and '<nav class="top"' in document.text and "No such document" in document.text
    refused = client.get(base + "/peer-support/", headers={"Accept": "image/png"})
    assert (refused.status_code, refused.headers["vary"]) == (406, "Accept")
    download = client.get(base + "/downloads/passwords.txt")
    assert download.status_code == 404 and download.text.startswith("no download 'passwords.txt'; available: ontology.ttl")


def test_pages_and_health(base, client):
    for path, text in [("/", "Check your roles"), ("/query", "Start from a research question"), ("/validate", "Nothing you send is stored"),
                       ("/validate?lang=fr", "Rien de ce que vous envoyez n’est conservé"), ("/?lang=fr", "Vérifier vos rôles"),
                       ("/static/query.js", 'const ENDPOINT = location.origin + "/sparql";'), ("/openapi.json", "/sparql")]:
        response = client.get(base + path)
        assert response.status_code == 200 and text in response.text, path
    health = client.get(base + "/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok", "version": "0.1.0", "store": "embedded",
                                                         "workers": 4, "of": 4, "holder": True})


@pytest.mark.parametrize("path", ["/", "/query", "/validate", "/peer-support/", "/docs"])
def test_pages_use_no_outside_resources(base, client, path):
    """Nothing is loaded from elsewhere; links (``<a href>``) to other vocabularies' terms may leave."""
    page = client.get(base + path, headers={"Accept": "text/html"}).text
    assert re.findall(r"""(?:src|(?<!<a )href|url)\s*[=:(]\s*['"]((?:https?:)?//[^'"]*)""", page) == []


@pytest.mark.parametrize("path, current", [("/", "/"), ("/query", "/query"), ("/validate", "/validate"),
                                           ("/peer-support/", "/peer-support/"), ("/peer-support/vocab.html", "/peer-support/")])
def test_pages_share_the_layout_with_the_current_page_marked(base, client, path, current):
    page = client.get(base + path, headers={"Accept": "text/html"}).text
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == [current]
    assert '<a href="?lang=fr" hreflang="fr" lang="fr">Français</a>' in page and "<footer>" in page


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
