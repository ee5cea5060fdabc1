"""The engine's subjects listed for batched validation (``store.remote_batches.pages``, issue 16):
one streamed pass on Oxigraph server; on a Virtuoso whose answers are cut at 100 rows
(``ResultSetMaxRows``, as Debian's 10,000 cuts a larger graph), the listing in MD5 parts; either
way each subject of the graph is in exactly one batch, and batches are ``size`` nodes but the last."""

import httpx
import pytest
from rdflib import Graph, URIRef

from peersupport.sparql.engines import ENGINES
from peersupport.store.graph_store import load_files
from peersupport.store.loading import extra_files, graph_name
from peersupport.store.remote_batches import pages
from peersupport.store.remote_graphs import EngineReader

from .. import engines
from ..service_fixtures import stop


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated graph of 40 organisations (about 150 subjects: more than the cut below)."""
    return engines.generated_graph(tmp_path_factory.mktemp("listing") / "listing.nt", orgs=40, seed=3)


@pytest.fixture(scope="module")
def capped_virtuoso(tmp_path_factory, generated):
    """A Virtuoso of its own whose answers are cut at 100 rows, holding the generated graph."""
    engines.require_virtuoso()
    ini = engines.virtuoso_ini
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engines, "virtuoso_ini", lambda *args, **kwargs: _capped(ini(*args, **kwargs)))
        endpoint, process = engines.start_virtuoso(tmp_path_factory.mktemp("virtuoso-capped"))
    try:
        with engines.client_for("virtuoso") as client:
            load_files(endpoint, ENGINES["virtuoso"], extra_files([generated]), client, progress=lambda line: None)
        yield endpoint
    finally:
        stop(process)


def _capped(ini: str) -> str:
    assert "\nResultSetMaxRows = 1000000\n" in ini
    return ini.replace("\nResultSetMaxRows = 1000000\n", "\nResultSetMaxRows = 100\n")


def _subjects(path) -> list[str]:
    return sorted({str(s) for s in Graph().parse(path).subjects() if isinstance(s, URIRef)})


def _sizes(count: int, size: int) -> list[int]:
    return [min(size, count - start) for start in range(0, count, size)]


def _listed(endpoint, engine, graph, size):
    with EngineReader(endpoint, [graph], engine) as reader:
        return [[node.value for node in page] for page in pages(reader, size)]


def test_virtuoso_cutting_its_answers_still_lists_each_subject_once(capped_virtuoso, generated):
    graph = graph_name(extra_files([generated])[0][0]).value
    with httpx.Client(timeout=60, trust_env=False) as client:  # the cut the listing must get round
        whole = client.post(capped_virtuoso, data={"query": f"SELECT DISTINCT ?s FROM <{graph}> WHERE {{ ?s ?p ?o }}"},
                            headers={"Accept": "application/sparql-results+json"})
    assert whole.headers["X-SPARQL-MaxRows"] == "100"
    expected = _subjects(generated)
    assert len(expected) > 100
    listed = _listed(capped_virtuoso, "virtuoso", graph, 40)
    assert sorted(node for page in listed for node in page) == expected
    assert [len(page) for page in listed] == _sizes(len(expected), 40)


def test_oxigraph_server_lists_each_subject_once(tmp_path, generated):
    endpoint, process = engines.start_oxigraph(tmp_path)  # its own: the session's holds the bundled graphs alone
    try:
        files = extra_files([generated])
        with engines.client_for("oxigraph") as client:
            load_files(endpoint, ENGINES["oxigraph"], files, client, progress=lambda line: None)
        listed = _listed(endpoint, "oxigraph", graph_name(files[0][0]).value, 40)
    finally:
        stop(process)
    expected = _subjects(generated)
    assert sorted(node for page in listed for node in page) == expected
    assert [len(page) for page in listed] == _sizes(len(expected), 40)
