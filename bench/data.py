"""The data each benchmark runs on: the project's own files (vocabulary, shapes, the 2012
consultation: about 4,000 triples) plus one file of generated organisations and roles
(``peersupport.dataset.generate``, about 42 triples per organisation), sized so that the whole is about
the target number of triples.

Every benchmark uses the same list of ``(graph name, path)`` pairs that ``peersupport serve
--data FILE`` serves, so each engine holds the same named graphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph

from peersupport.dataset.generate import write
from peersupport.store.loading import RDF_FORMATS, extra_files, project_files
from peersupport.validation.validate import ROLE_CLASSES

TRIPLES_PER_ORGANISATION = 42  # as the generator's documentation says; the real count is reported


@dataclass(frozen=True)
class Dataset:
    """One benchmark size: the generated file, the files served, and what they hold."""

    target: int  # the size asked for, in triples
    generated: Path  # the generated N-Triples file
    files: tuple[tuple[str, Path], ...]  # (graph name, path), project files first
    organisations: int
    roles: int  # roles in the generated data (the validator's role focus nodes)
    generated_triples: int
    total_triples: int  # generated plus the project's files

    @property
    def label(self) -> str:
        return size_label(self.target)

    def files_json(self) -> list[list[str]]:
        return [[name, str(path)] for name, path in self.files]


def size_label(target: int) -> str:
    """1e4 for 10000, 2.5e5 for 250000."""
    exponent = len(str(int(target))) - 1
    mantissa = target / 10 ** exponent
    return f"{mantissa:g}e{exponent}"


def parse_size(text: str) -> int:
    """'1e5', '100000' or '100k' as a number of triples."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = float(text[:-1] if factor != 1 else text)
    return int(number * factor)


@lru_cache(maxsize=1)
def project_triples() -> int:
    """How many triples the project's own files hold (each in its own graph)."""
    store = ox.Store()
    for name, path in project_files():
        store.bulk_load(path=str(path), format=RDF_FORMATS[path.suffix], to_graph=ox.NamedNode("urn:bench:" + name))
    return len(store)


def make_dataset(target: int, folder: Path, seed: int) -> Dataset:
    """Write the generated file for a total of about ``target`` triples into ``folder``."""
    organisations = max(1, round((target - project_triples()) / TRIPLES_PER_ORGANISATION))
    path = folder / f"generated-{size_label(target)}.nt"
    tally = write(path, orgs=organisations, seed=seed)
    files = tuple(project_files() + extra_files([path]))
    return Dataset(target, path, files, tally.organisations, tally.roles, tally.triples,
                   tally.triples + project_triples())


def one_organisation(seed: int) -> bytes:
    """The N-Triples of one generated organisation and its roles: a typical upload."""
    from peersupport.dataset.generate import generate

    return "".join(generate(1, seed)).encode()


def count_roles(graph: Graph) -> int:
    """The role focus nodes the shapes target in ``graph``."""
    return len({role for cls in ROLE_CLASSES for role in graph.subjects(RDF.type, cls)})
