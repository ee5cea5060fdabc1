"""Running HermiT through owlready2: one graph in one world (``_reasoned``), or several graphs in
one Java run (``read_many``).

A Java run costs about 2.5 s before it reads anything (starting the JVM and compiling HermiT's
code as it runs), and a second graph in the same run costs about a third of a first. owlready2
hands HermiT one file per run, so ``read_many`` writes each world as owlready2 does, runs
HermiT's command line on all the files at once, cuts its output into one part per file, and
applies each part to its world as ``owlready2.sync_reasoner_hermit`` does.

Each world is closed afterwards whatever happens; a lock serialises calls because owlready2
keeps process-wide state.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import threading
import types
from collections import defaultdict

from rdflib import OWL, RDF, Graph

from peersupport.vocabulary.graph import PS

# HermiT's command line prints four sections per ontology (classes, object properties, data
# properties, individuals: -c -O -D -I), each ended by an empty line.
_SECTIONS = 4

_lock = threading.Lock()

class ReasonerUnavailable(RuntimeError):
    """No Java runtime, so HermiT cannot run."""


class ReasoningFailed(ValueError):
    """HermiT or owlready2 failed for a reason other than an inconsistency (a Java error, input
    owlready2 cannot load)."""


class _Inconsistent(Exception):
    pass



def java_available() -> bool:
    return shutil.which("java") is not None


@contextlib.contextmanager
def _reasoner_tempdir():
    """owlready2 writes the graph for HermiT to a temporary file that it removes only when HermiT
    succeeds; give it a folder of its own, removed whatever happens. (Called under ``_lock``.)"""
    import owlready2.reasoning

    with tempfile.TemporaryDirectory(prefix="peersupport-hermit-") as folder:
        original = owlready2.reasoning.tempfile
        shim = types.SimpleNamespace(**{name: getattr(tempfile, name) for name in dir(tempfile) if not name.startswith("__")})
        shim.NamedTemporaryFile = lambda *args, **kwargs: tempfile.NamedTemporaryFile(*args, **{"dir": folder, **kwargs})
        owlready2.reasoning.tempfile = shim
        try:
            yield
        finally:
            owlready2.reasoning.tempfile = original


@contextlib.contextmanager
def _reasoned(graph: Graph):
    """A fresh owlready2 world holding ``graph``, after HermiT has run on it; closed on leaving,
    also when HermiT raises. Raises ``_Inconsistent`` when the graph has no model."""
    if not java_available():
        raise ReasonerUnavailable("HermiT needs a Java runtime (install default-jre-headless)")
    import owlready2

    data = _nt(graph)
    with _lock:
        world = owlready2.World()
        try:
            try:
                world.get_ontology(str(PS)).load(fileobj=io.BytesIO(data), format="ntriples")
                with _reasoner_tempdir():
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                                   ignore_unsupported_datatypes=True)
            except owlready2.OwlReadyInconsistentOntologyError:
                raise _Inconsistent() from None
            except owlready2.OwlReadyJavaError as error:
                raise ReasoningFailed(f"HermiT failed: {_java_message(error)}") from None
            except (OSError, ValueError, TypeError, KeyError, AttributeError, owlready2.OwlReadyError) as error:
                raise ReasoningFailed(f"the reasoner could not read the graph: {error}") from None
            yield world
        finally:
            world.close()


def _java_message(error) -> str:
    """The first informative line of a Java error."""
    for line in str(error).splitlines():
        line = line.strip()
        if line and not line.startswith(("Java error message is", "at ")):
            return line[:300]
    return "unknown Java error"




def _nt(graph: Graph) -> bytes:
    modules = [(o, RDF.type, OWL.Ontology) for o in graph.subjects(RDF.type, OWL.Ontology) if str(o) != str(PS)]
    if modules:  # owlready2 reads a file as one ontology; a second header (the alignment module) derails it
        graph = graph + Graph()
        for triple in modules:
            graph.remove(triple)
    return graph.serialize(format="nt", encoding="utf-8")


def classes_in(world, roles) -> dict:
    """The vocabulary classes owlready2 holds for each of ``roles`` in ``world`` (after HermiT)."""
    out = {}
    for role in roles:
        individual = world[str(role)]
        inferred = individual.INDIRECT_is_a if individual is not None else []
        out[role] = frozenset(c.iri for c in inferred if getattr(c, "iri", "").startswith(str(PS)))
    return out


def read_many(vocabulary: Graph, runs: list[tuple[Graph, list]]) -> list[dict | None]:
    """For each (graph, roles) of ``runs``, the classes of its roles as ``classes_in`` gives them
    after HermiT has read ``vocabulary`` and the graph, or None when the two have no model; all in
    as few Java runs as inconsistent graphs allow (HermiT stops at the first one)."""
    if not java_available():
        raise ReasonerUnavailable("HermiT needs a Java runtime (install default-jre-headless)")
    import owlready2
    import owlready2.reasoning as owl_reasoning

    shared = _nt(vocabulary)  # once: N-Triples files joined are the union of their graphs
    data = [shared + _nt(graph) for graph, _ in runs]
    out: list[dict | None] = [None] * len(runs)
    with _lock, tempfile.TemporaryDirectory(prefix="peersupport-hermit-") as folder:
        worlds = []
        try:
            files = []
            for number, nt in enumerate(data):
                world = owlready2.World()
                worlds.append(world)
                try:
                    world.get_ontology(str(PS)).load(fileobj=io.BytesIO(nt), format="ntriples")
                except (OSError, ValueError, TypeError, KeyError, AttributeError, owlready2.OwlReadyError) as error:
                    raise ReasoningFailed(f"the reasoner could not read the graph: {error}") from None
                name = os.path.join(folder, f"{number}.nt")
                with open(name, "wb") as handle:  # as sync_reasoner_hermit writes it
                    world.save(handle, format="ntriples", filter=lambda graph, s, p, o, d: p != owl_reasoning.owl_imports)
                files.append(name)
            pending = list(range(len(runs)))
            while pending:
                parts, inconsistent = _hermit([files[n] for n in pending])
                for number, part in zip(pending, parts):
                    _apply(worlds[number], part)
                    out[number] = classes_in(worlds[number], runs[number][1])
                done = len(parts) + (1 if inconsistent else 0)  # the inconsistent one stays None
                pending = pending[done:]
        finally:
            for world in worlds:
                world.close()
    return out


def _hermit(files: list[str]) -> tuple[list[str], bool]:
    """HermiT's output for each of ``files`` up to the first that has no model, and whether one
    had none."""
    import owlready2
    import owlready2.reasoning as owl_reasoning

    command = [owlready2.JAVA_EXE, f"-Xmx{owl_reasoning.JAVA_MEMORY}M", "-cp", owl_reasoning._HERMIT_CLASSPATH,
               "org.semanticweb.HermiT.cli.CommandLine", "-c", "-O", "-D", "-I", "--ignoreUnsupportedDatatypes",
               *(f"file:///{name}" for name in files)]
    process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    parts = _parts(owl_reasoning._decode(process.stdout).replace("\r", ""))
    if process.returncode == 0 and len(parts) == len(files):
        return parts, False
    errors = owl_reasoning._decode(process.stderr or b"")
    if process.returncode == 1 and "Inconsistent ontology" in errors and len(parts) < len(files):
        return parts, True
    raise ReasoningFailed(f"HermiT failed: {_java_message(errors or 'its output could not be read')}")


def _parts(output: str) -> list[str]:
    """HermiT's output cut into one part per ontology. Each prints its classes, object properties
    and data properties, each section ended by an empty line, then its individuals' types
    (``Type( ... )`` lines) with no line after them; the next ontology starts at the first other
    line. A part cut short (the run stopped) is left out."""
    parts, lines, ends = [], [], 0
    for line in output.rstrip("\n").split("\n") if output.strip() else []:
        if ends == _SECTIONS - 1 and not line.startswith("Type("):
            parts.append("\n".join(lines))
            lines, ends = [], 0
        lines.append(line)
        if ends < _SECTIONS - 1 and not line.strip():
            ends += 1
    if ends == _SECTIONS - 1:
        parts.append("\n".join(lines))
    return parts


def _apply(world, output: str) -> None:
    """HermiT's output for one ontology applied to ``world``, as ``owlready2.sync_reasoner_hermit``
    applies it (owlready2 0.4x, without property values)."""
    import owlready2.reasoning as owl_reasoning

    ontology = world.get_ontology(owl_reasoning._INFERRENCES_ONTOLOGY)
    new_parents, new_equivs, entity_2_type = defaultdict(list), defaultdict(list), {}
    for relation, concept_iris in owl_reasoning._HERMIT_RESULT_REGEXP.findall(output):
        concept_storids = [ontology._abbreviate(x) for x in concept_iris[1:-1].split("> <")]
        owl_relation = owl_reasoning._HERMIT_2_OWL[relation]
        if relation in owl_reasoning._IS_A_RELATIONS:
            if concept_iris[0].startswith("http://www.w3.org/2002/07/owl"):
                continue
            new_parents[concept_storids[0]].append(concept_storids[1])
            entity_2_type[concept_storids[0]] = owl_reasoning._OWL_2_TYPE[owl_relation]
        elif relation in owl_reasoning._EQUIV_RELATIONS:
            named = [(iri, storid) for iri, storid in zip(concept_iris, concept_storids)
                     if not iri.startswith("http://www.w3.org/2002/07/owl")]
            if "http://www.w3.org/2002/07/owl#Nothing" in concept_iris:
                for _, storid in named:
                    if storid != owl_reasoning.owl_nothing:
                        new_equivs[storid].append(owl_reasoning.owl_nothing)
                        entity_2_type[storid] = owl_reasoning._OWL_2_TYPE[owl_relation]
            else:
                for iri1, storid1 in named:
                    for iri2, storid2 in zip(concept_iris, concept_storids):
                        if iri1 != iri2:
                            new_equivs[storid1].append(storid2)
                            entity_2_type[storid1] = owl_reasoning._OWL_2_TYPE[owl_relation]
    owl_reasoning._apply_reasoning_results(world, ontology, 0, new_parents, new_equivs, entity_2_type)
