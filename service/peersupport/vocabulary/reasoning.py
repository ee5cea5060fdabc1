"""OWL reasoning with HermiT (through owlready2): is the vocabulary consistent, and what does a
described role read as, given the evidence recorded on it?

owlready2 does not read Turtle, so graphs are handed over as N-Triples. Each call reasons in a
world of its own; a lock serialises calls because owlready2 keeps process-wide state.
"""

from __future__ import annotations

import io
import shutil
import threading
from dataclasses import dataclass

from rdflib import Graph, URIRef

from peersupport.vocabulary.graph import PS, load_ontology

# What a role can read as, most specific first: the first that applies is the verdict.
VERDICT_CLASSES = (PS.PeerSupportRole, PS.PeerMentoringRole, PS.ClinicalHelpRole, PS.PeersWhoProvideSupportRole)

_lock = threading.Lock()


class ReasonerUnavailable(RuntimeError):
    """No Java runtime, so HermiT cannot run."""


@dataclass(frozen=True)
class OntologyCheck:
    consistent: bool
    unsatisfiable: tuple[str, ...]


@dataclass(frozen=True)
class RoleReading:
    role: str
    classes: frozenset[str]

    @property
    def reads_as(self) -> str | None:
        """The most specific verdict class the reasoner placed the role in, or None."""
        for cls in VERDICT_CLASSES:
            if str(cls) in self.classes:
                return str(cls)
        return None


def java_available() -> bool:
    return shutil.which("java") is not None


def _reason(graph: Graph):
    """Load ``graph`` into a fresh owlready2 world and run HermiT; returns the world, or raises
    owlready2's inconsistency error."""
    if not java_available():
        raise ReasonerUnavailable("HermiT needs a Java runtime (install default-jre-headless)")
    import owlready2

    world = owlready2.World()
    data = graph.serialize(format="nt", encoding="utf-8")
    world.get_ontology(str(PS)).load(fileobj=io.BytesIO(data), format="ntriples")
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


def check_ontology(graph: Graph | None = None) -> OntologyCheck:
    """Is the vocabulary (or ``graph``) consistent, and which named classes are unsatisfiable?"""
    import owlready2

    graph = load_ontology() if graph is None else graph
    with _lock:
        try:
            world = _reason(graph)
        except owlready2.OwlReadyInconsistentOntologyError:
            return OntologyCheck(consistent=False, unsatisfiable=())
        unsatisfiable = tuple(sorted(
            c.iri for c in world.inconsistent_classes() if hasattr(c, "iri") and c is not owlready2.Nothing
        ))
        world.close()
    return OntologyCheck(consistent=True, unsatisfiable=unsatisfiable)


def classify(data: Graph, roles: list[URIRef], ontology: Graph | None = None) -> dict[str, RoleReading]:
    """The vocabulary classes HermiT infers for each of ``roles`` described in ``data``."""
    import owlready2

    merged = (load_ontology() if ontology is None else ontology) + data
    with _lock:
        try:
            world = _reason(merged)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            raise ValueError("the role descriptions contradict the vocabulary (the ontology becomes inconsistent)") from error
        readings = {}
        for role in roles:
            individual = world[str(role)]
            inferred = individual.INDIRECT_is_a if individual is not None else []
            classes = frozenset(c.iri for c in inferred if getattr(c, "iri", "").startswith(str(PS)))
            readings[str(role)] = RoleReading(str(role), classes)
        world.close()
    return readings
