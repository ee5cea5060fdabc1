"""A term's name for people: its label in the language asked for, else in English, else its
local name (a node outside the vocabulary with no label keeps its IRI)."""

from __future__ import annotations

import unicodedata

from rdflib import RDFS, Graph
from rdflib.namespace import SKOS

from peersupport.vocabulary.graph import is_term_iri, local_name


def label(graph: Graph, node, language: str = "en") -> str:
    texts = [*graph.objects(node, SKOS.prefLabel), *graph.objects(node, RDFS.label)]
    for wanted in dict.fromkeys((language, "en")):
        for text in texts:
            if getattr(text, "language", None) == wanted:
                return str(text)
    return local_name(node) if is_term_iri(node) else str(node)


def sort_key(text: str) -> str:
    """``text`` as it sorts for people: case and accents ignored (« étape » among the e)."""
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))
