"""Loading files into a remote SPARQL engine (``peersupport load --to URL``), one named graph per
file as in the embedded store, with the SPARQL 1.1 Graph Store HTTP Protocol: each file is sent
with ``PUT …?graph=IRI``, which replaces the graph, so loading again gives the same graphs.

A file whose SHA-256 is the one last loaded is skipped: the hashes are kept in a graph of the
engine (``loading.LOADED_HASHES``), one triple per loaded graph, replaced at the end of a load. Turtle,
N-Triples and RDF/XML are sent as they are; JSON-LD, which not every engine reads, is sent as
N-Triples.

When the engine is a Virtuoso on this machine and ``PEERSUPPORT_VIRTUOSO_ISQL`` names its SQL
port, files are loaded by Virtuoso's bulk loader instead (``store/virtuoso_bulk.py``), with the
same hashes, progress lines and summary.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from peersupport.sparql.engines import Engine, credentials
from peersupport.store import virtuoso_bulk
from peersupport.store.loading import LOADED_HASHES, RDF_FORMATS, checksum, graph_name

log = logging.getLogger(__name__)
SHA256 = LOADED_HASHES + "#sha256"
_SENT_AS = {".ttl": "text/turtle", ".nt": "application/n-triples", ".rdf": "application/rdf+xml"}


class RemoteLoadError(Exception):
    """The engine refused a file, or could not be reached; the message names the file."""


@dataclass
class LoadSummary:
    loaded: list[tuple[str, int]] = field(default_factory=list)  # (name, triples in the engine)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def text(self) -> str:
        triples = sum(count for _, count in self.loaded)
        return (f"{len(self.loaded)} file{'s' if len(self.loaded) != 1 else ''} loaded ({triples} triples), "
                f"{len(self.skipped)} unchanged, in {self.seconds:.1f} s")


def load_to(endpoint: str, engine_name: str, files: list[tuple[str, Path]], timeout: float,
            progress=print) -> tuple[Engine, LoadSummary]:
    """``load_files`` with the engine named (or "auto": told from its answers) and the credentials
    of the environment (``engines.credentials``)."""
    from peersupport.sparql.remote import RemoteEndpoint

    probe = RemoteEndpoint(endpoint, timeout=10.0, engine=engine_name)  # asks the endpoint only for "auto"
    engine = probe.engine
    probe.close()
    auth, headers = credentials(scheme=engine.auth)
    with httpx.Client(timeout=timeout, trust_env=False, auth=auth, headers=headers) as client:
        return engine, load_files(endpoint, engine, files, client, progress)


def load_files(endpoint: str, engine: Engine, files: list[tuple[str, Path]], client: httpx.Client,
               progress=print, environ=None) -> LoadSummary:
    """Put each of ``files`` (name, path) into its graph of the engine behind the query endpoint
    ``endpoint``; ``progress`` is given one line per file. ``environ`` (default ``os.environ``)
    says whether Virtuoso's bulk loader is used."""
    store_url = engine.graph_store_url(endpoint)
    known = _loaded_hashes(endpoint, client)
    summary, started = LoadSummary(), time.monotonic()
    try:
        bulk = virtuoso_bulk.connect(engine.name, os.environ if environ is None else environ, progress)
    except virtuoso_bulk.BulkLoadError as error:
        raise RemoteLoadError(str(error)) from None
    try:
        for index, (name, path) in enumerate(files, start=1):
            iri = graph_name(name).value
            digest = checksum(path)
            if known.get(iri) == digest:
                summary.skipped.append(name)
                progress(f"[{index}/{len(files)}] {name}: unchanged, skipped")
                continue
            sent, how = time.monotonic(), ""
            refusal = bulk.refusal(path) if bulk is not None else None
            if bulk is not None and refusal is None:
                count, how = _bulk_load(bulk, path, iri, name), " (Virtuoso's bulk loader)"
            else:
                if refusal:
                    progress(f"[{index}/{len(files)}] {name}: {refusal}, so it is sent with the Graph Store protocol")
                _put_file(client, store_url, iri, path, name)
                count = _count(endpoint, client, iri)
            known[iri] = digest
            summary.loaded.append((name, count))
            progress(f"[{index}/{len(files)}] {name}: {count} triples in {time.monotonic() - sent:.2f} s{how}")
    finally:
        if bulk is not None:
            bulk.close()
    if summary.loaded:
        manifest = "".join(f"<{iri}> <{SHA256}> \"{digest}\" .\n" for iri, digest in sorted(known.items()))
        _put(client, store_url, LOADED_HASHES, manifest.encode(), "application/n-triples", "the list of loaded files")
    summary.seconds = time.monotonic() - started
    return summary


def _put_file(client: httpx.Client, store_url: str, iri: str, path: Path, name: str) -> None:
    body = path.read_bytes()  # read only here: the bulk loader reads the file itself
    media_type = _SENT_AS.get(path.suffix)
    if media_type is None:  # JSON-LD
        body = ox.serialize(ox.parse(body, format=RDF_FORMATS[path.suffix]), format=ox.RdfFormat.N_TRIPLES)
        media_type = "application/n-triples"
    _put(client, store_url, iri, body, media_type, name)


def _bulk_load(bulk: virtuoso_bulk.BulkLoader, path: Path, iri: str, name: str) -> int:
    try:
        return bulk.load(path, iri)
    except virtuoso_bulk.BulkLoadError as error:
        raise RemoteLoadError(f"{name}: {error}") from None


def _put(client: httpx.Client, store_url: str, iri: str, body: bytes, media_type: str, name: str) -> None:
    try:
        response = client.put(store_url, params={"graph": iri}, content=body, headers={"Content-Type": media_type})
    except httpx.HTTPError as error:
        raise RemoteLoadError(f"{name}: the engine's Graph Store ({store_url}) did not answer: {type(error).__name__}") from None
    if response.status_code not in (200, 201, 204):
        detail = response.text.strip()[:300]
        hint = " (check PEERSUPPORT_ENGINE_USER and PEERSUPPORT_ENGINE_PASSWORD)" if response.status_code in (401, 403) else ""
        raise RemoteLoadError(f"{name}: the engine refused it with status {response.status_code}{hint}"
                              + (f": {detail}" if detail else ""))


def _select(endpoint: str, client: httpx.Client, query: str) -> list[dict]:
    try:
        response = client.post(endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    except httpx.HTTPError as error:
        raise RemoteLoadError(f"the SPARQL endpoint {endpoint} did not answer: {type(error).__name__}") from None
    if response.status_code != 200:
        raise RemoteLoadError(f"the SPARQL endpoint {endpoint} answered with status {response.status_code}")
    return response.json()["results"]["bindings"]


def _loaded_hashes(endpoint: str, client: httpx.Client) -> dict[str, str]:
    rows = _select(endpoint, client, f"SELECT ?g ?h WHERE {{ GRAPH <{LOADED_HASHES}> {{ ?g <{SHA256}> ?h }} }}")
    return {row["g"]["value"]: row["h"]["value"] for row in rows}


def _count(endpoint: str, client: httpx.Client, iri: str) -> int:
    rows = _select(endpoint, client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"]["value"])
