"""The report on an engine's graph written batch by batch (``validation.report.streamed``, issue
16): for the 2012 consultation and a generated graph on Oxigraph server, in batches of 1, 7 and 0
(the graphs read whole), the text, JSON and CSV written batch by batch are byte-identical to the
merged report's renderings, and the Turtle is the same graph (the merged Turtle nests its blank
nodes in an order rdflib draws at random, so graphs are compared, not bytes)."""

import io
import os
import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from peersupport.store.batched_validation import Batch, batches, validate_engine_graphs
from peersupport.store.loading import extra_files, graph_name, project_files
from peersupport.store.remote_graphs import read_graphs
from peersupport.validation.inputs import Parsed
from peersupport.validation.report import render
from peersupport.validation.report.streamed import StreamedReport
from peersupport.validation.validate import validate_graph

from ..conftest import REPO
from ..engines import client_for, generated_graph, loaded_for_this_test

FORMATS = ("text", "json", "csv", "turtle")


def _merged_and_batches(endpoint, graphs, size):
    """The merged report (the one validation of the graphs read whole, for 0) and the batches."""
    if not size:
        report = validate_graph(read_graphs(endpoint, graphs, "oxigraph")[0], classify=False)
        return report, [Batch(report)]
    report, _ = validate_engine_graphs(endpoint, graphs, "oxigraph", classify=False, size=size)
    return report, list(batches(endpoint, graphs, [], "oxigraph", classify=False, size=size))


def _streamed(parts, output, lang="en"):
    streamed = StreamedReport(output, lang)
    for batch in parts:
        streamed.add(batch)
    out = io.StringIO()
    streamed.finish(out)
    return out.getvalue(), streamed.totals


def _compare(report, parts, expected_counts):
    for output in FORMATS:
        merged = render(report, output, "en", False, Parsed(report.data, "turtle"))
        streamed, totals = _streamed(parts, output)
        if output == "turtle":
            merged_graph, streamed_graph = Graph().parse(data=merged), Graph().parse(data=streamed)
            assert len(streamed_graph) == len(merged_graph) > 20
            assert isomorphic(streamed_graph, merged_graph)
        else:
            assert streamed == merged, output
        assert totals.found == expected_counts
        assert totals.conforms is report.conforms is False
    merged = render(report, "text", "fr", False, Parsed(report.data, "turtle"))
    assert _streamed(parts, "text", "fr")[0] == merged


@pytest.fixture(scope="module")
def consultation_graphs():
    return [graph_name(name).value for name, _ in project_files() if name.startswith("data/consultation-2012/")]


@pytest.mark.parametrize("size", [1, 7, 0])
def test_the_consultation_written_batch_by_batch_is_the_merged_report(size, oxigraph_server, consultation_graphs):
    report, parts = _merged_and_batches(oxigraph_server, consultation_graphs, size)
    assert len(parts) == (1 if not size else -(-sum(len(b.own) for b in parts) // size))
    _compare(report, parts, {"violations": 7, "warnings": 1, "infos": 1})


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = generated_graph(tmp_path_factory.mktemp("generated-streamed") / "streamed.nt", orgs=12, seed=11)
    return extra_files([path])


@pytest.mark.parametrize("size", [1, 7, 0])
def test_a_generated_graph_written_batch_by_batch_is_the_merged_report(size, oxigraph_server, generated):
    with client_for("oxigraph") as client:
        with loaded_for_this_test(client, oxigraph_server, "oxigraph", generated):
            report, parts = _merged_and_batches(oxigraph_server, [graph_name(generated[0][0]).value], size)
    assert len(report.results) > 50 and len(report.roles()) > 20
    found = {"violations": sum(1 for r in report.results if r.severity.endswith("Violation")),
             "warnings": sum(1 for r in report.results if r.severity.endswith("Warning")),
             "infos": sum(1 for r in report.results if r.severity.endswith("Info"))}
    _compare(report, parts, found)


def _cli(endpoint, graphs, output, batch):
    env = {**os.environ, "PEERSUPPORT_REMOTE_BATCH": str(batch)}
    return subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", "--no-classify", "--output", output,
                           "--endpoint", endpoint, *[a for g in graphs for a in ("--graph", g)], "--engine", "oxigraph"],
                          capture_output=True, text=True, cwd=REPO, env=env)


def test_the_command_writes_the_streamed_report(oxigraph_server, consultation_graphs):
    result = _cli(oxigraph_server, consultation_graphs, "text", 7)
    report, _ = validate_engine_graphs(oxigraph_server, consultation_graphs, "oxigraph", classify=False, size=7)
    assert result.returncode == 1, result.stderr
    assert result.stdout == render(report, "text", "en", False, Parsed(report.data, "turtle"))
    assert result.stderr.startswith("validated ") and result.stderr.count("\n") == 1


def test_the_html_report_is_built_whole_and_says_so(oxigraph_server, consultation_graphs):
    result = _cli(oxigraph_server, consultation_graphs, "html", 7)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(
        "peersupport validate: the html report is built whole, so local memory grows with the engine's graph; "
        "the text, json, csv, turtle reports are written batch by batch\nvalidated ")
    assert result.stdout.startswith("<!DOCTYPE html>")
