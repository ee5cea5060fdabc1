"""JSON-LD parsing that never fetches: the project's own context is resolved from the shipped
file, and any other remote ``@context`` is refused."""

from __future__ import annotations

import json
from functools import lru_cache

from rdflib import Graph

from peersupport.resources import context_file
from peersupport.vocabulary.graph import CONTEXT_IRI


class RemoteContextError(ValueError):
    """A JSON-LD document names a ``@context`` that would have to be fetched."""


@lru_cache(maxsize=1)
def _shipped_context() -> dict:
    return json.loads(context_file().read_text(encoding="utf-8"))["@context"]


def _resolve(node):
    if isinstance(node, list):
        return [_resolve(item) for item in node]
    if not isinstance(node, dict):
        return node
    resolved = {}
    for key, value in node.items():
        if key == "@context":
            resolved[key] = _resolve_context(value)
        else:
            resolved[key] = _resolve(value)
    return resolved


def _resolve_context(value):
    if isinstance(value, list):
        return [_resolve_context(item) for item in value]
    if isinstance(value, str):
        if value.rstrip("#") == CONTEXT_IRI:
            return _shipped_context()
        raise RemoteContextError(
            f"remote JSON-LD @context {value!r} refused: nothing is fetched; "
            f"use {CONTEXT_IRI} or put the context inline"
        )
    if isinstance(value, dict):
        if "@import" in value:
            raise RemoteContextError("JSON-LD @import of a remote context is refused: nothing is fetched")
        return {key: _resolve(item) for key, item in value.items()}
    return value


def parse_jsonld(text: str, base: str | None = None) -> Graph:
    """Parse a JSON-LD document into a graph, with contexts resolved locally."""
    document = _resolve(json.loads(text))
    graph = Graph()
    graph.parse(data=json.dumps(document), format="json-ld", base=base)
    return graph
