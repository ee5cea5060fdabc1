"""Reading the store for the data pages and the list of roles, through the service's executor
(the embedded store's workers or a remote endpoint alike, with their time and row limits).

SELECT answers come back as SPARQL JSON and are read here into rows of plain values. An IRI is
written into a query only as a checked N-Triples term (``<…>``): text that is not an IRI is
refused before anything runs, so no one's input becomes query syntax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from peersupport import NAMESPACE
from peersupport.errors import BadRequest
from peersupport.sparql.execution import MAX_ROWS_HEADER
from peersupport.sparql.jobs import Executor, QueryJob, Reply
from peersupport.vocabulary.graph import PREFIXES as VOCABULARY_PREFIXES

JSON = "application/sparql-results+json"
GRAPH_BASE = NAMESPACE + "graph/"
DATA_BASE = NAMESPACE + "data/"
# Graphs holding the vocabulary and the shapes: what they describe is not data.
NOT_DATA = (GRAPH_BASE + "ontology/", GRAPH_BASE + "shapes/")
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://purl.org/dc/terms/title")
PREFIXES = {**{prefix: str(namespace) for prefix, namespace in VOCABULARY_PREFIXES.items()},
            "qb": "http://purl.org/linked-data/cube#", "dcat": "http://www.w3.org/ns/dcat#", "void": "http://rdfs.org/ns/void#",
            "c12": DATA_BASE + "consultation-2012/", "pss": NAMESPACE + "source/"}
PROLOGUE = "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())


@dataclass(frozen=True)
class Value:
    """One RDF term of an answer: ``kind`` is ``uri``, ``bnode`` or ``literal``."""

    kind: str
    value: str
    lang: str = ""
    datatype: str = ""

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


def iri_term(text: str) -> str:
    """``text`` as an N-Triples IRI term for a query; BadRequest when it is not an absolute IRI."""
    try:
        return str(ox.NamedNode(text))
    except ValueError as error:
        raise BadRequest(f"{text!r} is not an IRI: {error}", "Give an absolute IRI, such as https://w3id.org/peer-support/data/…") from None


def values_block(variable: str, iris) -> str:
    return "VALUES ?" + variable + " { " + " ".join(iri_term(i) for i in iris) + " }"


def not_data_filter(variable: str = "g") -> str:
    """A FILTER keeping graph ``?variable`` only when it holds data (not the vocabulary or the shapes)."""
    return "FILTER(" + " && ".join(f'!STRSTARTS(STR(?{variable}), "{base}")' for base in NOT_DATA) + ")"


def run(executor: Executor, query: str, accept: str = JSON) -> Reply:
    return executor.execute(QueryJob(query=PROLOGUE + query, accept=accept))


def select(executor: Executor, query: str) -> tuple[list[dict[str, Value]], bool]:
    """The rows of a SELECT query (variable -> Value, unbound ones left out), and whether the
    executor cut them off at its row cap."""
    reply = run(executor, query)
    answer = json.loads(reply.body)
    rows = [{name: Value(cell["type"] if cell["type"] != "typed-literal" else "literal", cell["value"],
                         cell.get("xml:lang", ""), cell.get("datatype", ""))
             for name, cell in binding.items()} for binding in answer["results"]["bindings"]]
    return rows, MAX_ROWS_HEADER in reply.headers


def count(executor: Executor, where: str) -> int:
    rows, _ = select(executor, "SELECT (COUNT(*) AS ?n) WHERE { " + where + " }")
    return int(rows[0]["n"].value) if rows else 0


def prefixed(iri: str) -> str:
    """``ps:WardVisitor`` for a known namespace, else the IRI itself."""
    best = max((n for n in PREFIXES.values() if iri.startswith(n)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, n in PREFIXES.items() if n == best)
    return f"{prefix}:{iri[len(best):]}"


def expanded(name: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """The IRI ``ps:WardVisitor`` stands for, by ``prefixes``; any other text (an IRI, an unknown
    prefix) as it is."""
    prefix, colon, local = name.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return name


def labels(executor: Executor, iris, lang: str) -> dict[str, str]:
    """The label of each IRI the store labels (``rdfs:label``, ``skos:prefLabel``, ``dct:title``),
    in ``lang`` where it has one, else English, else one without a language."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    rows, _ = select(executor, f"SELECT ?x ?label WHERE {{ {values_block('x', iris)} "
                               f"?x {'|'.join('<' + p + '>' for p in LABELS)} ?label }}")
    rank = {lang: 0, "en": 1, "": 2}
    chosen: dict[str, tuple[int, str]] = {}
    for row in rows:
        label = row["label"]
        key = (rank.get(label.lang, 3), label.value)
        iri = row["x"].value
        if iri not in chosen or key < chosen[iri]:
            chosen[iri] = key
    return {iri: text for iri, (_, text) in chosen.items()}


def described(executor: Executor, iris) -> set[str]:
    """Those of ``iris`` the store holds statements about."""
    iris = sorted(set(iris))
    if not iris:
        return set()
    rows, _ = select(executor, f"SELECT DISTINCT ?x WHERE {{ {values_block('x', iris)} ?x ?p ?o }}")
    return {row["x"].value for row in rows}
