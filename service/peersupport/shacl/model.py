"""The types the set-at-a-time SHACL engine's modules share: a compiled shape, the results it
gives (raw, in Oxigraph terms, then as pySHACL gives them), and the two ways a shapes graph can
fail (it breaks SHACL's rules, or it uses what the engine does not implement)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SH

# The SPARQL path from a node to each of its classes: rdf:type, then rdfs:subClassOf any times.
INSTANCE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


class InvalidShapes(ValueError):
    """A shapes graph SHACL does not allow, e.g. a SPARQL query with MINUS (SHACL 1.1 §5.2.1)."""


class Unsupported(Exception):
    """Something the engine does not implement; callers fall back to pySHACL."""


@dataclass(eq=False)
class Shape:
    node: object
    path: object | None = None
    path_sparql: str | None = None
    severity: URIRef = SH.Violation
    messages: tuple = ()
    deactivated: bool = False
    targets: list = field(default_factory=list)  # SPARQL patterns binding ?this
    target_nodes: list = field(default_factory=list)
    sparql_targets: list = field(default_factory=list)  # SPARQL-based targets' queries (SHACL-AF 4.1)
    constraints: list = field(default_factory=list)  # (checker, parameters)


@dataclass(frozen=True)
class RawResult:
    """A result as a constraint checker finds it, in Oxigraph terms."""

    focus: object
    path: object | None
    value: object | None
    component: URIRef
    shape: Shape
    messages: tuple = ()
    constraint: object | None = None
    via: object | None = None  # for a result of a nested sh:property: the focus node it was reached from

    @property
    def origin(self):
        """The focus node of the check that produced the result."""
        return self.focus if self.via is None else self.via


@dataclass(frozen=True)
class EngineResult:
    """A validation result, in rdflib terms as the data wrote them."""

    focus: object
    path: object | None
    value: object | None
    severity: URIRef
    component: URIRef
    source_shape: object
    messages: tuple = ()
    constraint: object | None = None
