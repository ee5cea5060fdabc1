"""The set-at-a-time engine gives exactly pySHACL's results on the project's shapes: every example
(Turtle, CSV, JSON-LD), the CSV template, the 2012 consultation and generated data of about 10^4
triples; focus, path, value, severity, component, source shape and messages."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest

from peersupport.shacl.model import Unsupported
from peersupport.dataset.generate import generate
from peersupport.validation.inputs import parse
from peersupport.validation.validate import implied, prepared_store, validate_store, validate_with_pyshacl

from ..conftest import REPO

EXAMPLES = REPO / "data" / "examples"
FILES = sorted(EXAMPLES.glob("*/*.ttl")) + sorted(EXAMPLES.glob("*/*.csv")) + sorted(EXAMPLES.glob("*/*.jsonld")) \
    + [REPO / "data/templates/roles.csv"] + sorted((REPO / "data/consultation-2012").glob("*.ttl"))
FORMATS = {".ttl": "turtle", ".csv": "csv", ".jsonld": "json-ld"}


def _full(results) -> Counter:
    return Counter((str(r.focus), r.path_label, None if r.value is None else r.value.n3(), str(r.severity),
                    str(r.component), str(r.source_shape), tuple(sorted(r.messages.items()))) for r in results)


def _engine(graph):
    """Our engine on the store validation builds: the vocabulary, the data and what it implies."""
    store, originals = prepared_store(graph, implied(graph)[1])
    return validate_store(store, originals)  # raises Unsupported rather than falling back


def _pyshacl(graph):
    return validate_with_pyshacl(graph)[0]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_engine_gives_pyshacls_results(path: Path):
    graph = parse(path.read_bytes(), FORMATS[path.suffix])
    ours, theirs = _engine(graph), _pyshacl(graph)
    assert _full(ours) == _full(theirs)


def test_the_examples_have_results_to_compare():
    """Guards the comparison above against comparing empty lists."""
    total = sum(len(_engine(parse(p.read_bytes(), FORMATS[p.suffix]))) for p in FILES)
    assert total > 100


def test_engine_gives_pyshacls_results_on_generated_data():
    graph = parse("".join(generate(230, seed=7)), "nt")
    assert 9_000 < len(graph) < 12_000
    ours, theirs = _engine(graph), _pyshacl(graph)
    assert len(theirs) > 100
    assert _full(ours) == _full(theirs)


def test_data_oxigraph_refuses_falls_back_to_pyshacl(caplog):
    """A graph holding a relative IRI (rdflib reads one in RDF/XML, found by fuzzing; uploads now
    refuse them at parse time, but a graph built in code can still hold one): the engine refuses
    it and validate_graph gives pySHACL's results, saying why in the log."""
    from rdflib import Graph, Literal, URIRef

    from peersupport.validation.validate import validate_graph

    graph = Graph()
    graph.add((URIRef("data"), URIRef("data"), Literal("00")))
    with pytest.raises(Unsupported) as refused:
        _engine(graph)
    with caplog.at_level(logging.INFO, logger="peersupport.validation.validate"):
        assert validate_graph(graph, classify=False).results == _pyshacl(graph)
    warning, done = caplog.records[-2:]
    assert (warning.levelno, warning.getMessage()) == (
        logging.WARNING, f"pySHACL validates this graph: the set-at-a-time engine does not support it ({refused.value})")
    assert (done.shacl_engine, done.triples) == ("pySHACL", len(graph))


def test_each_validation_logs_its_engine_size_and_time(caplog):
    from peersupport.validation.validate import validate_graph

    graph = parse(FILES[0].read_bytes(), FORMATS[FILES[0].suffix])
    with caplog.at_level(logging.INFO, logger="peersupport.validation.validate"):
        report = validate_graph(graph, classify=False)
    done = caplog.records[-1]
    inferred = len(report.closure.inferred)
    assert inferred > 0
    assert done.getMessage().startswith(f"validated {len(graph)} triples ({inferred} implied) with set-at-a-time in ")
    assert (done.shacl_engine, done.triples, done.implied, done.results) == ("set-at-a-time", len(graph), inferred, len(report.results))
    assert done.seconds >= 0


def test_the_fallback_is_said_in_the_report_and_takes_small_graphs_only(monkeypatch):
    """pySHACL took 7.4 s at 10^4 triples and about 3,000 s at 10^5: the fallback is bounded."""
    from peersupport.errors import TooLarge
    from peersupport.validation import validate as validation

    def refuse(store, originals=None, deadline=None):
        raise Unsupported("a test says so")

    monkeypatch.setattr(validation, "validate_store", refuse)
    small = parse((EXAMPLES / "invalid/one-way-help.ttl").read_bytes(), "turtle")
    report = validation.validate_graph(small, classify=False)
    assert (report.engine, report.engine_note) == ("pySHACL", "the set-at-a-time engine does not support this data: a test says so")
    assert [r.key for r in report.results] == [r.key for r in _pyshacl(small)] and report.results
    large = parse("".join(generate(150, seed=3)), "nt")
    assert len(large) > validation.PYSHACL_MAX_TRIPLES
    with pytest.raises(TooLarge, match=r"^this data cannot be checked by the fast validator \(a test says so\), and at \d+ "
                                       r"triples it is more than the slower one takes \(5000\)$"):
        validation.validate_graph(large, classify=False)
