"""The time limit of one validation (``PEERSUPPORT_VALIDATION_SECONDS``): checked between the
steps of the entailment, the engine's queries and pySHACL's, it stops the validation with
``Timeout`` (503 on the web, the validation slot freed), and the next validation runs normally."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from peersupport.deadline import Deadline
from peersupport.errors import Timeout
from peersupport.settings import Settings
from peersupport.validation.validate import compiled_engine, implied, prepared_store, validate_graph, validate_with_pyshacl
from peersupport.vocabulary.entailment import entail

from ..conftest import REPO

CASE = REPO / "data/examples/invalid/statutory-entry-level-assigned.ttl"
MESSAGE = "the validation stopped at its time limit of 1e-06 s (PEERSUPPORT_VALIDATION_SECONDS)"


class CountedDeadline(Deadline):
    """Expires at its ``after``-th check: a limit reached at a known step, whatever the machine's speed."""

    def __init__(self, after: int):
        super().__init__(None, "the test", "TEST_SECONDS")
        self.after, self.checks = after, 0

    def check(self) -> None:
        self.checks += 1
        if self.checks >= self.after:
            raise Timeout("the test stopped at its time limit")


@pytest.fixture(scope="module")
def data() -> Graph:
    return Graph().parse(CASE)


def test_a_tiny_limit_stops_the_validation_and_the_next_one_runs(data, monkeypatch):
    with pytest.raises(Timeout) as stopped:
        validate_graph(data, classify=False, seconds=1e-6)
    assert str(stopped.value) == MESSAGE
    monkeypatch.setenv("PEERSUPPORT_VALIDATION_SECONDS", "0.000001")
    with pytest.raises(Timeout):
        validate_graph(data, classify=False)
    monkeypatch.delenv("PEERSUPPORT_VALIDATION_SECONDS")
    assert len(validate_graph(data, classify=False).results) == 8


@pytest.mark.parametrize("after", [1, 2, 5])
def test_the_entailment_checks_between_its_steps(data, after):
    deadline = CountedDeadline(after)
    with pytest.raises(Timeout):
        entail(data, deadline=deadline)
    assert deadline.checks == after


def test_the_engine_checks_before_each_query(data):
    store, originals = prepared_store(data, implied(data)[1])
    counting = CountedDeadline(10**9)
    compiled_engine().shapes.validate(store, originals, counting)
    queries = counting.checks
    assert queries > 10
    for after in (1, queries // 2, queries):
        deadline = CountedDeadline(after)
        with pytest.raises(Timeout):
            compiled_engine().shapes.validate(store, originals, deadline)
        assert deadline.checks == after


def test_the_pyshacl_fallback_checks_before_each_query(data):
    counting = CountedDeadline(10**9)
    validate_with_pyshacl(data, None, counting)
    assert counting.checks > 10  # one SPARQL query per constraint and focus node
    deadline = CountedDeadline(counting.checks // 2)
    with pytest.raises(Timeout):
        validate_with_pyshacl(data, None, deadline)
    assert deadline.checks == counting.checks // 2
    results, _ = validate_with_pyshacl(data)  # the lock released: the next one runs
    assert len(results) == 8


def test_on_the_web_a_validation_past_the_limit_is_503_and_its_slot_is_freed(monkeypatch):
    # One slot: were it not freed, the validation after the stopped one would wait for good.
    client = TestClient(create_app_with_one_slot(), raise_server_exceptions=False)
    send = {"content": CASE.read_bytes(), "headers": {"Content-Type": "text/turtle", "Accept": "application/json"}}
    monkeypatch.setenv("PEERSUPPORT_VALIDATION_SECONDS", "0.000001")
    stopped = client.post("/validate", **send)
    assert stopped.status_code == 503, stopped.text
    assert MESSAGE in stopped.text
    monkeypatch.delenv("PEERSUPPORT_VALIDATION_SECONDS")
    answered = client.post("/validate", **send)
    assert answered.status_code == 200, answered.text
    assert answered.json()["conforms"] is False


def create_app_with_one_slot():
    from peersupport.web.app import create_app

    # Not entered as a context manager: no store is loaded, as the validator needs none.
    return create_app(Settings(store=Path("unused"), validation_slots=1))
