"""The embedded Oxigraph store: opening it, and loading the project's files into it, one named
graph per file.

A file is (re)loaded only when its content changed since the last load: the SHA-256 of every
loaded file is kept in ``loaded.json`` beside the store. A graph is cleared before it is loaded
again, and its checksum is recorded only after the load finished, so a load that was cut short
is done again at the next start.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from . import NAMESPACE
from .resources import data_dir

GRAPH_BASE = NAMESPACE + "graph/"
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
               ".jsonld": ox.RdfFormat.JSON_LD, ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
# Examples and templates are fixtures for the validator, not part of the published graph.
EXCLUDED_DATA = ("examples", "templates")
BULK_LOAD_BYTES = 1_000_000


def project_files() -> list[tuple[str, Path]]:
    """(name, path) of every file served: the vocabulary, the shapes and the shipped data."""
    files = []
    for kind in ("ontology", "shapes"):
        files += [(f"{kind}/{p.name}", p) for p in sorted(data_dir(kind).glob("*"))
                  if p.suffix in RDF_FORMATS and p.name != "context.jsonld"]
    data = _data_root()
    if data is not None:
        for path in sorted(data.rglob("*")):
            relative = path.relative_to(data)
            if path.suffix in RDF_FORMATS and relative.parts[0] not in EXCLUDED_DATA:
                files.append((f"data/{relative.as_posix()}", path))
    return files


def _data_root() -> Path | None:
    try:
        return data_dir("data")
    except FileNotFoundError:
        return None


def graph_name(name: str) -> ox.NamedNode:
    return ox.NamedNode(GRAPH_BASE + name)


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest_path(location: Path) -> Path:
    return location / "loaded.json"


def open_store(location: Path) -> ox.Store:
    location.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(location / "oxigraph"))


def load_files(store: ox.Store, location: Path, files: list[tuple[str, Path]], log=sys.stderr) -> dict[str, int]:
    """Load the files that changed since the last load; drop graphs whose file is gone. Returns
    {name: number of triples} for the files loaded this time."""
    manifest_path = _manifest_path(location)
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    loaded = {}
    wanted = {name for name, _ in files}
    for name in sorted(set(manifest) - wanted):
        store.remove_graph(graph_name(name))
        del manifest[name]
        print(f"removed graph {name} (its file is gone)", file=log)
    for index, (name, path) in enumerate(files, start=1):
        checksum = _checksum(path)
        if manifest.get(name) == checksum:
            continue
        started = time.monotonic()
        print(f"[{index}/{len(files)}] loading {name} ({path.stat().st_size} bytes)...", file=log, flush=True)
        graph = graph_name(name)
        manifest.pop(name, None)
        manifest_path.write_text(json.dumps(manifest, indent=1))
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        fmt = RDF_FORMATS[path.suffix]
        loader = store.bulk_load if path.stat().st_size > BULK_LOAD_BYTES else store.load
        loader(path=str(path), format=fmt, to_graph=graph)
        store.flush()
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        manifest[name] = checksum
        manifest_path.write_text(json.dumps(manifest, indent=1))
        loaded[name] = count
        print(f"      {count} triples in {time.monotonic() - started:.2f} s", file=log, flush=True)
    return loaded
