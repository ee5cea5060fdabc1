"""Notes that reconcile terms with the sources, in English and French: the scope note of formal
peer support with a clear distinction quotes the sources it rests on, and the editorial notes of
online (a setting) and virtual (a format) say they are one thing and which is preferred; every
shape described in English is described in French, with the sources' words still quoted in English,
and the French shapes' page shows the French descriptions. The quotes are checked against the kept
copies of the sources."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from peersupport.settings import Settings
from peersupport.vocabulary.sources import SHAPES_NAMESPACE
from peersupport.web.app import create_app

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


def _folder() -> Path:
    folder = REPO.parent / "shared" / "sources"
    if not folder.is_dir():
        sources_missing()
    return folder


@pytest.fixture(scope="module")
def source_texts():
    return {ident: _flat((_folder() / name).read_text(encoding="utf-8")) for ident, name in FILES.items()}


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


def test_no_bundled_organisation_says_online_and_virtual_both():
    """One description, one facet: the bundled data uses ps:Virtual (the preferred term) and
    never ps:Online beside it."""
    from peersupport.resources import data_dir

    data = Graph()
    for path in data_dir("data").rglob("*.ttl"):
        data.parse(path, format="turtle")
    both = [s for s in data.subjects(PS["format"], PS.Virtual) if (s, PS.setting, PS.Online) in data]
    assert both == []
    assert len(set(data.subjects(PS["format"], PS.Virtual))) == 1


@pytest.mark.parametrize("term, other, preferred, quoted", ONLINE_VIRTUAL_NOTES, ids=["Online", "Virtual"])
def test_online_and_virtual_editorial_notes_say_virtual_is_preferred(ontology, source_texts, term, other, preferred, quoted):
    notes = _notes(ontology, term, SKOS.editorialNote)
    assert set(notes) == {"en", "fr"}
    for language, words, appendix in (("en", preferred[0], "004, Appendix 2"), ("fr", preferred[1], "004, annexe 2")):
        assert words in notes[language] and other in notes[language] and appendix in notes[language]
    for words in quoted:
        assert words in source_texts["004"], f"{words!r} is not in source 004"
        assert all(words in note for note in notes.values()), words


# Words the English descriptions put in quotes that are the vocabulary's values, not the sources' words
VALUE_WORDS = {"freely chosen", "cannot be declined"}
QUOTED = re.compile(r"(?:(?<=\s)|(?<=\())'(.+?)'(?=[\s,.;:)]|$)")


def _unquoted(text: str) -> str:
    """Text without quotation marks: the descriptions quote with ' where the sources use ‘ ’ “ ”."""
    return re.sub(r"['‘’“”]", "", _flat(text))


@pytest.fixture(scope="module")
def shapes():
    graph = Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _described(graph) -> dict:
    """Each shape, and the shapes' module, with its descriptions by language."""
    nodes = {s for kind in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, kind)}
    described = {node: _notes(graph, node, SH.description) for node in nodes}
    described[URIRef(SHAPES_NAMESPACE)] = _notes(graph, URIRef(SHAPES_NAMESPACE), DCTERMS.description)
    return described


def test_every_shape_described_in_english_is_described_in_french(shapes):
    described = _described(shapes)
    assert len(described) == 47 and all("en" in notes for notes in described.values())
    assert [node for node, notes in described.items() if set(notes) != {"en", "fr"}] == []


def test_the_sources_words_the_descriptions_quote_are_the_sources_and_stay_in_english_in_french(shapes):
    sources = " ".join(_unquoted(path.read_text(encoding="utf-8")) for path in sorted(_folder().glob("*.txt")))
    quoted = 0
    for node, notes in _described(shapes).items():
        for words in QUOTED.findall(notes["en"]):
            if words in VALUE_WORDS:
                continue
            quoted += 1
            assert _unquoted(words).casefold() in sources.casefold(), f"{node}: {words!r} is not in the sources"
            assert words in notes["fr"], f"{node}: the French description does not quote {words!r}"
    assert quoted == 10


def test_the_french_shapes_page_shows_the_french_descriptions():
    client = TestClient(create_app(Settings(store=Path("unused"))), raise_server_exceptions=False)
    served = Graph().parse(data=client.get("/peer-support/shapes/shapes.ttl").text, format="turtle")
    pages = {lang: client.get(f"/peer-support/shapes/shapes.html?lang={lang}").text for lang in ("en", "fr")}
    for notes in _described(served).values():
        for lang, other in (("en", "fr"), ("fr", "en")):
            assert str(escape(notes[lang])) in pages[lang]
            assert str(escape(notes[other])) not in pages[lang]


def test_every_comment_in_the_shapes_module_is_in_english_and_french(shapes):
    """The shapes page shows the annotation properties' and the SPARQL target's comments too."""
    from rdflib import RDFS

    commented = set(shapes.subjects(RDFS.comment, None))
    assert len(commented) == 4
    for subject in commented:
        assert sorted(o.language for o in shapes.objects(subject, RDFS.comment)) == ["en", "fr"], subject
