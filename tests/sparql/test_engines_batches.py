"""The engine's graph validated in batches of focus nodes (issue 16, ``store.batched_validation``):
with batches of 7 nodes (many batches; every role in another batch than its organisation) the
report equals the local one on the 2012 consultation and on a generated graph, on Oxigraph server
and on Virtuoso; nothing is written to the engine; and the neighbourhood read per batch covers
what the shapes and the vocabulary's axioms read (checked on the shapes and axioms themselves, so a
shape reaching further fails here before it silently differs on an engine)."""

import json
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from rdflib.paths import Path
from rdflib.plugins.sparql import prepareQuery

from peersupport.shacl.rewriting import prefixes
from peersupport.store.loading import extra_files, graph_name, project_files
from peersupport.store.remote_batches import VALUES_AT_MOST, neighbourhood
from peersupport.store.remote_graphs import EngineReader
from peersupport.validation.validate import path_text, shapes_and_vocabulary
from peersupport.vocabulary.entailment import AllOf, AnyOf, HasValue, Named, OneOf, Some, rules

from ..conftest import REPO
from ..engines import client_for, generated_graph, loaded_for_this_test, triples_in


def _validate(*args, batch=None):
    env = {**os.environ, **({"PEERSUPPORT_REMOTE_BATCH": str(batch)} if batch is not None else {})}
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", "--no-classify", "--output", "json", *args],
                            capture_output=True, text=True, cwd=REPO, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def _subjects(files) -> int:
    graph = Graph()
    for _, path in files:
        graph.parse(path)
    return len({s for s in graph.subjects() if isinstance(s, URIRef)})


@pytest.fixture(scope="module")
def consultation(tmp_path_factory):
    """The 2012 consultation's three files (bundled: the engines' fixtures hold them) and the same
    triples as one local file (one input, so the local report's advice is the RDF one, as remote)."""
    files = [f for f in project_files() if f[0].startswith("data/consultation-2012/")]
    merged = Graph()
    for _, path in files:
        merged.parse(path)
    local = tmp_path_factory.mktemp("consultation") / "consultation.nt"
    merged.serialize(local, format="nt", encoding="utf-8")
    return files, local


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generated_graph(tmp_path_factory.mktemp("generated-batches") / "batches.nt", orgs=12, seed=7)


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_the_consultation_in_batches_of_7_gives_the_local_report(engine, consultation, request):
    endpoint = request.getfixturevalue("oxigraph_server" if engine == "oxigraph" else "virtuoso")
    files, local_file = consultation
    graphs = [a for _, path in files for a in ("--graph", graph_name(f"data/consultation-2012/{path.name}").value)]
    with client_for(engine) as client:
        before = triples_in(client, endpoint)
        code, remote, said = _validate("--endpoint", endpoint, *graphs, "--engine", engine, batch=7)
        assert triples_in(client, endpoint) == before  # nothing written to the engine
    local_code, local, _ = _validate(str(local_file))
    nodes = _subjects(files)
    batches = -(-nodes // 7)
    assert said.startswith(f"validated {nodes} nodes in {batches} batches of at most 7 (")
    assert said.endswith(f" from 3 graphs of {endpoint}\n")
    assert code == local_code == 1
    assert remote["counts"] == local["counts"] == {"violations": 7, "warnings": 1, "infos": 1}
    assert remote == local


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_a_generated_graph_in_batches_of_7_gives_the_local_report(engine, generated, request):
    endpoint = request.getfixturevalue("oxigraph_server" if engine == "oxigraph" else "virtuoso")
    files = extra_files([generated])
    with client_for(engine) as client:
        with loaded_for_this_test(client, endpoint, engine, files):
            before = triples_in(client, endpoint)
            code, remote, said = _validate("--endpoint", endpoint, "--graph", graph_name(files[0][0]).value,
                                           "--engine", engine, batch=7)
            assert triples_in(client, endpoint) == before
    local_code, local, _ = _validate(str(generated))
    nodes = _subjects(files)
    assert said.startswith(f"validated {nodes} nodes in {-(-nodes // 7)} batches of at most 7 (")
    assert code == local_code == 1
    keys = [(r["focus"], r["path"], r["source_shape"], r["severity"]) for r in local["results"]]
    assert len(keys) == len(set(keys)) > 50  # many results, none repeated
    assert remote == local



@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_a_batch_of_5000_nodes_is_asked_for_in_parts_virtuoso_takes(engine, generated, request):
    """Virtuoso 7.2 refused one VALUES block of a default batch's 5,000 IRIs (SP030, "Too many
    arguments for standard built-in function"): 4,990 unknown IRIs beside the graph's own nodes give
    the neighbourhood of those nodes alone."""
    endpoint = request.getfixturevalue("oxigraph_server" if engine == "oxigraph" else "virtuoso")
    files = extra_files([generated])
    graph = graph_name(files[0][0]).value
    own = sorted({str(s) for s in Graph().parse(generated).subjects() if isinstance(s, URIRef)})[:10]
    unknown = [f"https://example.org/unknown/{n}" for n in range(4990)]
    with client_for(engine) as client, loaded_for_this_test(client, endpoint, engine, files), \
            EngineReader(endpoint, [graph], engine) as reader:
        alone = neighbourhood(reader, [ox.NamedNode(iri) for iri in own])
        among = neighbourhood(reader, [ox.NamedNode(iri) for iri in unknown[:2500] + own + unknown[2500:]])
    assert 5000 > 2 * VALUES_AT_MOST
    assert len(alone) > 100
    assert isomorphic(among, alone)

def test_a_typed_blank_node_is_refused_with_a_message(oxigraph_server, tmp_path):
    data = tmp_path / "blank-role.ttl"
    data.write_text("@prefix org: <http://www.w3.org/ns/org#> .\n[] a org:Post .\n"
                    "<https://example.org/o> a org:Organization .\n")
    files = extra_files([data])
    with client_for("oxigraph") as client, loaded_for_this_test(client, oxigraph_server, "oxigraph", files):
        result = subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", "--endpoint", oxigraph_server,
                                 "--graph", graph_name(files[0][0]).value], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2
    assert result.stderr == (f"peersupport validate: 1 blank node has a type in the graphs of {oxigraph_server}: batches "
                             "name their nodes by IRI; give the roles and organisations IRIs, or read the graphs whole "
                             "(PEERSUPPORT_REMOTE_BATCH=0)\n")


def test_a_batch_size_that_is_not_a_number_is_named():
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", "--endpoint", "http://127.0.0.1:9/query"],
                            capture_output=True, text=True, cwd=REPO, env={**os.environ, "PEERSUPPORT_REMOTE_BATCH": "many"})
    assert (result.returncode, result.stderr) == (
        2, "peersupport validate: --remote-batch / PEERSUPPORT_REMOTE_BATCH is 'many', not a whole number of 0 or more\n")


# The neighbourhood's bound (store/remote_batches.py), as the shapes and axioms are checked against it.
_CHAINS = {"<http://www.w3.org/ns/org#postIn>/<http://www.w3.org/ns/org#subOrganizationOf>*",
           "<https://w3id.org/peer-support/declaredPractice>/<http://www.w3.org/2004/02/skos/core#broader>*"}
_INVERSE_PATHS = {"(^org:postIn|org:hasPost|^org:subOrganizationOf/^org:postIn)"}


def _triples(node):
    """Every triple pattern of a parsed query's algebra."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "triples":
                yield from (tuple(t) for t in value)
            else:
                yield from _triples(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _triples(item)


def _reach_problems(text: str) -> list[str]:
    """What a query reads beyond the bound: a triple whose subject is two steps or more from
    ?this, or a property path other than the two chains, from anywhere but ?this."""
    triples = list(_triples(prepareQuery(text).algebra))
    distance, problems = {Variable("this"): 0}, []
    for _ in triples:  # enough rounds for the longest chain of variables
        for s, p, o in triples:
            if s in distance:
                for term in (p, o):
                    if isinstance(term, Variable) and term not in distance:
                        distance[term] = distance[s] + 1
    for s, p, o in triples:
        if isinstance(p, Path) and (distance.get(s) != 0 or p.n3() not in _CHAINS):
            problems.append(f"path {p.n3()} from {s}")
        if isinstance(s, Variable) and distance.get(s, 2) > 1:
            problems.append(f"triple {s} {p} {o}")
        if isinstance(s, URIRef) and not s.startswith("https://w3id.org/peer-support/"):
            problems.append(f"triple about {s}, which only the vocabulary may describe")
    return problems


def _with_paths(text: str, graph: Graph, shape) -> str:
    path = graph.value(shape, SH.path)
    return text.replace("$PATH", path.n3()) if path is not None else text


def test_the_shapes_read_no_further_than_a_batch_holds():
    shapes, _ = shapes_and_vocabulary()
    checked = 0
    for shape, constraint in shapes.subject_objects(SH.sparql):
        text = prefixes(shapes, constraint) + str(shapes.value(constraint, SH.select))
        assert _reach_problems(_with_paths(text, shapes, shape)) == [], shape
        checked += 1
    for target in set(shapes.objects(None, SH.target)):
        assert _reach_problems(prefixes(shapes, target) + str(shapes.value(target, SH.select))) == [], target
        checked += 1
    paths = {path_text(shapes, p) for p in shapes.objects(None, SH.path) if not isinstance(p, URIRef)}
    assert paths == _INVERSE_PATHS
    assert checked == 23  # 22 SPARQL constraints and the target
    assert _reach_problems("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?this WHERE { ?this org:postIn ?o . "
                           "?o org:subOrganizationOf ?p . ?p a org:Organization }") == [
        "triple p http://www.w3.org/1999/02/22-rdf-syntax-ns#type http://www.w3.org/ns/org#Organization"]


def _depth(expression) -> int:
    """How many steps from its subject a class expression reads (Named, HasValue, OneOf: its own triples)."""
    if isinstance(expression, Some):
        return 1 + _depth(expression.filler)
    if isinstance(expression, (AllOf, AnyOf)):
        return max(_depth(part) for part in expression.parts)
    assert isinstance(expression, (Named, HasValue, OneOf)), expression
    return 0


def test_the_axioms_read_no_further_than_the_nodes_a_role_points_to():
    depths = [_depth(axiom.source) for axiom in rules().axioms]
    assert max(depths) == 1 and depths.count(1) == 6
