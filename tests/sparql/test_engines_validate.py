"""``peersupport validate --endpoint URL --graph G`` (issue 16) with ``PEERSUPPORT_REMOTE_BATCH=0``:
a graph loaded into a real engine (Oxigraph server, Virtuoso) and read back whole with CONSTRUCT
gives the report the same file gives validated locally, and nothing is written to the engine. The
batched reading, the default, is tested in ``test_engines_batches.py``."""

import subprocess
import sys

import pytest

from peersupport.store.loading import extra_files, graph_name

from ..conftest import REPO
from ..engines import client_for, generated_graph, loaded_for_this_test, triples_in
from .test_engines_batches import _validate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generated_graph(tmp_path_factory.mktemp("generated") / "roles.nt", orgs=12, seed=7)


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_a_graph_of_the_engine_validates_as_the_same_file_does_locally(engine, generated, request):
    endpoint = request.getfixturevalue("oxigraph_server" if engine == "oxigraph" else "virtuoso")
    files = extra_files([generated])
    with client_for(engine) as client, loaded_for_this_test(client, endpoint, engine, files):
        before = triples_in(client, endpoint)
        remote_code, remote, said = _validate("--endpoint", endpoint, "--graph", graph_name(files[0][0]).value,
                                              "--engine", engine, batch=0)
        local_code, local, _ = _validate(str(generated), batch=0)
        assert triples_in(client, endpoint) == before  # nothing written to the engine
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
