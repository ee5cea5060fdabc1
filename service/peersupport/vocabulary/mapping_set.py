"""The SSSOM mapping set (``ontology/mappings.sssom.tsv``) read for the documentation: each
mapping of a term to another vocabulary or standard, with its predicate, justification and the
curator's comment, by subject IRI. CURIEs are expanded with the set's own ``curie_map``.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from peersupport.resources import data_dir


def _curie_map(lines: list[str]) -> dict[str, str]:
    prefixes, inside = {}, False
    for line in lines:
        if line.startswith("# curie_map:"):
            inside = True
        elif inside and line.startswith("#   "):
            prefix, iri = line[4:].split(":", 1)
            prefixes[prefix.strip()] = iri.strip()
        else:
            inside = False
    return prefixes


@lru_cache(maxsize=4)
def mappings(path: Path | None = None) -> dict[URIRef, list[dict]]:
    """``{subject: [{"predicate", "predicate_id", "object", "object_id", "object_label",
    "justification", "comment"}]}``: the IRIs expanded, their CURIEs kept as ``…_id``, in the file's order."""
    lines = (path or data_dir("ontology") / "mappings.sssom.tsv").read_text(encoding="utf-8").splitlines()
    prefixes = _curie_map([line for line in lines if line.startswith("#")])

    def expand(curie: str) -> URIRef:
        prefix, _, rest = curie.partition(":")
        return URIRef(prefixes[prefix] + rest) if prefix in prefixes else URIRef(curie)

    found: dict[URIRef, list[dict]] = {}
    for row in csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t"):
        found.setdefault(expand(row["subject_id"]), []).append(
            {"predicate": expand(row["predicate_id"]), "predicate_id": row["predicate_id"], "object": expand(row["object_id"]),
             "object_id": row["object_id"], "object_label": row.get("object_label") or "",
             "justification": expand(row["mapping_justification"]), "comment": row.get("comment") or ""})
    return found
