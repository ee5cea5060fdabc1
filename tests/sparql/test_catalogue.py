"""The catalogue of research questions: each query's exact rows on the shipped data (in
tests/sparql/catalogue/NAME.csv), typed parameters, and the same answers from the CLI and over HTTP."""

import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from peersupport.sparql.catalogue import NamedQuery, Parameter, ParameterError, catalogue, find
from peersupport.sparql.execution import run_query
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.text import bind_values
from peersupport.store.loading import prepare_store, project_files

from ..service_fixtures import start_service, stop

EXPECTED = Path(__file__).parent / "catalogue"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    location = tmp_path_factory.mktemp("store")
    return ox.Store.read_only(str(prepare_store(location, project_files())))


def csv_rows(store, text: str) -> str:
    reply = run_query(store, QueryJob(text, accept="text/csv"), max_rows=100_000)
    return reply.body.decode().replace("\r\n", "\n")


def test_the_catalogue_has_at_least_ten_documented_queries_with_typed_parameters():
    queries = catalogue()
    assert len(queries) >= 10
    for query in queries:
        assert query.title != query.name and query.description, query.name
        assert query.parameters, f"{query.name} has no parameter"
        assert (EXPECTED / f"{query.name}.csv").exists(), f"no expected rows for {query.name}"


@pytest.mark.parametrize("name", [q.name for q in catalogue()])
def test_each_query_gives_exactly_the_expected_rows(store, name):
    assert csv_rows(store, find(name).with_defaults()) == (EXPECTED / f"{name}.csv").read_text()


def test_parameters_change_the_answer(store):
    gender = csv_rows(store, find("survey-demography").bind({"characteristic": "code:gender"}))
    assert gender == "group,respondents,percentage\nWomen,30,68\nMen,10,23\nNo response,4,9\n"
    ethnicity = csv_rows(store, find("survey-demography").bind({"characteristic": "code:ethnicity"}))
    assert ethnicity == "group,respondents,percentage\nWhite British,22,50\nBME,14,32\nNo response,7,\nOther ethnicity,1,\n"
    high = csv_rows(store, find("survey-contexts").bind({"minimum": "50", "lang": "fr"}))
    assert high == ("context,supporterType,percentage\n"
                    "soutien par les pairs informel,all who offer peer support,58\n"
                    "soutien par les pairs informel,bénévole (non rémunéré),55\n"
                    "soutien par les pairs informel,membre mutuel,100\n")
    voluntary = csv_rows(store, find("claims-lacking-marks").bind({"kind": "ps:VoluntarySectorOrganisation"}))
    assert voluntary.splitlines()[1:] == [
        "MindOut peer support service,https://w3id.org/peer-support/data/consultation-2012/role/mindout-group-worker,"
        "\"Peer support group worker, MindOut\",false,true",  # freely chosen: "one is open access" (1.4)
        "Roads to Recovery,https://w3id.org/peer-support/data/consultation-2012/role/roads-to-recovery-peer-support-worker,"
        "\"Peer support worker, Roads to Recovery\",false,false",
        "Wish,https://w3id.org/peer-support/data/consultation-2012/role/wish-peer-worker,\"Peer worker, Wish\",false,false"]


@pytest.mark.parametrize("name, given, message", [
    ("survey-contexts", {"minimum": "ten"}, "parameter 'minimum' (integer): 'ten' is not an integer"),
    ("practice-types", {"lang": 'en") } #'}, "parameter 'lang' (language): 'en\") } #' is not a language tag (such as en or fr)"),
    ("survey-groups", {"part": "javascript alert(1)"},
     "parameter 'part' (iri): 'javascript alert(1)' is not an absolute IRI or a known prefixed name (ps, code, def, org, skos)"),
    ("survey-groups", {"part": "http://example.org/a b"}, "parameter 'part' (iri): "),
    ("survey-groups", {"parts": "x"}, "unknown parameter 'parts' for query 'survey-groups' (its parameters: part)"),
])
def test_invalid_parameters_are_refused_naming_them(name, given, message):
    with pytest.raises(ParameterError) as caught:
        find(name).bind(given)
    assert str(caught.value).startswith(message)


def test_values_are_bound_as_terms_never_pasted():
    query = NamedQuery("q", "Q", "d", "SELECT ?x WHERE { ?x ?p ?text }", (Parameter("text", "string", "a", "d"),))
    bound = query.bind({"text": 'x" } ; DROP ALL ; #\n'})
    assert bound == 'SELECT ?x WHERE {\n  VALUES (?text) { ("x\\" } ; DROP ALL ; #\\n") } ?x ?p ?text }'
    assert ox.Store().query(bound) is not None  # still one well-formed query


def test_bind_values_finds_the_top_level_where_group():
    text = "# WHERE { in a comment\nPREFIX where: <http://e/where>\nSELECT * WHERE # note\n { ?s ?p ?o }"
    assert bind_values(text, {"s": "<http://e/s>"}).endswith("SELECT * WHERE # note\n {\n  VALUES (?s) { (<http://e/s>) } ?s ?p ?o }")
    with pytest.raises(ValueError, match="no 'WHERE {'"):
        bind_values("ASK { ?s ?p ?o }", {"s": "<http://e/s>"})


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "peersupport.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_runs_a_query_as_a_table_csv_or_json(tmp_path):
    store = str(tmp_path / "store")
    table = run_cli("query", "survey-demography", "--param", "characteristic=code:gender", "--store", store)
    assert table.returncode == 0, table.stderr
    assert table.stdout == ("group        respondents  percentage\n"
                            "-----------  -----------  ----------\n"
                            "Women        30           68\n"
                            "Men          10           23\n"
                            "No response  4            9\n"
                            "(3 rows)\n")
    csv = run_cli("query", "formats-of-projects", "--output", "csv", "--store", store)
    assert csv.stdout.replace("\r\n", "\n") == (EXPECTED / "formats-of-projects.csv").read_text()
    as_json = run_cli("query", "survey-figures", "--param", "unit=code:respondents", "--output", "json", "--store", store)
    import json

    values = [row["value"]["value"] for row in json.loads(as_json.stdout)["results"]["bindings"]]
    assert values == ["44", "3"]


def test_cli_names_the_bad_parameter(tmp_path):
    result = run_cli("query", "survey-contexts", "--param", "minimum=lots", "--store", str(tmp_path / "store"))
    assert (result.returncode, result.stderr) == (2, "peersupport query: parameter 'minimum' (integer): 'lots' is not an integer\n")
    unknown = run_cli("query", "no-such-query", "--store", str(tmp_path / "store"))
    assert unknown.returncode == 2 and "no catalogue query named 'no-such-query'" in unknown.stderr


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url, process = start_service(tmp_path_factory.mktemp("store"))
    yield url
    stop(process)


def test_http_lists_the_catalogue(base):
    listing = httpx.get(base + "/queries", trust_env=False).json()
    assert [q["name"] for q in listing] == [q.name for q in catalogue()]
    demography = next(q for q in listing if q["name"] == "survey-demography")
    assert demography["url"] == "/queries/survey-demography"
    assert demography["parameters"][0]["name"] == "characteristic" and demography["parameters"][0]["default"] == "code:age"


@pytest.mark.parametrize("name", [q.name for q in catalogue()])
def test_http_gives_the_expected_rows(base, name):
    response = httpx.get(f"{base}/queries/{name}", headers={"Accept": "text/csv"}, trust_env=False)
    assert response.status_code == 200 and response.headers["vary"] == "Accept"
    assert response.text.replace("\r\n", "\n") == (EXPECTED / f"{name}.csv").read_text()


def test_http_binds_parameters_and_negotiates(base):
    response = httpx.get(base + "/queries/survey-demography", params={"characteristic": "code:gender", "format": "json"},
                         trust_env=False)
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert [b["respondents"]["value"] for b in response.json()["results"]["bindings"]] == ["30", "10", "4"]
    tsv = httpx.get(base + "/queries/survey-figures", params={"unit": "code:respondents"},
                    headers={"Accept": "text/tab-separated-values"}, trust_env=False)
    assert tsv.text.splitlines()[1].split("\t")[1] == '"44"^^<http://www.w3.org/2001/XMLSchema#integer>'


@pytest.mark.parametrize("path, status, message", [
    ("/queries/survey-contexts?minimum=ten", 400, "parameter 'minimum' (integer): 'ten' is not an integer"),
    ("/queries/survey-contexts?maximum=3", 400, "unknown parameter 'maximum' for query 'survey-contexts' (its parameters: minimum, lang)"),
    ("/queries/survey-contexts?minimum=1&minimum=2", 400, "parameter 'minimum' is given 2 times; give it once"),
    ("/queries/survey-contexts?format=pdf", 400, "unknown format 'pdf'"),
    ("/queries/nothing-here", 404, "no catalogue query named 'nothing-here'; GET /queries lists them"),
])
def test_http_errors_name_the_problem(base, path, status, message):
    response = httpx.get(base + path, trust_env=False)
    assert response.status_code == status and response.text.startswith(message)
