"""Notes that reconcile terms with the sources, in English and French: the scope note of formal
peer support with a clear distinction quotes the sources it rests on, and the editorial notes of
online (a setting) and virtual (a format) say they are one thing and which is preferred. The
quotes are checked against the kept copies of the sources."""

import re

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, SKOS

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


# per term: the other term it names, the words saying which is preferred (en, fr), the 004 words it quotes
ONLINE_VIRTUAL_NOTES = [
    (PS.Online, "ps:Virtual", ("Prefer ps:Virtual", "Préférer ps:Virtual"),
     ["One to one / group / virtual / mixture", "Appendix 1 – Online survey"]),
    (PS.Virtual, "ps:Online", ("The preferred term", "Le terme préféré"), ["One to one / group / virtual / mixture"]),
]


def test_online_and_virtual_are_both_kept_in_their_facets(ontology):
    assert (PS.Online, RDF.type, PS.Setting) in ontology and (PS.Online, SKOS.inScheme, PS.SettingScheme) in ontology
    assert (PS.Virtual, RDF.type, PS.Format) in ontology and (PS.Virtual, SKOS.inScheme, PS.FormatScheme) in ontology


def test_online_and_virtual_are_related_both_ways(ontology):
    assert set(ontology.objects(PS.Online, SKOS.related)) == {PS.Virtual}
    assert set(ontology.objects(PS.Virtual, SKOS.related)) == {PS.Online}


@pytest.mark.parametrize("term, other, preferred, quoted", ONLINE_VIRTUAL_NOTES, ids=["Online", "Virtual"])
def test_online_and_virtual_editorial_notes_say_virtual_is_preferred(ontology, source_texts, term, other, preferred, quoted):
    notes = _notes(ontology, term, SKOS.editorialNote)
    assert set(notes) == {"en", "fr"}
    for language, words, appendix in (("en", preferred[0], "004, Appendix 2"), ("fr", preferred[1], "004, annexe 2")):
        assert words in notes[language] and other in notes[language] and appendix in notes[language]
    for words in quoted:
        assert words in source_texts["004"], f"{words!r} is not in source 004"
        assert all(words in note for note in notes.values()), words
