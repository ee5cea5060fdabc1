"""Where the shipped vocabulary and shapes files are.

In a wheel they are packed under ``peersupport/_data``; in a source checkout (editable install,
tests) they are the repository's top-level ``ontology/`` and ``shapes/`` folders.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parents[1]


def data_dir(name: str) -> Path:
    """The folder holding the shipped files of one kind (``ontology``, ``shapes`` or ``data``)."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _REPO_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name!r} files are not installed with this package")


def ontology_files() -> list[Path]:
    """The Turtle files that together make up the vocabulary, in a stable order."""
    return sorted(data_dir("ontology").glob("*.ttl"))


def context_file() -> Path:
    """The JSON-LD context for the vocabulary."""
    return data_dir("ontology") / "context.jsonld"
