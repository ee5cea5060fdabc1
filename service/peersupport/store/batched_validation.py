"""Validating graphs an engine holds batch by batch (``peersupport validate --endpoint URL``):
the engine's subjects are paged through, each batch's neighbourhood is read (``remote_batches``)
and validated locally as a file is (``validation.validate.validate_graph``: the vocabulary's
axioms, the shapes, the verdicts). ``batches`` yields each batch's report with the nodes it owns;
``validate_engine_graphs`` merges them into one report, equal to the report on the same graphs
read whole and validated locally, and ``validation.report.streamed`` writes them out one by one
(local memory then holds one batch).

From each batch's report only what concerns its own nodes is kept (``Batch``): the results whose
focus node is one of them, their verdicts, readings, implied statements and contradictions, and
their own triples (what the report shows: labels, evidence, organisations). A neighbour is read
only for what the batch's nodes need of it, so its own results are taken from its own batch, where
it is read whole; each node being in one batch, no result is kept twice. A focus node the data
does not describe (one only the vocabulary has) is taken from the first batch.

The batch size is the setting ``remote_batch`` (``PEERSUPPORT_REMOTE_BATCH``, default 5,000
nodes; 0 reads the graphs whole instead). The validation's time limit
(``PEERSUPPORT_VALIDATION_SECONDS``) applies to each batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from peersupport.shacl.terms import to_rdflib
from peersupport.store.remote_batches import blank_subjects, neighbourhood, pages
from peersupport.store.remote_graphs import EngineReader, RemoteReadError
from peersupport.validation.validate import Report, validate_graph
from peersupport.vocabulary.entailment import Closure


@dataclass
class Reading:
    """What was read from the engine: its graphs, the batches, their nodes and triples."""

    graphs: list[str]
    batches: int = 0
    nodes: int = 0
    triples: int = 0  # read over all batches (a neighbour is read with each batch that points to it)


@dataclass
class Batch:
    """One batch's report (on its neighbourhood) and the nodes it owns (None: every node, for a
    graph validated whole); ``first`` also owns the results on nodes no batch describes."""

    report: Report
    own: set | None = None
    first: bool = True
    _described: set = field(default=None, repr=False)

    def owns(self, node) -> bool:
        return self.own is None or node in self.own

    def results(self) -> list:
        """The results this batch keeps, in the report's order."""
        if self.own is None:
            return list(self.report.results)
        if self._described is None:
            self._described = set(self.report.data.subjects()) if self.first else set()
        return [r for r in self.report.results if r.focus in self.own or (self.first and r.focus not in self._described)]

    def roles(self) -> list[URIRef]:
        return [role for role in self.report.roles() if self.owns(role)]

    def verdicts(self) -> dict:
        return {role: verdict for role, verdict in self.report.verdicts.items() if self.owns(role)}

    def readings(self) -> dict:
        return {role: reading for role, reading in self.report.readings.items() if self.owns(URIRef(role))}


def batches(endpoint: str, graphs: list[str], reading_out: list, engine_name: str = "auto", classify: bool = True,
            size: int = 5000, timeout: float = 120.0) -> Iterator[Batch]:
    """Each batch of ``size`` nodes of ``graphs`` of the engine (all of its graphs when empty),
    validated; ``reading_out`` (a list) receives the ``Reading``, updated as batches are read.
    Raises ``RemoteReadError`` when the engine cannot be read, and what ``validate_graph`` raises
    (``Timeout``, ``TooLarge``) for a batch."""
    with EngineReader(endpoint, graphs, engine_name, timeout) as reader:
        reading = Reading(reader.graphs)
        reading_out.append(reading)
        blank = blank_subjects(reader)
        if blank:
            raise RemoteReadError(f"{blank} blank node{'s have' if blank != 1 else ' has'} a type in the graphs of {endpoint}: "
                                  f"batches name their nodes by IRI; give the roles and organisations IRIs, or read the "
                                  f"graphs whole (PEERSUPPORT_REMOTE_BATCH=0)")
        for page in pages(reader, size):
            data = neighbourhood(reader, page)
            batch = Batch(validate_graph(data, classify=classify), {to_rdflib(node) for node in page},
                          first=reading.batches == 0)
            reading.batches += 1
            reading.nodes += len(page)
            reading.triples += len(data)
            yield batch


def validate_engine_graphs(endpoint: str, graphs: list[str], engine_name: str = "auto", classify: bool = True,
                           size: int = 5000, timeout: float = 120.0) -> tuple[Report, Reading]:
    """The report on ``graphs`` of the engine (all of its graphs when empty), validated ``size``
    nodes at a time and merged (its memory grows with the graphs: ``validation.report.streamed``
    writes the batches out instead). Raises as ``batches`` does."""
    merged = Report(data=Graph(), results=[], closure=Closure())
    readings = []
    for batch in batches(endpoint, graphs, readings, engine_name, classify, size, timeout):
        _keep(merged, batch)
    # Batches come in the engine's order, and each batch's results in the report's order; a
    # stable sort by focus node puts them in the order of the report on the whole graphs.
    merged.results.sort(key=lambda result: str(result.focus))
    return merged, readings[0]


def keep_notes(kept: Report, report: Report) -> None:
    """The report-wide notes of ``kept`` once ``report`` (one batch's) is added: the first
    reasoning note, and which SHACL engine validated (pySHACL, and why, when it did for a batch)."""
    kept.reasoning_note = kept.reasoning_note or report.reasoning_note
    if report.engine != kept.engine:
        kept.engine, kept.engine_note = report.engine, report.engine_note


def _keep(merged: Report, batch: Batch) -> None:
    """Add to ``merged`` what ``batch`` says of its own nodes."""
    report, own = batch.report, batch.own
    merged.results += batch.results()
    for node in own:
        for triple in report.data.triples((node, None, None)):
            merged.data.add(triple)
    merged.closure.inferred.update((s, why) for s, why in report.closure.inferred.items() if s[0] in own)
    merged.closure.contradictions += [c for c in report.closure.contradictions if c.subject in own]
    merged.verdicts.update(batch.verdicts())
    merged.readings.update(batch.readings())
    keep_notes(merged, report)
