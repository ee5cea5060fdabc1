"""``/healthz`` in front of a real Oxigraph server and on the embedded store: 503 once the engine
is stopped, ``deep=1`` with latency, triples per graph, the pool and the processes' memory; and a
graph loaded into the engine after the service started can be named in FROM."""

import httpx

from peersupport.sparql.engines import ENGINES
from peersupport.store.graph_store import load_files
from peersupport.store.loading import graph_name, project_files

from ..engines import start_oxigraph
from ..service_fixtures import start_service, stop, until


def test_deep_health_of_the_embedded_store(tmp_path):
    base, process = start_service(tmp_path / "store", options=("--workers", "2"))
    try:
        body = httpx.get(base + "/healthz", params={"deep": 1}, timeout=30, trust_env=False).json()
        assert body["status"] == "ok" and body["engine"]["ok"] is True and body["engine"]["ask_ms"] >= 0
        assert set(body["triples"]) == {graph_name(name).value for name, _ in project_files()}
        assert all(count > 0 for count in body["triples"].values())
        assert body["pool"] == {"ok": True, "workers": 2, "of": 2, "holder": True}
        roles = sorted(entry["role"] for entry in body["memory"]["processes"])
        assert roles == ["query worker", "query worker", "service", "worker holder"]
        assert all(entry["pss_mb"] > 0 and entry["rss_mb"] >= entry["pss_mb"] for entry in body["memory"]["processes"])
        total = round(sum(entry["pss_mb"] for entry in body["memory"]["processes"]), 1)
        assert body["memory"]["total_pss_mb"] == total
    finally:
        stop(process)


def test_remote_graphs_named_later_and_health_once_the_engine_stops(tmp_path):
    endpoint, engine = start_oxigraph(tmp_path / "oxigraph")
    base = service = None
    try:
        with httpx.Client(timeout=120, trust_env=False) as client:
            load_files(endpoint, ENGINES["oxigraph"], project_files()[:1], client, progress=lambda line: None)
        base, service = start_service(tmp_path / "store", options=("--sparql-endpoint", endpoint, "--sparql-engine", "oxigraph"))
        with httpx.Client(timeout=30, trust_env=False) as client:
            deep = client.get(base + "/healthz", params={"deep": 1}).json()
            assert deep["status"] == "ok" and deep["pool"] is None
            assert list(deep["triples"]) == [graph_name(project_files()[0][0]).value]
            assert [entry["role"] for entry in deep["memory"]["processes"]] == ["service"]
            later = "https://w3id.org/peer-support/graph/local/later.ttl"
            query = {"query": f"SELECT (COUNT(*) AS ?n) FROM <{later}> WHERE {{ ?s ?p ?o }}"}
            refused = client.get(base + "/sparql", params=query, headers={"Accept": "text/csv"})
            assert refused.status_code == 400 and f"no graph <{later}>" in refused.text
            put = client.put(endpoint.replace("/query", "/store"), params={"graph": later},
                             content=b"<http://e/s> <http://e/p> 'one', 'two' .", headers={"Content-Type": "text/turtle"})
            assert put.status_code in (201, 204)

            def named() -> bool:  # once the engine's list of graphs is refreshed
                return client.get(base + "/sparql", params=query, headers={"Accept": "text/csv"}).status_code == 200

            until(named, seconds=60, every=0.5, what="the later graph named in FROM")
            assert client.get(base + "/sparql", params=query, headers={"Accept": "text/csv"}).text == "n\r\n2\r\n"
            description = client.get(base + "/sparql", headers={"Accept": "text/turtle"}).text
            assert f"<{later}>" in description
            stop(engine)
            engine = None
            until(lambda: client.get(base + "/healthz").status_code == 503, what="/healthz answering 503")
            assert client.get(base + "/healthz").json()["status"] == "unavailable"
    finally:
        if service is not None:
            stop(service)
        if engine is not None:
            stop(engine)
