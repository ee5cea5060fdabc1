"""The roles page (web/roles.py): every facet's counts equal a SPARQL COUNT over the same filter
(the marks and verdicts: the validator's verdicts on the same data), choosing a value gives a
list of that many roles, the CSV holds the list as filtered, pages of 25; on the embedded store
and in front of Oxigraph server. One screenshot, and axe-core finds no serious violation."""

import csv
import io
import re
from collections import Counter
from html import unescape

import pytest
from rdflib import Graph, URIRef

from peersupport.validation.validate import validate_graph

from ..conftest import REPO
from ..service_fixtures import STORES, client, serve_on, start_service, stop  # noqa: F401 (client: a fixture)
from .test_accessibility import _serious
from .browser import browser, screenshot  # noqa: F401 (the browser fixture)

PS = "https://w3id.org/peer-support/"
PREFIXES = ("PREFIX ps: <https://w3id.org/peer-support/> PREFIX org: <http://www.w3.org/ns/org#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
ROLES = ("{ SELECT DISTINCT ?role WHERE { GRAPH ?g { ?role a ?class } VALUES ?class { org:Post org:Role org:Membership ps:DescribedRole } "
         'FILTER(STRSTARTS(STR(?g), "https://w3id.org/peer-support/graph/data/") || STRSTARTS(STR(?g), "https://w3id.org/peer-support/graph/local/")) } }')
HAS = {
    "organisation-kind": "?role org:postIn|org:organization ?o_{n} . ?o_{n} a {v} . {v} rdfs:subClassOf org:Organization .",
    "practice": "?role ps:declaredPractice {v} .",
    "remuneration": "?role ps:remunerationBasis {v} .",
    "setting": "{{ ?role ps:setting {v} }} UNION {{ ?role org:postIn|org:organization ?s_{n} . ?s_{n} ps:setting {v} }}",
    "community": "{{ ?role ps:communityServed {v} }} UNION {{ ?role org:postIn|org:organization ?c_{n} . ?c_{n} ps:communityServed {v} }}",
}
MARKS = ("reciprocal", "voluntary", "lived-experience", "non-clinical")
FILTERS = [[], [("remuneration", "ps:Paid")], [("remuneration", "ps:Paid"), ("setting", "ps:CommunitySetting")],
           [("mark-voluntary", "shown")]]


def iri(value: str) -> str:
    return PS + value[3:] if value.startswith("ps:") else value


def facets_of(html: str) -> dict[str, dict[str, int]]:
    found = {}
    for code, body in re.findall(r'<section class="facet" id="facet-([\w-]+)"(.*?)</section>', html, re.S):
        found[code] = {unescape(v): int(n) for v, n in re.findall(r'<li data-value="([^"]+)" data-count="(\d+)">', body)}
    return found


def listed(html: str) -> int:
    return int(re.search(r'<p id="listed">(\d+) of \d+ roles', html)[1])


@pytest.fixture(scope="module")
def data_graph():
    graph = Graph()
    for name in ("dataset.ttl", "projects.ttl", "survey.ttl"):
        graph.parse(REPO / "data/consultation-2012" / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def verdicts(data_graph):
    """Each role's verdict by the validator, read from the data files themselves."""
    return validate_graph(data_graph, classify=False).verdicts


@pytest.fixture(scope="module", params=STORES)
def base(request, tmp_path_factory):
    yield from serve_on(request.param, tmp_path_factory)


def sparql_count(client, base, chosen, extra: str = "") -> int:
    patterns = " ".join(HAS[code].format(v=f"<{iri(value)}>", n=n) for n, (code, value) in enumerate(chosen))
    query = PREFIXES + f"SELECT (COUNT(DISTINCT ?role) AS ?n) WHERE {{ {ROLES} {patterns} {extra} }}"
    answer = client.get(base + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def sparql_roles(client, base, chosen) -> set[str]:
    patterns = " ".join(HAS[code].format(v=f"<{iri(value)}>", n=n) for n, (code, value) in enumerate(chosen))
    answer = client.get(base + "/sparql", params={"query": PREFIXES + f"SELECT DISTINCT ?role WHERE {{ {ROLES} {patterns} }}"},
                        headers={"Accept": "application/sparql-results+json"})
    return {row["role"]["value"] for row in answer.json()["results"]["bindings"]}


@pytest.mark.parametrize("chosen", FILTERS, ids=["none", "paid", "paid-community", "voluntary-shown"])
def test_every_facet_count_equals_a_sparql_count_over_the_same_filter(base, client, verdicts, chosen):
    answer = client.get(base + "/roles", params=chosen)
    assert answer.status_code == 200, answer.text
    facets = facets_of(answer.text)
    assert list(facets) == ["organisation-kind", "practice", "remuneration", "setting", "community",
                            *(f"mark-{m}" for m in MARKS), "verdict"]
    sparql_chosen = [c for c in chosen if c[0] in HAS]
    marked = [c for c in chosen if c[0] not in HAS]
    in_list = {r for r in sparql_roles(client, base, sparql_chosen)
               if all(next(m.status for m in verdicts[URIRef(r)].marks if m.mark.code == code[5:]) == value for code, value in marked)}
    assert listed(answer.text) == len(in_list) > 0
    checked = 0
    for code in HAS:
        for value, shown in facets[code].items():
            if marked:
                expected = len(in_list & sparql_roles(client, base, sparql_chosen + [(code, value)]))
            else:
                expected = sparql_count(client, base, sparql_chosen + [(code, value)])
            assert shown == expected, (code, value)
            checked += 1
    assert checked >= 10
    for mark in MARKS:
        statuses = Counter(next(m.status for m in verdicts[URIRef(r)].marks if m.mark.code == mark) for r in in_list)
        assert facets[f"mark-{mark}"] == dict(statuses), mark
    assert facets["verdict"] == dict(Counter(verdicts[URIRef(r)].outcome for r in in_list))


def test_no_value_with_roles_is_left_out_of_a_facet(base, client):
    facets = facets_of(client.get(base + "/roles").text)
    for code in HAS:
        variable = HAS[code].format(v="?value", n=0)
        query = PREFIXES + f"SELECT (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {ROLES} {variable} FILTER(isIRI(?value)) }}"
        answer = client.get(base + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert len(facets[code]) == int(answer.json()["results"]["bindings"][0]["n"]["value"]), code


def test_choosing_a_value_lists_as_many_roles_as_its_count_and_the_link_reproduces_it(base, client):
    html = client.get(base + "/roles?lang=en").text
    link = re.search(r'<li data-value="ps:InpatientWard" data-count="(\d+)"><a href="([^"]+)">inpatient ward</a>', html)
    count, href = int(link[1]), unescape(link[2])
    assert href == "?setting=ps%3AInpatientWard&lang=en"
    chosen = client.get(base + "/roles" + href).text
    assert listed(chosen) == count == 2
    assert chosen.count('<tr><th scope="row">') == count
    assert '<a href="?lang=en" aria-current="true" class="selected"><strong>inpatient ward</strong>' in chosen
    assert '<a href="/roles.csv?setting=ps%3AInpatientWard">Download this list (CSV)</a>' in chosen


def test_the_csv_holds_the_filtered_list(base, client, verdicts):
    answer = client.get(base + "/roles.csv", params=[("remuneration", "ps:Paid"), ("mark-voluntary", "shown")])
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    paid = sparql_roles(client, base, [("remuneration", "ps:Paid")])
    expected = {r for r in paid if next(m.status for m in verdicts[URIRef(r)].marks if m.mark.code == "voluntary") == "shown"}
    assert {row["role"] for row in rows} == expected
    assert len(expected) == 3
    ward_visitor = next(row for row in rows if row["role"].endswith("/canerows-and-plaits-ward-visitor"))
    assert ward_visitor == {
        "role": "https://w3id.org/peer-support/data/consultation-2012/role/canerows-and-plaits-ward-visitor",
        "label": "Ward visitor (peer worker), Canerows and Plaits",
        "organisation": "https://w3id.org/peer-support/data/consultation-2012/org/canerows-and-plaits",
        "organisation_label": "Canerows and Plaits", "organisation-kind": PS + "UserLedOrganisation",
        "practice": PS + "IntentionalPeerSupport", "remuneration": PS + "Paid", "setting": PS + "InpatientWard",
        "community": f"{PS}BlackAndMinorityEthnic | {PS}Inpatients", "mark-reciprocal": "shown", "mark-voluntary": "shown",
        "mark-lived-experience": "shown", "mark-non-clinical": "shown", "verdict": "peer-support"}


def test_the_page_in_french(base, client):
    html = client.get(base + "/roles?lang=fr&remuneration=ps:Paid").text
    assert '<html lang="fr">' in html
    assert "<h1>Les rôles du graphe</h1>" in html
    assert '<p id="listed">6 rôles sur 11</p>' in html
    assert "<h3 id=\"facet-mark-voluntary-heading\">Marque : volontaire</h3>" in html


@pytest.mark.parametrize("query, message", [("bogus=1", "unknown facet 'bogus'; the facets are: community, mark-lived-experience"),
                                            ("page=0", "the 'page' parameter must be a whole number from 1, not '0'")])
def test_bad_parameters_are_a_400_naming_them(base, client, query, message):
    answer = client.get(base + "/roles?" + query, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith(message)


@pytest.fixture(scope="module")
def many_base(tmp_path_factory):
    """A service with 60 more roles, from a --data file."""
    folder = tmp_path_factory.mktemp("many")
    lines = ["@prefix org: <http://www.w3.org/ns/org#> . @prefix ps: <https://w3id.org/peer-support/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.org/many/> .",
             'ex:group a org:Organization , ps:SelfOrganisedGroup ; rdfs:label "Many hands" .']
    lines += [f'ex:role-{i:02d} a org:Post ; org:postIn ex:group ; rdfs:label "Helper {i:02d}" ; ps:remunerationBasis ps:Volunteer .'
              for i in range(60)]
    (folder / "many.ttl").write_text("\n".join(lines) + "\n")
    url, process = start_service(tmp_path_factory.mktemp("store"), options=("--data", str(folder / "many.ttl")))
    yield url
    stop(process)


def test_the_list_comes_in_pages_of_25(many_base, client):
    first = client.get(many_base + "/roles?remuneration=ps:Volunteer").text
    volunteers = listed(first)
    assert volunteers == sparql_count(client, many_base, [("remuneration", "ps:Volunteer")]) > 60
    assert first.count('<tr><th scope="row">') == 25
    assert '<a href="?remuneration=ps%3AVolunteer&amp;lang=en&amp;page=2" rel="next">Next page</a>' in first
    last_page = -(-volunteers // 25)
    last = client.get(many_base + f"/roles?remuneration=ps:Volunteer&page={last_page}").text
    assert last.count('<tr><th scope="row">') == volunteers - 25 * (last_page - 1)
    assert f"Page {last_page} of {last_page}" in last and 'rel="next"' not in last
    assert '<a href="https://example.org/many/role-00"' not in first  # its page is on this service
    assert '<a href="/resource?iri=https%3A%2F%2Fexample.org%2Fmany%2Frole-00">Helper 00</a>' in first
    everything = list(csv.DictReader(io.StringIO(client.get(many_base + "/roles.csv?remuneration=ps:Volunteer").text)))
    assert len(everything) == volunteers
    assert facets_of(first)["organisation-kind"]["ps:SelfOrganisedGroup"] == 60


def test_the_roles_page_in_a_browser_has_no_serious_accessibility_violation(browser, base):  # noqa: F811
    browser.set_script_timeout(120)
    browser.get(base + "/roles?remuneration=ps:Paid")
    assert browser.title == "Roles in the graph · Peer Support Vocabulary"
    screenshot(browser, "roles-page-paid")
    assert _serious(browser) == []
