"""The catalogue of named queries: ``.rq`` files in ``queries/`` whose header comments give a
title and a description (``# title: ...``, ``# description: ...``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str


def _read(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        header[key.strip()] = value.strip()
    return NamedQuery(path.stem, header.get("title", path.stem), header.get("description", ""), text)


@lru_cache(maxsize=1)
def catalogue() -> tuple[NamedQuery, ...]:
    return tuple(_read(path) for path in sorted(QUERY_DIR.glob("*.rq")))
