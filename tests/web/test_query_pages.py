"""The query editor and the research-question pages over HTTP: a browser's Accept gets the page
(form, table, downloads equal to the API's answer), machines keep their formats, /sparql?query=
from a browser opens the editor, syntax errors name line and column, the OpenAPI documents every
parameter of every catalogue query, and the editor's completions come from the vocabulary."""

import csv
import io
import re

import pytest

from peersupport.sparql.catalogue import catalogue

from ..service_fixtures import base, client  # noqa: F401 (fixtures)

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _rows(page: str) -> int:
    body = re.search(r'<table class="results sortable" id="answer">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    return body[1].count("<tr>") if body else 0


@pytest.mark.parametrize("name", [q.name for q in catalogue()])
def test_each_question_page_has_a_form_table_downloads_and_editor_link(base, client, name):
    query = next(q for q in catalogue() if q.name == name)
    page = client.get(f"{base}/queries/{name}", headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"<h1>{query.title}</h1>" in page.text
    for parameter in query.parameters:
        assert f'name="{parameter.name}"' in page.text
    api = client.get(f"{base}/queries/{name}", headers={"Accept": "text/csv"}).text
    assert _rows(page.text) == len(list(csv.reader(io.StringIO(api)))) - 1
    csv_link = re.search(r'class="download-csv" href="([^"]+)"', page.text)[1].replace("&amp;", "&")
    assert client.get(base + csv_link).text == api
    assert 'id="open-editor" href="/query?query=' in page.text


def test_the_form_changes_a_parameter_and_the_answer_follows(base, client):
    for community in ("ps:BlackAndMinorityEthnic", "ps:Carers"):
        page = client.get(f"{base}/queries/organisations-by-community", params={"community": community}, headers=BROWSER)
        api = client.get(f"{base}/queries/organisations-by-community", params={"community": community, "format": "csv"}).text
        assert page.status_code == 200
        assert _rows(page.text) == len(list(csv.reader(io.StringIO(api)))) - 1
        assert f'value="{community}" selected' in page.text


def test_a_bad_value_is_shown_on_the_page_with_the_form(base, client):
    page = client.get(f"{base}/queries/survey-contexts", params={"minimum": "many"}, headers=BROWSER)
    assert page.status_code == 400
    assert "parameter &#39;minimum&#39; (integer): &#39;many&#39; is not an integer" in page.text
    assert 'name="minimum"' in page.text


def test_machines_keep_the_negotiated_formats(base, client):
    assert client.get(f"{base}/queries/practice-types").headers["content-type"].startswith("application/sparql-results+json")
    assert client.get(f"{base}/queries/practice-types", headers={"Accept": "text/csv"}).headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize("accept", [BROWSER["Accept"], "text/html"])
def test_a_browser_asking_sparql_for_a_query_is_sent_to_the_editor(base, client, accept):
    response = client.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": accept}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/query?query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D")


def test_a_syntax_error_names_its_line_and_column(base, client):
    response = client.get(base + "/sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"}, headers={"Accept": "application/json"})
    error = response.json()["error"]
    assert (response.status_code, error["line"], error["column"]) == (400, 2, 9)
    assert error["message"] == "SPARQL syntax error: line 2, column 9: the query cannot be read from here (near “?s ?p }”)"


def test_openapi_documents_every_parameter_of_every_catalogue_query(base, client):
    paths = client.get(base + "/openapi.json").json()["paths"]
    for query in catalogue():
        documented = {p["name"]: p for p in paths[f"/queries/{query.name}"]["get"]["parameters"]}
        for parameter in query.parameters:
            assert documented[parameter.name]["description"] == parameter.description
            default = int(parameter.default) if parameter.type == "integer" else parameter.default
            assert documented[parameter.name]["schema"]["default"] == default
        assert "format" in documented


def test_the_editor_is_served_from_here_and_completes_from_the_vocabulary(base, client):
    page = client.get(base + "/query")
    assert "/static/yasgui/yasgui.min.js" in page.text and "https://" not in re.sub(r'data-query="[^"]*"|data-initial="[^"]*"', "", page.text.split("<main", 1)[1].split("<footer", 1)[0]).split("<h2 id=\"questions\">")[0]
    assert "unsafe-eval" not in page.headers["content-security-policy"]
    assert client.get(base + "/static/yasgui/yasgui.min.js").status_code == 200
    completions = client.get(base + "/query/completions.json").json()
    assert completions["prefixes"]["ps"] == "https://w3id.org/peer-support/"
    assert "https://w3id.org/peer-support/performsPractice" in completions["properties"] or any(
        p.startswith("https://w3id.org/peer-support/") for p in completions["properties"])
