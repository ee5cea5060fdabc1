"""Notes that reconcile terms with the sources, in English and French: the scope note of formal
peer support with a clear distinction quotes the sources it rests on (the quotes are checked
against the kept copies of the sources)."""

import re

import pytest
from rdflib import Literal
from rdflib.namespace import SKOS

from peersupport.vocabulary.graph import PS

from ..conftest import REPO, sources_missing

FILES = {"003": "003_79078f418b60f57d.txt", "004": "004_eb6b9cd873e104b3.txt"}

# (source, the source's exact words) quoted by the scope note, with the section the note names
CLEAR_DISTINCTION_QUOTES = [
    ("004", "Contexts of peer support (from the survey)"),
    ("004", "Formal, with a clear distinction between peer workers and those they support"),
    ("004", "Those who worked as paid peer supporters were more likely to be delivering peer support "
            "within formal structures, with a clear distinction between peer workers and those they support."),
    ("003", "Peer support always involves some expectation of (or aspiration to) reciprocal and mutual "
            "relationships, shared decision making and collaborative learning."),
    ("003", "‘peers’ who provide ‘support’ do not necessarily provide ‘peer support’"),
]
CLEAR_DISTINCTION_SECTIONS = ["004, section 1.3", "003, "]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def source_texts():
    folder = REPO.parent / "shared" / "sources"
    if not folder.is_dir():
        sources_missing()
    return {ident: _flat((folder / name).read_text(encoding="utf-8")) for ident, name in FILES.items()}


def _notes(graph, term, prop) -> dict[str, str]:
    """A term's notes by language; a language given twice fails (one note per language)."""
    notes: dict[str, str] = {}
    for note in graph.objects(term, prop):
        assert isinstance(note, Literal) and note.language not in notes, f"{term} has two {prop} in {note.language}"
        notes[note.language] = str(note)
    return notes


def test_the_clear_distinction_scope_note_is_in_english_and_french(ontology):
    assert set(_notes(ontology, PS.FormalPeerSupportWithClearDistinction, SKOS.scopeNote)) == {"en", "fr"}


@pytest.mark.parametrize("source, words", CLEAR_DISTINCTION_QUOTES, ids=[w[:30] for _, w in CLEAR_DISTINCTION_QUOTES])
def test_the_clear_distinction_scope_note_quotes_the_sources_exactly(ontology, source_texts, source, words):
    assert words in source_texts[source], f"{words!r} is not in source {source}"
    notes = _notes(ontology, PS.FormalPeerSupportWithClearDistinction, SKOS.scopeNote)
    for language in ("en", "fr"):
        assert words in notes[language], f"the {language} scope note does not quote {words!r}"
        for section in CLEAR_DISTINCTION_SECTIONS:
            assert section in notes[language]
