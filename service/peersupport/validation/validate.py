"""SHACL validation of organisations' role descriptions, with the verdict on each role.

The shapes and the vocabulary are parsed once per process and shared by every call. Each call
first applies the vocabulary's axioms to the data (``vocabulary.entailment``: what a role kind,
an organisation kind or a participation mode implies), then validates its own in-memory Oxigraph
store holding the data, what it implies and the vocabulary with ``shacl.engine``, which checks
each shape for all focus nodes at once and gives pySHACL's results. Each role gets a verdict per
mark (``verdict``) and, when asked and Java is present, HermiT's reading. Should the engine not
support a shapes graph or some data (``shacl.model.Unsupported``), pySHACL validates instead
(the report says so and why), for graphs of up to ``PYSHACL_MAX_TRIPLES`` only (larger ones are
refused, 413: pySHACL would take minutes to hours), with calls from several threads serialised
around it, as it is not safe to run concurrently. Each validation has a time limit
(``PEERSUPPORT_VALIDATION_SECONDS``), checked between the steps of the entailment, between the
engine's queries and between pySHACL's: past it, ``errors.Timeout`` (503) is raised in the thread
that validates, so the work stops and the validation slot is freed. Nothing uploaded is stored.
``conforms`` is false only when there is a violation: warnings and infos are advice, not failure.
Each validation is logged: which engine, how many triples, how long, and why pySHACL had to.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql.processor import prepareQuery

from peersupport.deadline import NEVER, Deadline
from peersupport.errors import TooLarge
from peersupport.shacl.engine import ShapesGraph
from peersupport.shacl.model import Unsupported
from peersupport.shacl.terms import load_graph, path_sparql, to_rdflib
from peersupport.shacl.rewriting import prefixes
from peersupport.validation.inputs import ROLE_CLASSES, read_input, require_roles
from peersupport.validation.verdict import PSSH, Verdict, mark_of, read_role
from peersupport.resources import data_dir
from peersupport.settings import BY_NAME
from peersupport.vocabulary.entailment import Closure, entail
from peersupport.vocabulary.graph import ORG, PS, bind_prefixes, load_ontology

log = logging.getLogger(__name__)
SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
# pySHACL checks each focus node in turn: about 7 s at 10^4 triples, 3,000 s at 10^5 (measured),
# and validation cannot be interrupted, so the fallback takes small graphs only.
PYSHACL_MAX_TRIPLES = 5_000
_load_lock = threading.Lock()
# pySHACL and rdflib's SPARQL engine keep state between calls (measured: concurrent validations
# returned other inputs' results), and validation is CPU-bound under the GIL anyway.
_validation_lock = threading.Lock()


@lru_cache(maxsize=512)
def _prepared(query_text: str):
    return prepareQuery(query_text)


class _PreparedQueryGraph(Graph):
    """pySHACL runs each SHACL-SPARQL constraint's text once per focus node, and rdflib parses
    the text every time: 90% of validation time on the examples (7 s against 0.3 s measured).
    This graph prepares each distinct text once, and checks the validation's time limit before
    each query (the only place pySHACL's loop over focus nodes can be stopped)."""

    deadline: Deadline = NEVER

    def query(self, query_object, *args, **kwargs):
        self.deadline.check()
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=1)
def shapes_and_vocabulary() -> tuple[Graph, Graph]:
    """The shapes and the vocabulary, parsed once per process."""
    with _load_lock:
        shapes = bind_prefixes(Graph())
        for path in sorted(data_dir("shapes").glob("*.ttl")):
            shapes.parse(path, format="turtle")
        return shapes, load_ontology()


def shapes_graph() -> Graph:
    return shapes_and_vocabulary()[0]


@dataclass(frozen=True)
class Engine:
    """The shapes compiled for the set-at-a-time engine, and the vocabulary converted for it."""

    shapes: ShapesGraph | None  # None: the engine does not support the shapes
    unsupported: str | None
    vocabulary: tuple  # the vocabulary's quads, converted once
    vocabulary_originals: dict


@lru_cache(maxsize=1)
def compiled_engine() -> Engine:
    """The engine, compiled once per process."""
    shapes, vocabulary = shapes_and_vocabulary()
    with _load_lock:
        started = time.perf_counter()
        store = ox.Store()
        originals = load_graph(store, vocabulary)
        quads = tuple(store)
        try:
            engine = Engine(ShapesGraph(shapes), None, quads, originals)
        except Unsupported as error:
            log.warning("the set-at-a-time SHACL engine does not support the shapes (%s): pySHACL validates every graph", error)
            return Engine(None, str(error), quads, originals)
        log.info("SHACL shapes compiled for the set-at-a-time engine in %.2f s", time.perf_counter() - started)
        return engine


def new_store() -> tuple[ox.Store, dict]:
    """A store holding the vocabulary, and the written forms of its literals (for ``validate_store``)."""
    engine = compiled_engine()
    store = ox.Store()
    store.extend(engine.vocabulary)
    return store, dict(engine.vocabulary_originals)


def path_text(graph: Graph, path) -> str:
    """A SHACL property path in SPARQL syntax (``^org:postIn|org:hasPost``), stable across runs
    where the path is a blank node."""
    return path_sparql(graph, path, graph.namespace_manager.normalizeUri, grouped=False)


@dataclass(frozen=True)
class Result:
    focus: URIRef
    path: URIRef | None
    path_label: str  # the path in SPARQL syntax, "" when the result has none
    value: object
    severity: URIRef
    component: URIRef
    source_shape: URIRef
    messages: dict[str, str]
    mark: str = ""  # the mark or concern the result is about (pssh:mark, or the mark its path is evidence for)
    status: str = ""  # "contradicted", "not-recorded", "concern" or "unreadable" (pssh:status)
    other: object = None  # for a contradiction: the value the result's value contradicts

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")

    @property
    def key(self) -> tuple:
        """What an expected-results file lists: focus node, path, constraint component, severity."""
        return (str(self.focus), self.path_label, str(self.component), str(self.severity))


@dataclass
class Report:
    data: Graph
    results: list[Result]
    readings: dict = field(default_factory=dict)  # role IRI -> reason.RoleReading
    reasoning_note: str | None = None
    closure: Closure = field(default_factory=Closure)  # what the vocabulary's axioms add to the data
    verdicts: dict = field(default_factory=dict)  # role -> verdict.Verdict
    engine: str = "set-at-a-time"  # which SHACL engine validated: "set-at-a-time" or "pySHACL"
    engine_note: str | None = None  # why pySHACL validated, when it did

    @property
    def conforms(self) -> bool:
        return not any(r.severity == SH.Violation for r in self.results)

    def count(self, severity: URIRef) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def roles(self) -> list[URIRef]:
        return sorted({s for cls in ROLE_CLASSES for s in self.data.subjects(RDF.type, cls) if isinstance(s, URIRef)})

    def label(self, node) -> str:
        label = self.data.value(node, RDFS.label)
        return str(label) if label is not None else str(node)


def _kebab(name: str) -> str:
    """``remunerationBasis`` -> ``remuneration-basis``, the form the marks and concerns are named in."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _annotations(shapes: Graph, shape, path) -> tuple[str, str]:
    """The mark and status of a shape's result (``pssh:mark``, ``pssh:status``)."""
    mark = shapes.value(shape, PSSH.mark)
    status = shapes.value(shape, PSSH.status)
    if mark is None:
        mark = mark_of(shapes, path) or (_kebab(shapes.qname(path).split(":")[-1]) if isinstance(path, URIRef) else "data")
    return str(mark), str(status or "")


def _shape_messages(shapes: Graph, shape) -> dict[str, str]:
    return {m.language: str(m) for m in shapes.objects(shape, SH.message) if isinstance(m, Literal) and m.language}


def _sort(results: list[Result]) -> list[Result]:
    results.sort(key=lambda r: (str(r.focus), SEVERITY_ORDER.get(r.severity, 9), str(r.path), str(r.component)))
    return results


def _engine_results(shapes: Graph, results) -> list[Result]:
    labels, messages, notes = {}, {}, {}  # a few shapes and paths for many results: read each once
    for r in results:
        if r.path not in labels:
            labels[r.path] = path_text(shapes, r.path) if r.path is not None else ""
        if r.source_shape not in messages:
            messages[r.source_shape] = _shape_messages(shapes, r.source_shape)
        if (r.source_shape, r.path) not in notes:
            notes[(r.source_shape, r.path)] = _annotations(shapes, r.source_shape, r.path)
    return _sort([Result(
        focus=r.focus,
        path=r.path,
        path_label=labels[r.path],
        value=r.value,
        severity=r.severity,
        component=r.component,
        source_shape=r.source_shape,
        messages=dict(messages[r.source_shape]) or {"en": str(m) for m in r.messages},
        mark=notes[(r.source_shape, r.path)][0],
        status=notes[(r.source_shape, r.path)][1],
    ) for r in results])


def validate_store(store: ox.Store, originals: dict | None = None, deadline: Deadline = NEVER) -> list[Result]:
    """The results for the data in ``store``'s default graph, which must hold the vocabulary too
    (``new_store``); ``originals``: the written forms of literals ``shacl.terms.load_graph``
    returned. Raises ``Unsupported`` when the engine cannot validate it, ``Timeout`` past ``deadline``."""
    engine = compiled_engine()
    if engine.shapes is None:
        raise Unsupported(engine.unsupported)
    return _engine_results(engine.shapes.graph, engine.shapes.validate(store, originals, deadline))


def _messages(shapes: Graph, results_graph: Graph, node, shape) -> dict[str, str]:
    """The result's messages by language. They are read from the shape itself: pySHACL drops the
    language tags of SPARQL-based constraints' messages."""
    messages = _shape_messages(shapes, shape)
    if not messages:
        messages = {"en": str(m) for m in results_graph.objects(node, SH.resultMessage)}
    return messages


def pyshacl_results(shapes: Graph, results_graph: Graph) -> list[Result]:
    """The results in a pySHACL results graph."""
    bind_prefixes(results_graph)
    results = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        shape = results_graph.value(node, SH.sourceShape)
        path = results_graph.value(node, SH.resultPath)
        messages = _messages(shapes, results_graph, node, shape)
        mark, status = _annotations(shapes, shape, path)
        results.append(Result(
            focus=results_graph.value(node, SH.focusNode),
            path=path,
            path_label=path_text(results_graph, path) if path is not None else "",
            value=results_graph.value(node, SH.value),
            severity=results_graph.value(node, SH.resultSeverity),
            component=results_graph.value(node, SH.sourceConstraintComponent),
            source_shape=shape,
            messages=messages,
            mark=mark,
            status=status,
        ))
    return _sort(results)


def implied(data: Graph, deadline: Deadline = NEVER) -> tuple[Closure, Graph]:
    """What the vocabulary's axioms add to ``data``, and those statements as a graph."""
    closure = entail(data, shapes_and_vocabulary()[1], deadline)
    graph = Graph()
    for statement in closure.inferred:
        graph.add(statement)
    return closure, graph


def prepared_store(data: Graph, inferred: Graph) -> tuple[ox.Store, dict]:
    """A store holding the vocabulary, the data and what it implies, ready for ``validate_store``."""
    store, originals = new_store()
    originals.update(load_graph(store, data))
    originals.update(load_graph(store, inferred))
    return store, originals


def claims_query() -> str:
    """The SPARQL query of the shapes' target ``pssh:PeerSupportClaims``: the roles that claim peer support."""
    shapes = shapes_graph()
    return prefixes(shapes, PSSH.PeerSupportClaims) + str(shapes.value(PSSH.PeerSupportClaims, SH.select))


def time_limit(seconds: float | None = None) -> Deadline:
    """The time limit of one validation: ``seconds``, else ``PEERSUPPORT_VALIDATION_SECONDS``
    from the environment, else the setting's default (0: none)."""
    setting = BY_NAME["validation_seconds"]
    if seconds is None:
        text = os.environ.get(setting.env)
        seconds = setting.read(text) if text else setting.default
    return Deadline(seconds, "the validation", setting.env,
                    "Send the data in smaller parts, or ask the service's operators to raise the limit.")


def validate_graph(data: Graph, classify: bool = True, seconds: float | None = None) -> Report:
    """Validate the role descriptions in ``data`` against the shapes, after applying the
    vocabulary's axioms; give each role its verdict; read each role with HermiT when ``classify``
    is true and Java is present. Raises ``Timeout`` past the time limit (``time_limit(seconds)``)."""
    vocabulary = shapes_and_vocabulary()[1]
    deadline = time_limit(seconds)
    started, engine, engine_note = time.perf_counter(), "set-at-a-time", None
    closure, inferred = implied(data, deadline)
    try:
        store, originals = prepared_store(data, inferred)
        results = validate_store(store, originals, deadline)
        claims = {to_rdflib(s["this"]) for s in store.query(claims_query())}
    except Unsupported as reason:
        size = len(data) + len(inferred)
        if size > PYSHACL_MAX_TRIPLES:
            log.warning("not validated: the set-at-a-time engine does not support this graph (%s) and its %d triples are "
                        "more than pySHACL is given (%d)", reason, size, PYSHACL_MAX_TRIPLES)
            raise TooLarge(f"this data cannot be checked by the fast validator ({reason}), and at {size} triples it is "
                           f"more than the slower one takes ({PYSHACL_MAX_TRIPLES})",
                           "Send the data in smaller parts, or correct what the message names.") from None
        log.warning("pySHACL validates this graph: the set-at-a-time engine does not support it (%s)", reason)
        engine, engine_note = "pySHACL", f"the set-at-a-time engine does not support this data: {reason}"
        results, claims = validate_with_pyshacl(data, inferred, deadline)
    deadline.check()
    seconds = time.perf_counter() - started
    log.info("validated %d triples (%d implied) with %s in %.3f s: %d results", len(data), len(inferred), engine, seconds,
             len(results), extra={"shacl_engine": engine, "triples": len(data), "implied": len(inferred),
                                  "seconds": round(seconds, 3), "results": len(results)})
    report = Report(data=data, results=results, closure=closure, engine=engine, engine_note=engine_note)
    shapes = shapes_graph()
    report.verdicts = {role: read_role(shapes, data, closure, role, role in claims) for role in report.roles()}
    deadline.check()
    if classify:
        _add_readings(report, vocabulary)
    return report


def validate_with_pyshacl(data: Graph, inferred: Graph | None = None,
                          deadline: Deadline = NEVER) -> tuple[list[Result], set]:
    """The results by pySHACL (the fallback) on the data, what it implies and the vocabulary
    merged, and the roles that claim peer support."""
    shapes, vocabulary = shapes_and_vocabulary()
    merged = _PreparedQueryGraph()
    merged.deadline = deadline
    merged += vocabulary
    merged += data
    merged += inferred if inferred is not None else implied(data)[1]
    with _validation_lock:
        # In place: merged is this call's own copy, and a clone would be a plain Graph, without the
        # prepared queries and the time limit.
        # A copy of the shapes: pySHACL adds the RDFS/OWL mix-in triples to the shapes graph it is given,
        # and the shared one is served as the shapes' RDF and read by every other validation.
        _, results_graph, _ = pyshacl.validate(merged, shacl_graph=shapes + Graph(), inference="none", advanced=True,
                                               inplace=True)
        claims = {row[0] for row in merged.query(claims_query())}
    return pyshacl_results(shapes, results_graph), claims


def _add_readings(report: Report, vocabulary: Graph) -> None:
    from peersupport.vocabulary.reasoning import ReasonerUnavailable, classify

    roles = report.roles()
    if not roles:
        return
    try:
        report.readings = classify(report.data, roles, ontology=vocabulary)
    except ReasonerUnavailable as error:
        report.reasoning_note = f"roles not classified: {error}"
    except ValueError as error:
        report.reasoning_note = f"roles not classified: {error}"


def validate(data: bytes | str, format: str = "turtle", classify: bool = True) -> Report:
    """Parse ``data`` (turtle, nt, xml, json-ld, csv or xlsx) and validate it. Raises
    ``inputs.InputError`` for unreadable input, or input in which no role is found."""
    parsed = read_input(data, format)
    require_roles(parsed)
    return validate_graph(parsed.graph, classify=classify)
