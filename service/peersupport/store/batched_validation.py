"""Validating graphs an engine holds batch by batch (``peersupport validate --endpoint URL``):
the engine's subjects are paged through, each batch's neighbourhood is read (``remote_batches``)
and validated locally as a file is (``validation.validate.validate_graph``: the vocabulary's
axioms, the shapes, the verdicts), and the batches' reports are merged into one, equal to the
report on the same graphs read whole and validated locally.

From each batch's report only what concerns its own nodes is kept: the results whose focus node
is one of them, their verdicts, readings, implied statements and contradictions, and their own
triples (what the report shows: labels, evidence, organisations). A neighbour is read only for
what the batch's nodes need of it, so its own results are taken from its own batch, where it is
read whole; each node being in one batch, no result is kept twice. A focus node the data does not
describe (one only the vocabulary has) is taken from the first batch.

Local memory holds one batch's validation at a time (``PEERSUPPORT_REMOTE_BATCH`` nodes, default
5,000) and the merged report, which keeps its nodes' own triples and results for the renderings;
``PEERSUPPORT_REMOTE_BATCH=0`` reads the graphs whole instead. The validation's time limit
(``PEERSUPPORT_VALIDATION_SECONDS``) applies to each batch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from rdflib import Graph, URIRef

from peersupport.shacl.terms import to_rdflib
from peersupport.store.remote_batches import DEFAULT_BATCH, blank_subjects, neighbourhood, pages
from peersupport.store.remote_graphs import EngineReader, RemoteReadError
from peersupport.validation.validate import Report, validate_graph
from peersupport.vocabulary.entailment import Closure

BATCH_ENV = "PEERSUPPORT_REMOTE_BATCH"


def batch_size(environ: dict | None = None) -> int:
    """``PEERSUPPORT_REMOTE_BATCH`` (nodes per batch; 0: the graphs read whole), else the default."""
    text = (os.environ if environ is None else environ).get(BATCH_ENV, "").strip()
    if not text:
        return DEFAULT_BATCH
    if not text.isdigit():
        raise RemoteReadError(f"{BATCH_ENV} is {text!r}, not a whole number of 0 or more")
    return int(text)


@dataclass
class Reading:
    """What was read from the engine: its graphs, the batches, their nodes and triples."""

    graphs: list[str]
    batches: int = 0
    nodes: int = 0
    triples: int = 0  # read over all batches (a neighbour is read with each batch that points to it)


def validate_engine_graphs(endpoint: str, graphs: list[str], engine_name: str = "auto", classify: bool = True,
                           size: int = DEFAULT_BATCH, timeout: float = 120.0) -> tuple[Report, Reading]:
    """The report on ``graphs`` of the engine (all of its graphs when empty), validated ``size``
    nodes at a time. Raises ``RemoteReadError`` when the engine cannot be read, and what
    ``validate_graph`` raises (``Timeout``, ``TooLarge``) for a batch."""
    merged = Report(data=Graph(), results=[], closure=Closure())
    with EngineReader(endpoint, graphs, engine_name, timeout) as reader:
        reading = Reading(reader.graphs)
        blank = blank_subjects(reader)
        if blank:
            raise RemoteReadError(f"{blank} blank node{'s have' if blank != 1 else ' has'} a type in the graphs of {endpoint}: "
                                  f"batches name their nodes by IRI; give the roles and organisations IRIs, or read the "
                                  f"graphs whole ({BATCH_ENV}=0)")
        for page in pages(reader, size):
            data = neighbourhood(reader, page)
            _keep(merged, validate_graph(data, classify=classify), {to_rdflib(node) for node in page},
                  first=reading.batches == 0)
            reading.batches += 1
            reading.nodes += len(page)
            reading.triples += len(data)
    # Batches come in the order of their nodes' strings, and each batch's results in the report's
    # order; a stable sort by focus node puts them in that order should the engine's order differ.
    merged.results.sort(key=lambda result: str(result.focus))
    return merged, reading


def _keep(merged: Report, report: Report, own: set, first: bool) -> None:
    """Add to ``merged`` what ``report`` (one batch's) says of the batch's own nodes ``own``."""
    described = set(report.data.subjects()) if first else ()
    merged.results += [r for r in report.results if r.focus in own or (first and r.focus not in described)]
    for node in own:
        for triple in report.data.triples((node, None, None)):
            merged.data.add(triple)
    merged.closure.inferred.update((s, why) for s, why in report.closure.inferred.items() if s[0] in own)
    merged.closure.contradictions += [c for c in report.closure.contradictions if c.subject in own]
    merged.verdicts.update((role, verdict) for role, verdict in report.verdicts.items() if role in own)
    merged.readings.update((role, reading) for role, reading in report.readings.items() if URIRef(role) in own)
    merged.reasoning_note = merged.reasoning_note or report.reasoning_note
    if report.engine != merged.engine:  # pySHACL validated this batch: the merged report says why
        merged.engine, merged.engine_note = report.engine, report.engine_note
