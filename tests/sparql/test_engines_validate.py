"""``peersupport validate --endpoint URL --graph G`` (issue 16) with ``PEERSUPPORT_REMOTE_BATCH=0``:
a graph loaded into a real engine (Oxigraph server, Virtuoso) and read back whole with CONSTRUCT
gives the report the same file gives validated locally, and nothing is written to the engine. The
batched reading, the default, is tested in ``test_engines_batches.py``."""

import json
import os
import subprocess
import sys

import httpx
import pytest

from peersupport.sparql.engines import ENGINES
from peersupport.store.graph_store import load_files
from peersupport.store.loading import extra_files, graph_name

from ..conftest import REPO
from ..engines import virtuoso_client


def _validate(*args):
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", "--no-classify", "--output", "json", *args],
                            capture_output=True, text=True, cwd=REPO, env={**os.environ, "PEERSUPPORT_REMOTE_BATCH": "0"})
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, "-m", "peersupport.cli", "generate", "--orgs", "12", "--seed", "7",
                    "--output", str(folder / "roles.nt")], check=True, capture_output=True, cwd=REPO)
    return folder / "roles.nt"


def _count(client, endpoint):
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = client.post(endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_a_graph_of_the_engine_validates_as_the_same_file_does_locally(engine, generated, request):
    endpoint = request.getfixturevalue("oxigraph_server" if engine == "oxigraph" else "virtuoso")
    client = virtuoso_client() if engine == "virtuoso" else httpx.Client(timeout=120, trust_env=False)
    with client:
        load_files(endpoint, ENGINES[engine], extra_files([generated]), client, progress=lambda line: None)
        graph = graph_name(extra_files([generated])[0][0]).value
        before = _count(client, endpoint)
        remote_code, remote, said = _validate("--endpoint", endpoint, "--graph", graph, "--engine", engine)
        local_code, local, _ = _validate(str(generated))
        assert _count(client, endpoint) == before  # nothing written to the engine
    assert said.startswith(f"read {sum(1 for line in generated.read_text().splitlines() if line.strip())} triples "
                           f"from 1 graph of {endpoint}")
    assert remote_code == local_code == 1
    assert remote["conforms"] is False
    # Both engines asked for N-Triples: Virtuoso keeps a decimal's datatype there ("1"^^xsd:decimal
    # for 1.00), where its Turtle wrote the bare number 1, an integer, which failed the datatype check.
    assert remote == local


def test_validate_names_what_cannot_be_read(oxigraph_server):
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", "--endpoint", oxigraph_server,
                             "--graph", "http://example.org/no graph"], capture_output=True, text=True, cwd=REPO)
    assert (result.returncode, result.stderr) == (2, "peersupport validate: 'http://example.org/no graph' is not an IRI\n")
    both = subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", "roles.ttl", "--endpoint", oxigraph_server],
                          capture_output=True, text=True, cwd=REPO)
    assert both.returncode == 2 and "not both" in both.stderr
