"""What differs between the SPARQL engines this service can front (``--engine``): how the default
graph is made the union of the named graphs, which media types to ask for per query form, where
the Graph Store and update endpoints are, and how catalogue parameters must be bound.

- ``oxigraph`` (Oxigraph server): the ``union-default-graph`` parameter, its own extension.
- ``virtuoso``: its default graph holds every graph, system graphs too (``virtrdf#``), so the
  graphs of the dataset are named (``default-graph-uri`` and ``named-graph-uri``); it does not see
  a top-level ``VALUES`` variable inside ``OPTIONAL { … FILTER }`` and is very slow joining one,
  so catalogue parameters are written in place of their variable instead (``bind_in_place``).
- ``fuseki``: the graphs are named, as the SPARQL protocol allows everywhere.
- ``generic``: Oxigraph's parameter is sent, which other engines ignore (configure their default
  graph as the union, or choose ``fuseki`` to have the graphs named).

``detect`` tells the engine from the ``Server`` header of an answer, else ``generic``.

Credentials toward the engine come from the environment only, never the command line (where
``ps`` shows them) nor the logs: ``PEERSUPPORT_ENGINE_USER`` and ``PEERSUPPORT_ENGINE_PASSWORD``
(sent as ``PEERSUPPORT_ENGINE_AUTH``: ``basic``, or ``digest`` as Virtuoso's Graph Store asks),
or ``PEERSUPPORT_ENGINE_TOKEN`` (a bearer token); ``PEERSUPPORT_ENGINE_HEADERS`` adds headers
(``Name: value; Other: value``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from peersupport.sparql.text import keywords
from peersupport.sparql.tokens import tokens

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8, text/tab-separated-values;q=0.5"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


@dataclass(frozen=True)
class Engine:
    name: str
    union: str  # "parameter": Oxigraph's union-default-graph; "graphs": the dataset's graphs are named
    graph_store: str  # relative to the query endpoint; the SPARQL 1.1 Graph Store HTTP Protocol
    update: str
    auth: str = "basic"  # how credentials are sent to the Graph Store and update endpoints
    bind_in_place: bool = False
    system_graphs: tuple[str, ...] = ()  # IRI prefixes of graphs the engine holds for itself

    def accept(self, query: str) -> str:
        """The Accept header for ``query``: RDF types for CONSTRUCT and DESCRIBE, result types otherwise."""
        words = [word for word in keywords(query) if word not in ("BASE", "PREFIX")]
        return GRAPH_ACCEPT if words and words[0] in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT

    def graph_store_url(self, endpoint: str) -> str:
        return urljoin(endpoint, self.graph_store)

    def update_url(self, endpoint: str) -> str:
        return urljoin(endpoint, self.update)

    def is_system_graph(self, iri: str) -> bool:
        return iri.startswith(self.system_graphs) if self.system_graphs else False


ENGINES = {
    "oxigraph": Engine("oxigraph", "parameter", "store", "update"),
    "virtuoso": Engine("virtuoso", "graphs", "sparql-graph-crud-auth", "sparql-auth", auth="digest", bind_in_place=True,
                       system_graphs=("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#",
                                      "http://localuriqaserver/", "http://localhost:8890/")),
    # Fuseki's dataset services sit beside its query service: /ds/query, /ds/update, /ds/data.
    "fuseki": Engine("fuseki", "graphs", "data", "update"),
    # As remote mode did before profiles: one request per query, the parameter ignored where unknown.
    "generic": Engine("generic", "parameter", "store", "update"),
}
NAMES = tuple(ENGINES)


def detect(server_header: str | None) -> Engine:
    """The engine an answer's ``Server`` header names (``Virtuoso/07.20…``, ``Oxigraph/0.5…``,
    ``Apache Jena Fuseki…``), else the generic profile."""
    text = (server_header or "").lower()
    for name in ("virtuoso", "oxigraph", "fuseki"):
        if name in text:
            return ENGINES[name]
    return ENGINES["generic"]


def credentials(environ: dict[str, str] | None = None, scheme: str = "basic") -> tuple[httpx.Auth | None, dict[str, str]]:
    """(auth, headers) for requests to the engine, from the environment (see the module's docstring)."""
    environ = os.environ if environ is None else environ
    headers = {}
    for pair in environ.get("PEERSUPPORT_ENGINE_HEADERS", "").split(";"):
        name, colon, value = pair.partition(":")
        if colon and name.strip():
            headers[name.strip()] = value.strip()
    if environ.get("PEERSUPPORT_ENGINE_TOKEN"):
        headers["Authorization"] = "Bearer " + environ["PEERSUPPORT_ENGINE_TOKEN"]
        return None, headers
    user = environ.get("PEERSUPPORT_ENGINE_USER")
    if not user:
        return None, headers
    password = environ.get("PEERSUPPORT_ENGINE_PASSWORD", "")
    scheme = environ.get("PEERSUPPORT_ENGINE_AUTH", scheme)
    return (httpx.DigestAuth(user, password) if scheme == "digest" else httpx.BasicAuth(user, password)), headers


def bind_in_place(text: str) -> str:
    """The query with the single-row ``VALUES`` block that ``bind_values`` opens the top-level
    ``WHERE`` group with removed, and each of its terms written where its variable was. Left as it
    is when there is no such block, or when a bound variable is projected or assigned (``SELECT
    ?x``, ``AS ?x``), where a term cannot stand, or used in a subquery, where it is another variable."""
    stream = list(tokens(text))
    block = _values_block(stream)
    if block is None:
        return text
    start, end, by_name = block
    if any(token.kind == "variable" and token.text[1:] in by_name for token in stream[:start]):
        return text  # projected by the query itself
    pieces, cursor = [text[:stream[start].start]], stream[end].end
    depth, subqueries = 1, []  # the brace depth, and the depths subqueries opened at
    for position in range(end + 1, len(stream)):
        token = stream[position]
        depth += {"{": 1, "}": -1}.get(token.text, 0)
        while subqueries and depth < subqueries[-1]:
            subqueries.pop()
        if token.kind == "word" and token.text.upper() == "SELECT":
            subqueries.append(depth)  # the depth of the brace opening the subquery
        if token.kind != "variable" or token.text[1:] not in by_name:
            continue
        if subqueries or stream[position - 1].text.upper() == "AS":
            return text  # a subquery's variable of that name is another variable; a term cannot be assigned
        pieces += [text[cursor:token.start], by_name[token.text[1:]]]
        cursor = token.end
    return "".join(pieces) + text[cursor:]


def _values_block(stream) -> tuple[int, int, dict[str, str]] | None:
    """(first token, last token, {variable: term}) of a one-row ``VALUES (?a ?b) { (t u) }``
    opening the top-level ``WHERE`` group, or None."""
    texts = [token.text for token in stream]
    at = next((i for i, token in enumerate(stream[:-2]) if token.kind == "word" and token.text.upper() == "WHERE"
               and texts[i + 1] == "{"), None)
    if at is None or len(stream) < at + 8 or texts[at + 2].upper() != "VALUES" or texts[at + 3] != "(":
        return None
    start, index, names = at + 2, at + 4, []
    while index < len(stream) and stream[index].kind == "variable":
        names.append(texts[index][1:])
        index += 1
    if texts[index:index + 3] != [")", "{", "("]:
        return None
    index, terms = index + 3, []
    while index < len(stream) and texts[index] != ")":
        token = stream[index]
        if token.kind == "string" and texts[index + 1:index + 3] == ["^", "^"] and stream[index + 3].kind == "iri":
            terms.append("".join(texts[index:index + 4]))  # a typed literal: "1"^^<…#integer>
            index += 4
        elif token.kind in ("iri", "string") and texts[index + 1] != "@":
            terms.append(token.text)
            index += 1
        else:
            return None
    if len(terms) != len(names) or index + 1 >= len(stream) or texts[index + 1] != "}":
        return None
    return start, index + 1, dict(zip(names, terms))

