"""The set-at-a-time SHACL engine against the W3C SHACL test suite (core and SPARQL): every test
case gives the expected report, or is listed in UNSUPPORTED with the reason and the engine refuses
it with ``Unsupported``."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, BNode, Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import SH

from peersupport.shacl.engine import ShapesGraph
from peersupport.shacl.model import InvalidShapes, Unsupported
from peersupport.shacl.terms import load_graph, path_sparql

SUITE = Path(__file__).parents[1] / "resources" / "shacl-test-suite"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# Test cases the engine refuses, each with why; the test asserts it raises Unsupported on them.
UNSUPPORTED = {
    "sparql/pre-binding/shapesGraph-001": "$shapesGraph: the shapes graph is not in the data store",
}


def _graph(path: Path) -> Graph:
    """The file as written: rdflib would otherwise rewrite "1"^^xsd:boolean as "true"."""
    normalise, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        return Graph().parse(path, format="turtle", publicID=path.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = normalise


def _manifest_files(path: Path):
    graph = _graph(path)
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        for include in graph.objects(manifest, MF.include):
            yield from _manifest_files(Path(str(include).removeprefix("file://")))
        if graph.value(manifest, MF.entries) is not None:
            yield path


def _cases():
    cases = []
    for path in sorted(set(_manifest_files(SUITE / "manifest.ttl"))):
        graph = _graph(path)
        for manifest in graph.subjects(RDF.type, MF.Manifest):
            for entry in Collection(graph, graph.value(manifest, MF.entries)):
                name = str(path.relative_to(SUITE).with_suffix(""))
                cases.append(pytest.param(path, entry, id=name))
    return cases


def _canonical(graph: Graph, node, depth: int = 6):
    """A term, with a blank node replaced by its description (so that a path written as
    [ sh:inversePath ex:p ] in the expected report matches the shape's own)."""
    if not isinstance(node, BNode) or depth == 0:
        return node
    return ("bnode", tuple(sorted((str(p), str(_canonical(graph, o, depth - 1))) for p, o in graph.predicate_objects(node)
                                  if p != RDF.type or depth < 6)))


def _expected(graph: Graph, report) -> tuple[bool, list[tuple], bool, bool]:
    conforms = graph.value(report, SH.conforms).toPython()
    results = list(graph.objects(report, SH.result))
    with_messages = any(graph.value(r, SH.resultMessage) is not None for r in results)
    with_constraint = any(graph.value(r, SH.sourceConstraint) is not None for r in results)
    keys = []
    for r in results:
        def one(p):
            value = graph.value(r, p)
            return None if value is None else _canonical(graph, value)
        path = graph.value(r, SH.resultPath)
        key = (one(SH.focusNode), None if path is None else path_sparql(graph, path), one(SH.value), one(SH.resultSeverity),
               one(SH.sourceConstraintComponent), one(SH.sourceShape))
        if with_constraint:
            key += (one(SH.sourceConstraint),)
        if with_messages:
            key += (frozenset((str(m), m.language) for m in graph.objects(r, SH.resultMessage)),)
        keys.append(key)
    return conforms, sorted(keys, key=repr), with_messages, with_constraint


def _actual(results, data: Graph, shapes: Graph, with_messages: bool, with_constraint: bool) -> list[tuple]:
    keys = []
    for r in results:
        key = (_canonical(data, r.focus), path_sparql(shapes, r.path) if r.path is not None else None,
               None if r.value is None else _canonical(data, r.value), r.severity, r.component,
               _canonical(shapes, r.source_shape))
        if with_constraint:
            key += (None if r.constraint is None else _canonical(shapes, r.constraint),)
        if with_messages:
            key += (frozenset((str(m), m.language) for m in r.messages),)
        keys.append(key)
    return sorted(keys, key=repr)


def _load(test_file: Path, entry):
    graph = _graph(test_file)
    action = graph.value(entry, MF.action)
    loaded = {}

    def load(iri):
        path = Path(str(iri).removeprefix("file://"))
        if path == test_file:
            return graph
        return loaded.setdefault(path, _graph(path))

    data = load(graph.value(action, SHT.dataGraph))
    shapes = load(graph.value(action, SHT.shapesGraph))
    return graph, data, shapes, graph.value(entry, MF.result)


@pytest.mark.parametrize("test_file, entry", _cases())
def test_w3c_case(test_file, entry, request):
    graph, data, shapes, expected = _load(test_file, entry)
    name = request.node.callspec.id
    if name in UNSUPPORTED:
        with pytest.raises(Unsupported):
            ShapesGraph(shapes).validate(_store(data))
        return
    if expected == SHT.Failure:
        with pytest.raises((InvalidShapes, RuntimeError)):
            ShapesGraph(shapes).validate(_store(data))
        return
    store = ox.Store()
    originals = load_graph(store, data)
    results = ShapesGraph(shapes).validate(store, originals)
    conforms, expected_keys, with_messages, with_constraint = _expected(graph, expected)
    assert (not results) is conforms
    assert _actual(results, data, shapes, with_messages, with_constraint) == expected_keys


def _store(data: Graph) -> ox.Store:
    store = ox.Store()
    load_graph(store, data)
    return store


def test_every_unsupported_case_exists():
    names = {param.id for param in _cases()}
    assert set(UNSUPPORTED) <= names
