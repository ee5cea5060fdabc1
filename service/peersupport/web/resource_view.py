"""What a data page shows about one IRI, read from the store through the executor: its label and
kinds, its statements grouped by the graph they come from (a blank node's own statements shown
within), and what points to it, one page at a time.

Everything is bounded: at most ``MAX_STATEMENTS`` statements about the resource (the page says
how many there are when there are more), and the links pointing to it are counted and shown
``INCOMING_PAGE`` at a time, so a resource that 10^5 others point to costs one count and one page.
"""

from __future__ import annotations

from urllib.parse import quote

from peersupport import NAMESPACE
from peersupport.sparql.jobs import Executor
from peersupport.vocabulary import docs
from peersupport.vocabulary.graph import SOURCE_NAMESPACE, is_term_iri, source_id
from rdflib import URIRef

from peersupport.web.store_reads import DATA_BASE, GRAPH_BASE, Value, count, described, iri_term, labels, prefixed, select

MAX_STATEMENTS = 1000
INCOMING_PAGE = 50
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def local_path(iri: str) -> str | None:
    """Where this service answers for an IRI of the project's own namespace, if it does."""
    if iri == NAMESPACE:
        return "/peer-support/"
    for base in (DATA_BASE, GRAPH_BASE, SOURCE_NAMESPACE):
        if iri.startswith(base) and len(iri) > len(base):
            return "/peer-support/" + iri[len(NAMESPACE):]
    if is_term_iri(URIRef(iri)):
        return "/peer-support/" + iri[len(NAMESPACE):]
    return None


def page_of(iri: str) -> str:
    """The address of an IRI's data page on this service."""
    return "/resource?iri=" + quote(iri, safe="")


def holds(executor: Executor, iri: str) -> bool:
    """Whether the store says anything about ``iri``, or points to it."""
    term = iri_term(iri)
    rows, _ = select(executor, f"SELECT ?x WHERE {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} BIND(1 AS ?x) }} LIMIT 1")
    return bool(rows)


class _Terms:
    """Turns answer values into what the template shows: text, a link, a language, a datatype."""

    def __init__(self, executor: Executor, values, lang: str):
        iris = {v.value for v in values if v.is_iri}
        self.labels = labels(executor, iris, lang)
        self.held = described(executor, [i for i in iris if local_path(i) is None])

    def href(self, iri: str) -> str | None:
        return local_path(iri) or (page_of(iri) if iri in self.held else None)

    def show(self, value: Value) -> dict:
        if value.is_iri and source_id(value.value):
            cited = docs.source_link(docs.shared_vocabulary(), URIRef(value.value))
            return {"kind": "iri", "text": cited["text"], "iri": value.value, "prefixed": prefixed(value.value),
                    "href": cited["href"] if cited["href"].startswith("/") else self.href(value.value)}
        if value.is_iri:
            return {"kind": "iri", "text": self.labels.get(value.value) or prefixed(value.value), "iri": value.value,
                    "prefixed": prefixed(value.value), "href": self.href(value.value)}
        if value.kind == "bnode":
            return {"kind": "bnode", "text": "", "statements": []}
        return {"kind": "literal", "text": value.value, "lang": value.lang,
                "datatype": prefixed(value.datatype) if value.datatype and not value.lang else ""}


def _graph_view(iri: str) -> dict:
    return {"iri": iri, "name": iri[len(GRAPH_BASE):] if iri.startswith(GRAPH_BASE) else iri, "href": local_path(iri)}


def resource_view(executor: Executor, iri: str, lang: str, offset: int = 0) -> dict:
    """The data page's values for ``iri``; ``offset``: the first link pointing to it shown."""
    term = iri_term(iri)
    rows, _ = select(executor, f"SELECT ?g ?p ?o ?bp ?bo WHERE {{ GRAPH ?g {{ {term} ?p ?o "
                               f"OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }} }} }} LIMIT {MAX_STATEMENTS + 1}")
    total = count(executor, f"{term} ?p ?o") if len(rows) > MAX_STATEMENTS else None
    rows = rows[:MAX_STATEMENTS]
    incoming_total = count(executor, f"GRAPH ?g {{ ?s ?p {term} }}")
    incoming, _ = select(executor, f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {term} }} }} ORDER BY ?p ?s "
                                   f"LIMIT {INCOMING_PAGE} OFFSET {max(offset, 0)}")
    values = [v for row in rows + incoming for v in row.values()] + [Value("uri", iri)]
    terms = _Terms(executor, values, lang)
    graphs: dict[str, dict] = {}
    nodes: dict[tuple, dict] = {}
    properties: dict[tuple, dict] = {}
    for row in rows:
        graph = graphs.setdefault(row["g"].value, {**_graph_view(row["g"].value), "statements": []})
        key = (row["g"].value, row["p"].value, row["o"].kind, row["o"].value)
        if key not in nodes:
            nodes[key] = terms.show(row["o"])
            grouped = properties.setdefault((row["g"].value, row["p"].value), {"property": terms.show(row["p"]), "values": []})
            if not grouped["values"]:
                graph["statements"].append(grouped)
            grouped["values"].append(nodes[key])
        if "bp" in row:
            nodes[key]["statements"].append({"property": terms.show(row["bp"]), "value": terms.show(row["bo"])})
    for graph in graphs.values():
        graph["statements"].sort(key=lambda s: (s["property"]["iri"] != RDF_TYPE, s["property"]["text"].lower()))
        for statement in graph["statements"]:
            statement["values"].sort(key=lambda v: v["text"].lower())
    kinds = sorted({terms.show(row["o"])["text"] for row in rows if row["p"].value == RDF_TYPE})
    return {
        "iri": iri, "label": terms.labels.get(iri) or prefixed(iri), "prefixed": prefixed(iri), "kinds": kinds,
        "graphs": sorted(graphs.values(), key=lambda g: g["name"]), "shown": len(rows), "total": total,
        "incoming": [{"subject": terms.show(row["s"]), "property": terms.show(row["p"]), "graph": _graph_view(row["g"].value)}
                     for row in incoming],
        "incoming_total": incoming_total, "offset": offset, "page_size": INCOMING_PAGE,
    }


def graph_view(executor: Executor, graph: str, lang: str, offset: int = 0, page_size: int = 100) -> dict:
    """A graph's page: how many statements it holds, and the resources it describes, a page at a time."""
    term = iri_term(graph)
    subjects = count(executor, f"{{ SELECT DISTINCT ?s WHERE {{ GRAPH {term} {{ ?s ?p ?o }} FILTER(isIRI(?s)) }} }}")
    rows, _ = select(executor, f"SELECT DISTINCT ?s WHERE {{ GRAPH {term} {{ ?s ?p ?o }} FILTER(isIRI(?s)) }} "
                               f"ORDER BY ?s LIMIT {page_size} OFFSET {max(offset, 0)}")
    terms = _Terms(executor, [row["s"] for row in rows], lang)
    return {**_graph_view(graph), "statements": count(executor, f"GRAPH {term} {{ ?s ?p ?o }}"),
            "subjects": subjects, "resources": [terms.show(row["s"]) | {"href": terms.href(row["s"].value) or page_of(row["s"].value)}
                                                for row in rows],
            "offset": offset, "page_size": page_size}
