"""The roles in the graph with the values researchers filter them by, for ``/roles``.

A role is a resource typed ``org:Post``, ``org:Role``, ``org:Membership`` or ``ps:DescribedRole``
in a data graph (not the vocabulary's role kinds). Its facets: the kind of the organisation it is
in, the practice it declares, its remuneration, the setting and community served (stated on the
role or on its organisation), the status of each mark of peer support (shown, not recorded,
contradicted) and its verdict.

The facet values are read through the executor, one query per facet. The marks are not in the
graph: they come from the vocabulary's axioms applied to the roles' descriptions
(``validation.verdict``, as the validator reads them), which takes the description of every role
and its organisations, so the index is built once per executor, at the first request, and kept:
the embedded store does not change while it is served (behind a remote endpoint, a restart sees
new data). Each query is bounded by the executor's row cap; the index says when one was cut off.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from peersupport.sparql.jobs import Executor
from peersupport.web.store_reads import labels, not_data_filter, run, select

ROLE_CLASSES = ("org:Post", "org:Role", "org:Membership", "ps:DescribedRole")
ROLES = ("{ SELECT DISTINCT ?role WHERE { VALUES ?class { " + " ".join(ROLE_CLASSES) + " } "
         "GRAPH ?g { ?role a ?class } " + not_data_filter() + " FILTER(isIRI(?role)) } }")
_IN = "(org:postIn|org:organization)"


@dataclass(frozen=True)
class Facet:
    code: str
    labels: dict
    pattern: str = ""  # SPARQL binding ?value for ?role; empty for the computed facets
    short: dict | None = None  # a mark's own name, for the list's column

    def label(self, lang: str) -> str:
        return self.labels.get(lang, self.labels["en"])


FACETS = (
    Facet("organisation-kind", {"en": "Organisation kind", "fr": "Type d’organisation"},
          f"?role {_IN} ?org . ?org a ?value . ?value rdfs:subClassOf org:Organization ."),
    Facet("practice", {"en": "Practice declared", "fr": "Pratique déclarée"}, "?role ps:declaredPractice ?value ."),
    Facet("remuneration", {"en": "Remuneration", "fr": "Rémunération"}, "?role ps:remunerationBasis ?value ."),
    Facet("setting", {"en": "Setting", "fr": "Cadre"}, f"?role (ps:setting|({_IN}/ps:setting)) ?value ."),
    Facet("community", {"en": "Community served", "fr": "Communauté servie"},
          f"?role (ps:communityServed|({_IN}/ps:communityServed)) ?value ."),
)
VERDICT = Facet("verdict", {"en": "Verdict", "fr": "Verdict"})


@dataclass
class Role:
    iri: str
    label: str
    organisation: str = ""
    organisation_label: str = ""
    values: dict = field(default_factory=dict)  # facet code -> set of values (IRIs, or mark statuses)


@dataclass
class RoleIndex:
    roles: dict  # IRI -> Role, in label order
    facets: tuple  # Facet, in the order shown
    value_labels: dict  # value -> label, in one language per index
    truncated: bool  # a query was cut off at the executor's row cap


def mark_facets() -> tuple[Facet, ...]:
    from peersupport.validation.validate import shapes_graph
    from peersupport.validation.verdict import marks

    return tuple(Facet("mark-" + m.code, {"en": f"Mark: {m.label('en')}", "fr": f"Marque : {m.label('fr')}"},
                       short={"en": m.label("en"), "fr": m.label("fr")})
                 for m in marks(shapes_graph()))


def _descriptions(executor: Executor) -> tuple[Graph, bool]:
    """What the data graphs say of each role, of its organisations and the organisations above them."""
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {ROLES} ?role ({_IN}|org:subOrganizationOf)* ?s . "
             f"GRAPH ?g {{ ?s ?p ?o }} {not_data_filter()} }}")
    reply = run(executor, query, accept="application/n-triples")
    graph = Graph()
    graph.parse(data=reply.body.decode("utf-8"), format="nt")
    return graph, "X-SPARQL-MaxRows" in reply.headers


def _read_marks(executor: Executor, roles: dict, facets: tuple) -> bool:
    from peersupport.validation.validate import implied, shapes_graph
    from peersupport.validation.verdict import read_role

    data, truncated = _descriptions(executor)
    closure, _ = implied(data)
    shapes = shapes_graph()
    for iri, role in roles.items():
        verdict = read_role(shapes, data, closure, URIRef(iri), False)
        for facet, reading in zip(facets, verdict.marks):
            role.values[facet.code] = {reading.status}
        role.values[VERDICT.code] = {verdict.outcome}
    return truncated


def build(executor: Executor, lang: str = "en") -> RoleIndex:
    rows, truncated = select(executor, f"SELECT ?role ?org WHERE {{ {ROLES} OPTIONAL {{ ?role {_IN} ?org }} }}")
    roles: dict[str, Role] = {}
    for row in rows:
        role = roles.setdefault(row["role"].value, Role(row["role"].value, ""))
        if "org" in row and not role.organisation:
            role.organisation = row["org"].value
    for facet in FACETS:
        found, cut = select(executor, f"SELECT DISTINCT ?role ?value WHERE {{ {ROLES} {facet.pattern} FILTER(isIRI(?value)) }}")
        truncated = truncated or cut
        for role in roles.values():
            role.values[facet.code] = set()
        for row in found:
            if row["role"].value in roles:
                roles[row["role"].value].values[facet.code].add(row["value"].value)
    marks = mark_facets()
    truncated = _read_marks(executor, roles, marks) or truncated
    values = {v for role in roles.values() for facet in FACETS for v in role.values[facet.code]}
    names = labels(executor, values | set(roles) | {r.organisation for r in roles.values() if r.organisation}, lang)
    for role in roles.values():
        role.label = names.get(role.iri, role.iri)
        role.organisation_label = names.get(role.organisation, role.organisation)
    ordered = dict(sorted(roles.items(), key=lambda item: (item[1].label.lower(), item[0])))
    return RoleIndex(ordered, FACETS + marks + (VERDICT,), {v: names[v] for v in values if v in names}, truncated)


class IndexHolder:
    """One index per executor and language, built at the first request that needs it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._executor = None
        self._indexes: dict[str, RoleIndex] = {}

    def get(self, executor: Executor, lang: str) -> RoleIndex:
        with self._lock:
            if executor is not self._executor:
                self._executor, self._indexes = executor, {}
            if lang not in self._indexes:
                self._indexes[lang] = build(executor, lang)
            return self._indexes[lang]
