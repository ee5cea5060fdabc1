"""Engine profiles (``sparql.engines``), the Graph Store loader (``peersupport load``) and the
service in front of a real Virtuoso: the union default graph without Virtuoso's system graphs,
CONSTRUCT asked for as RDF, a graph loaded only into the engine named in FROM and
``default-graph-uri``, loading again skipping unchanged files, ``--data`` refused in remote mode."""

import os
import subprocess
import sys

import httpx
import pyoxigraph as ox
import pytest

from peersupport.sparql.catalogue import find
from peersupport.sparql.engines import ENGINES, GRAPH_ACCEPT, RESULTS_ACCEPT, bind_in_place, credentials, detect
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.remote import RemoteEndpoint
from peersupport.store.loading import prepare_store, project_files

from ..engines import VIRTUOSO_PASSWORD, VIRTUOSO_USER
from ..service_fixtures import start_service, stop

ENGINE_ENV = {"PEERSUPPORT_ENGINE_USER": VIRTUOSO_USER, "PEERSUPPORT_ENGINE_PASSWORD": VIRTUOSO_PASSWORD}


def test_the_engine_is_told_from_the_server_header():
    assert detect("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu").name == "virtuoso"
    assert detect("Oxigraph/0.5.3").name == "oxigraph"
    assert detect("Apache Jena Fuseki (4.5.0)").name == "fuseki"
    assert detect(None).name == detect("nginx").name == "generic"


def test_construct_and_describe_ask_for_rdf_first():
    engine = ENGINES["virtuoso"]
    assert engine.accept("PREFIX a: <http://e/> CONSTRUCT WHERE { ?s ?p ?o }") == GRAPH_ACCEPT
    assert engine.accept("describe <http://e/s>") == GRAPH_ACCEPT
    assert engine.accept("# CONSTRUCT\nSELECT * WHERE { ?s ?p ?o }") == RESULTS_ACCEPT
    assert engine.accept("ASK {}") == RESULTS_ACCEPT


def test_parameters_are_written_in_place_of_the_values_block():
    bound = bind_in_place(find("organisations-by-community").bind({"lang": "fr"}))
    assert "VALUES" not in bound and "?lang" not in bound and "?community" not in bound
    assert 'FILTER (LANG(?kind) = "fr")' in bound
    assert "?organisation ps:communityServed <https://w3id.org/peer-support/BlackAndMinorityEthnic>" in bound
    integer = bind_in_place(find("survey-contexts").bind({"minimum": "50"}))
    assert 'FILTER (?percentage >= "50"^^<http://www.w3.org/2001/XMLSchema#integer>)' in integer


@pytest.mark.parametrize("text", [
    'SELECT ?x WHERE {\n  VALUES (?x) { ("a") } ?s ?p ?x }',  # projected
    'SELECT ?s WHERE {\n  VALUES (?x) { ("a") } ?s ?p ?o BIND (?o AS ?x) }',  # assigned
    'SELECT ?s WHERE {\n  VALUES (?x) { ("a") } { SELECT ?s WHERE { ?s ?p ?x } } }',  # another variable in a subquery
    'SELECT ?s WHERE {\n  VALUES (?x) { ("a") ("b") } ?s ?p ?x }',  # two rows
    'SELECT ?s WHERE { ?s ?p ?x VALUES (?x) { ("a") } }',  # not opening the group
])
def test_a_binding_that_cannot_be_written_in_place_is_left_as_it_is(text):
    assert bind_in_place(text) == text


def test_credentials_come_from_the_environment():
    auth, headers = credentials({"PEERSUPPORT_ENGINE_USER": "u", "PEERSUPPORT_ENGINE_PASSWORD": "p",
                                 "PEERSUPPORT_ENGINE_HEADERS": "X-Tenant: lab; X-Other: 2"}, scheme="digest")
    assert isinstance(auth, httpx.DigestAuth) and headers == {"X-Tenant": "lab", "X-Other": "2"}
    auth, headers = credentials({"PEERSUPPORT_ENGINE_TOKEN": "t0k"})
    assert auth is None and headers == {"Authorization": "Bearer t0k"}
    assert credentials({}) == (None, {})


def _cli(*args, env_extra=None):
    return subprocess.run([sys.executable, "-m", "peersupport.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env_extra or {})})


def test_data_is_refused_in_remote_mode(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://e/s> <http://e/p> <http://e/o> .\n")
    result = _cli("serve", "--sparql-endpoint", "http://127.0.0.1:9/sparql", "--data", str(extra))
    assert result.returncode == 2
    assert result.stderr.startswith("peersupport serve: --data is not served in remote mode")


@pytest.fixture(scope="module")
def remote(virtuoso):
    endpoint = RemoteEndpoint(virtuoso, timeout=30, max_rows=100_000, auth=None, headers={})
    yield endpoint
    endpoint.close()


def _count(store_or_endpoint, text: str) -> str:
    if isinstance(store_or_endpoint, ox.Store):
        return str(next(iter(store_or_endpoint.query(text, use_default_graph_as_union=True)))["n"].value)
    import json

    reply = store_or_endpoint.execute(QueryJob(text, accept="application/sparql-results+json"))
    return json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]


def test_virtuoso_default_graph_is_the_union_of_the_project_graphs(remote, tmp_path):
    embedded = ox.Store.read_only(str(prepare_store(tmp_path / "store", project_files())))
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert remote.engine.name == "virtuoso"
    assert int(_count(remote, everything)) == int(_count(embedded, everything)) > 5000
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _count(remote, named) == str(len(project_files()))


def test_virtuoso_construct_is_answered_as_rdf(remote):
    reply = remote.execute(QueryJob("CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 3", accept="application/n-triples"))
    assert reply.media_type.startswith("application/n-triples")
    assert len(reply.body.decode().strip().splitlines()) == 3


def test_load_skips_unchanged_files_and_a_graph_only_in_the_engine_can_be_named(virtuoso, tmp_path):
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "extra.ttl").write_text("<http://e/s> <http://e/p> 'one' , 'two' .\n")
    first = _cli("load", "--to", virtuoso, str(folder), env_extra=ENGINE_ENV)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "[1/1] local/lab/extra.ttl: 2 triples in " + first.stderr.split(" in ")[1]
    assert first.stdout.startswith("virtuoso at " + virtuoso + ": 1 file loaded (2 triples), 0 unchanged, in ")
    again = _cli("load", "--to", virtuoso, str(folder), env_extra=ENGINE_ENV)
    assert again.stderr == "[1/1] local/lab/extra.ttl: unchanged, skipped\n"
    assert again.stdout.startswith("virtuoso at " + virtuoso + ": 0 files loaded (0 triples), 1 unchanged, in ")
    graph = "https://w3id.org/peer-support/graph/local/lab/extra.ttl"
    endpoint = RemoteEndpoint(virtuoso, timeout=30, auth=None, headers={})
    try:
        assert graph in endpoint.graphs()
        assert _count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}") == "2"
        job = QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", accept="application/sparql-results+json",
                       default_graphs=(graph,))
        assert '"value": "2"' in endpoint.execute(job).body.decode().replace('"value":"2"', '"value": "2"')
    finally:
        endpoint.close()


def test_load_without_credentials_names_them(virtuoso, tmp_path):
    (tmp_path / "x.ttl").write_text("<http://e/s> <http://e/p> 'x' .\n")
    result = _cli("load", "--to", virtuoso, str(tmp_path / "x.ttl"),
                  env_extra={"PEERSUPPORT_ENGINE_USER": "", "PEERSUPPORT_ENGINE_PASSWORD": ""})
    assert result.returncode == 1
    assert result.stderr.startswith("peersupport load: local/x.ttl: the engine refused it with status 401 "
                                    "(check PEERSUPPORT_ENGINE_USER and PEERSUPPORT_ENGINE_PASSWORD)")


def test_the_service_in_front_of_virtuoso_answers_the_catalogue_and_construct(virtuoso, tmp_path):
    base, process = start_service(tmp_path / "store", options=("--sparql-endpoint", virtuoso, "--timeout", "30"))
    try:
        with httpx.Client(timeout=60, trust_env=False) as client:
            rows = client.get(base + "/queries/practice-types", params={"lang": "fr"}, headers={"Accept": "text/csv"})
            assert rows.status_code == 200
            expected = find("practice-types")
            embedded = ox.Store.read_only(str(prepare_store(tmp_path / "embedded", project_files())))
            from peersupport.sparql.execution import run_query

            wanted = run_query(embedded, QueryJob(expected.bind({"lang": "fr"}), accept="text/csv"), max_rows=1000)
            assert rows.text == wanted.body.decode()
            graph = client.get(base + "/sparql", params={"query": "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 2"},
                               headers={"Accept": "text/turtle"})
            assert graph.status_code == 200 and graph.headers["content-type"].startswith("text/turtle")
    finally:
        stop(process)
