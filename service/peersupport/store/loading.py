"""The embedded Oxigraph store: opening it, and loading the project's files into it, one named
graph per file.

A file is (re)loaded only when its content changed since the last load: each generation of the
store keeps the SHA-256 and triple count of every file it holds in a manifest beside it.

Loading is atomic, so a crash (even ``kill -9``) never leaves a half-loaded graph in view. The
store folder holds generations (``gen-00001/`` with ``gen-00001.json``) and a ``CURRENT`` file
naming the one served. Changes are made in a new generation, either a checkpoint of the current
one (``Store.backup`` makes hard links, so it costs next to nothing) with the changed graphs
replaced, or, when that would mean deleting many triples (Oxigraph deletes about three times
slower than it bulk-loads), a fresh one loaded from every file. Only when that generation is
complete does ``CURRENT`` switch to it, with one atomic rename. A generation left by a crash is
never named by ``CURRENT`` and is deleted at the next start. Progress is logged: each file
loaded, with its triples and seconds, and the generation made.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from peersupport import NAMESPACE
from peersupport.resources import data_dir
from peersupport.store import strict_check
from peersupport.store.progress import Display, Reading

log = logging.getLogger(__name__)
GRAPH_BASE = NAMESPACE + "graph/"
# In a remote engine, the graph where ``peersupport load`` keeps the SHA-256 of each file loaded.
LOADED_HASHES = GRAPH_BASE + "loaded"
# Triple formats only: a quad file could write into graphs other than its own.
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
               ".jsonld": ox.RdfFormat.JSON_LD}
# Deleting a triple costs Oxigraph about three times what bulk-loading one does (400k triples:
# remove_graph 13 s, bulk_load 4 s), so past that ratio a fresh generation is quicker.
DELETE_COST = 3
# Examples and templates are fixtures for the validator, not part of the published graph.
EXCLUDED_DATA = ("examples", "templates")


class LoadError(Exception):
    """A file could not be loaded; the graph already served for it is left as it was."""


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


def extra_files(paths: list[Path]) -> list[tuple[str, Path]]:
    """(name, path) of data given on the command line (files or folders), served as ``local/…``
    graphs next to the project's own."""
    files = []
    for root in paths:
        candidates = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in candidates:
            if path.suffix not in RDF_FORMATS:
                if not root.is_dir():
                    raise ValueError(f"{path.name}: not an RDF file this service loads ({', '.join(RDF_FORMATS)})")
                continue
            relative = path.relative_to(root).as_posix() if root.is_dir() else path.name
            prefix = f"local/{root.name}/" if root.is_dir() else "local/"
            files.append((prefix + relative, path))
    return files


def _data_root() -> Path | None:
    try:
        return data_dir("data")
    except FileNotFoundError:
        return None


def graph_name(name: str) -> ox.NamedNode:
    return ox.NamedNode(GRAPH_BASE + name)


def checksum(path: Path) -> str:
    # Read in pieces (10^7 triples are a 1.4 GB file); hashlib releases the GIL while it hashes them.
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def current_generation(location: Path) -> Path | None:
    """The folder of the store generation being served, or None before the first load."""
    pointer = location / "CURRENT"
    return location / pointer.read_text().strip() if pointer.exists() else None


def _manifest(generation: Path | None) -> dict:
    """{file name: {"sha256": ..., "triples": n}} of the files a generation holds."""
    if generation is None:
        return {}
    return json.loads(generation.with_suffix(".json").read_text())


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    with partial.open("w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def checksums_of(files: list[tuple[str, Path]]) -> dict[str, str]:
    return {name: checksum(path) for name, path in files}


def same_files_generation(location: Path, files: list[tuple[str, Path]]) -> Path | None:
    """The generation served when it holds the files of ``files`` by name, so that only their
    SHA-256 can tell whether it is up to date; None when no content could make it so (there is
    none, or it holds other files). Deletes what a load cut short left."""
    location.mkdir(parents=True, exist_ok=True)
    current = current_generation(location)
    for abandoned in _delete_abandoned_generations(location, keep=current):
        log.warning("deleted %s (left by a load that was cut short)", abandoned)
    return current if current is not None and set(_manifest(current)) == {name for name, _ in files} else None


def up_to_date(location: Path, files: list[tuple[str, Path]]) -> tuple[Path | None, dict[str, str]]:
    """The generation served when it holds exactly ``files`` as they are now (else None), and the
    files' checksums. Deletes what a load cut short left."""
    candidate = same_files_generation(location, files)
    checksums = checksums_of(files)
    held = {name: entry["sha256"] for name, entry in _manifest(candidate).items()}
    return (candidate if candidate is not None and held == checksums else None), checksums


def prepare_store(location: Path, files: list[tuple[str, Path]], checksums: dict[str, str] | None = None) -> Path:
    """Bring the store at ``location`` up to date with ``files`` and return the folder of the
    generation to serve. Raises LoadError, leaving the served generation as it was, when a file
    cannot be parsed. ``checksums``: the files' SHA-256 when the caller has just computed them."""
    served, checksums = up_to_date(location, files) if checksums is None else (None, checksums)
    if served is not None:
        return served
    current = current_generation(location)
    manifest = _manifest(current)
    changed = [(name, path) for name, path in files if manifest.get(name, {}).get("sha256") != checksums[name]]
    gone = sorted(set(manifest) - set(checksums))
    if current is not None and not changed and not gone:
        return current

    replaced = [name for name in gone + [name for name, _ in changed] if name in manifest]
    to_delete = sum(manifest[name]["triples"] for name in replaced)
    to_keep = sum(entry["triples"] for name, entry in manifest.items() if name not in replaced)
    generation = _next_generation(location, current)
    for name in gone:
        log.info("removing graph %s (its file is gone)", name)
    if current is not None and DELETE_COST * to_delete <= to_keep:
        ox.Store(str(current)).backup(str(generation))
        store = ox.Store(str(generation))
        for name in replaced:
            store.remove_graph(graph_name(name))
        manifest = {name: entry for name, entry in manifest.items() if name not in replaced}
    else:
        store, manifest, changed = ox.Store(str(generation)), {}, list(files)
    to_load = {name for name, _ in changed}
    load_started, loaded = time.monotonic(), 0
    try:
        for index, (name, path) in enumerate(files, start=1):
            if name not in to_load:
                continue
            started = time.monotonic()
            log.info("[%d/%d] loading %s (%d bytes)", index, len(files), name, path.stat().st_size)
            count = _load_one_graph(store, name, path)
            manifest[name] = {"sha256": checksums[name], "triples": count}
            loaded += count
            log.info("[%d/%d] %s: %d triples in %.2f s", index, len(files), name, count, time.monotonic() - started)
        store.flush()
        del store
    except LoadError:
        del store
        shutil.rmtree(generation, ignore_errors=True)
        raise
    _write_atomically(generation.with_suffix(".json"), json.dumps(manifest, indent=1, sort_keys=True))
    _write_atomically(location / "CURRENT", generation.name + "\n")  # the switch: atomic
    _delete_abandoned_generations(location, keep=generation)
    seconds = time.monotonic() - load_started
    log.info("store %s ready: %d files loaded (%d triples) in %.2f s", generation.name, len(to_load), loaded, seconds,
             extra={"files": len(to_load), "triples": loaded, "seconds": round(seconds, 2)})
    return generation


def _next_generation(location: Path, current: Path | None) -> Path:
    number = int(current.name.split("-")[1]) + 1 if current is not None else 1
    generation = location / f"gen-{number:05d}"
    shutil.rmtree(generation, ignore_errors=True)
    return generation


def _delete_abandoned_generations(location: Path, keep: Path | None) -> list[str]:
    """Delete every generation but ``keep``; return the names of the store folders deleted."""
    deleted = []
    for path in sorted(location.glob("gen-*")):
        if keep is None or path.name.split(".")[0] != keep.name:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                deleted.append(path.name)
            else:
                path.unlink(missing_ok=True)
    return deleted


def parse_in_memory(files: list[tuple[str, Path]], report=None) -> ox.Store:
    """An in-memory store holding ``files``, one graph each, checked strictly (they are being
    served before any generation holds them): when ``strict_check.pays``, parsed leniently while
    another process checks them strictly (see ``strict_check``), else parsed strictly.
    Raises LoadError naming the file, line and column."""
    store = ox.Store()
    apart = strict_check.pays(sum(path.stat().st_size for _, path in files))
    check = strict_check.Beside([(name, path, RDF_FORMATS[path.suffix]) for name, path in files]) if apart else None
    try:
        _parse_files(store, [(name, path, apart) for name, path in files], report or Display(), check)
    except LoadError as error:
        raise LoadError((check.error() or str(error)) if check else str(error)) from None  # the strict message first
    finally:
        if check is not None:
            check.stop()
    return store


def load_in_memory(generation: Path, files: list[tuple[str, Path]], checksums: dict[str, str] | None = None,
                   report=None) -> ox.Store:
    """An in-memory store holding what ``generation`` holds. Oxigraph answers queries several
    times faster from memory than from RocksDB, and parsing a file is faster than reading the
    generation back (10^6 triples: about 3 s against 10 s), so each graph is parsed from its file
    when the file is still the one loaded (same SHA-256; ``checksums`` when just computed), and
    copied from the generation only when the file has changed or gone since. A file whose
    SHA-256 matches was parsed strictly into the generation, so it is parsed leniently (IRIs not
    checked again: 10^6 triples 1.7 s against 2.3 s)."""
    manifest = _manifest(generation)
    paths = dict(files)
    store, stale, fresh = ox.Store(), [], []
    for name in sorted(manifest):
        path = paths.get(name)
        if path is not None and path.exists() and (
                (checksums or {}).get(name) or checksum(path)) == manifest[name]["sha256"]:
            fresh.append((name, path, True))
        else:
            stale.append(name)
    if stale:
        on_disk = ox.Store.read_only(str(generation))
        for name in stale:
            store.extend(on_disk.quads_for_pattern(None, None, None, graph_name(name)))
        del on_disk
    _parse_files(store, fresh, report or Display())
    return store


def _parse_files(store: ox.Store, files: list[tuple[str, Path, bool]], report, check=None) -> None:
    """Parse each (name, path, lenient) into ``store`` with Store.load, not bulk_load: into memory
    it is as fast, and it starts no thread pool (the store's owner forks query workers, and only
    one thread survives a fork). ``check``: the strict check of the lenient files, awaited before
    the load is reported done."""
    sizes = [path.stat().st_size for _, path, _ in files]
    started, before, held = time.monotonic(), 0, len(store)  # len() walks the store: once per file
    for (name, path, lenient), size in zip(files, sizes):
        file_started, triples = time.monotonic(), held
        with path.open("rb") as file:
            try:
                store.load(Reading(file, before, sum(sizes), started, report), format=RDF_FORMATS[path.suffix],
                           to_graph=graph_name(name), lenient=lenient)
            except SyntaxError as error:
                raise LoadError(f"cannot load {name}: {error.msg}") from None
        before, held = before + size, len(store)
        report.loaded(name, held - triples, time.monotonic() - file_started)
    if check is not None and (error := check.error()):
        raise LoadError(error)
    report.finished(len(files), held, time.monotonic() - started)


def _load_one_graph(store: ox.Store, name: str, path: Path) -> int:
    graph = graph_name(name)
    try:
        store.bulk_load(path=str(path), format=RDF_FORMATS[path.suffix], to_graph=graph)
    except SyntaxError as error:
        raise LoadError(f"cannot load {name}: {error.msg}") from None
    # Counted by the engine: iterating the quads in Python took 10.5 s for 10^6 triples, this 1.2 s.
    count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return int(next(iter(count))["n"].value)
