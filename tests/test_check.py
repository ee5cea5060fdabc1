"""``peersupport check``: the pitfall checks on the shipped vocabulary and shapes, and with
``--datacube`` the W3C Data Cube integrity constraints, as commands a maintainer runs."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

NO_PITFALLS = ("pitfalls: none in the vocabulary or the shapes (OOPS! critical and important pitfalls checked: "
               "P03, P05, P06, P10, P11, P15, P19, P23, P24, P27, P28/P29, P34/P35, P37, P38, P39, P40, P41)")


def run(*args):
    return subprocess.run([sys.executable, "-m", "peersupport.cli", "check", *args], capture_output=True, text=True, cwd=REPO)


def test_the_shipped_vocabulary_and_shapes_have_no_pitfalls():
    result = run("--no-reasoner")
    assert (result.returncode, result.stdout) == (0, NO_PITFALLS + "\n")


def test_the_bundled_survey_cubes_are_well_formed():
    result = run("--datacube")
    assert (result.returncode, result.stdout) == (0, "well-formed: no Data Cube integrity violations in 3 files\n")


def test_a_cube_with_a_duplicate_observation_is_reported(tmp_path):
    survey = (REPO / "data" / "consultation-2012" / "survey.ttl").read_text()
    broken = tmp_path / "survey.ttl"
    # Copy one observation under a second IRI: the same dimension values twice (IC-12).
    broken.write_text(survey + "\n" + _copy_of_first_observation(survey))
    result = run("--datacube", str(broken), str(REPO / "data" / "consultation-2012" / "dataset.ttl"))
    assert result.returncode == 1
    assert [line.split(":", 1)[0] for line in result.stdout.splitlines()] == ["IC-12 no duplicate observations"]


def test_an_unreadable_cube_file_is_named(tmp_path):
    bad = tmp_path / "cube.ttl"
    bad.write_text("@prefix qb: <http://purl.org/linked-data/cube#> .\n<a> qb:dataSet \n")
    result = run("--datacube", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot read input: cube.ttl: line ")


def _copy_of_first_observation(turtle: str) -> str:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    graph = Graph().parse(data=turtle, format="turtle")
    qb = "http://purl.org/linked-data/cube#"
    first = sorted(graph.subjects(RDF.type, URIRef(qb + "Observation")))[0]
    copy = Graph()
    for p, o in graph.predicate_objects(first):
        copy.add((URIRef(str(first) + "-copy"), p, o))
    return copy.serialize(format="nt")
