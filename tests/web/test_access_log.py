"""``peersupport serve --log-format json``: one JSON access line per request, with its request
id, on a real server."""

from __future__ import annotations

import json

import httpx

from ..service_fixtures import server_log, start_service, stop


def test_json_log_has_one_access_line_per_request_with_its_id(tmp_path):
    base, process = start_service(tmp_path / "store", options=("--log-format", "json"))
    try:
        with httpx.Client(base_url=base, trust_env=False) as client:
            assert client.get("/peer-support/context.jsonld", headers={"X-Request-Id": "mine-1"}).status_code == 200
            assert client.get("/no/such/page").status_code == 404
            answered = client.post("/sparql", data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
            assert answered.status_code == 200
    finally:
        stop(process)
    lines = [json.loads(line) for line in server_log(process).splitlines() if line.startswith("{")]
    assert len(lines) == len(server_log(process).splitlines()), "every log line is JSON"
    access = [line for line in lines if line["logger"] == "peersupport.access" and line["path"] != "/healthz"]
    # A line is written once its answer is sent, so the next request's line can come first: compare by path.
    by_path = {a["path"]: a for a in access}
    assert sorted((a["method"], a["path"], a["status"]) for a in access) == [
        ("GET", "/no/such/page", 404), ("GET", "/peer-support/context.jsonld", 200), ("POST", "/sparql", 200)]
    assert by_path["/peer-support/context.jsonld"]["request_id"] == "mine-1"
    assert answered.headers["x-request-id"] == by_path["/sparql"]["request_id"]
    assert len({a["request_id"] for a in access}) == 3
    assert all(a["store"] == "embedded (memory)" and a["ms"] >= 0 and a["level"] == "info" for a in access)
    assert by_path["/peer-support/context.jsonld"]["message"].startswith("GET /peer-support/context.jsonld 200 ")
