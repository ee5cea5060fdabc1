"""Examples of every file of the vocabulary (the core, the findings, the schemes and the alignment
module): every term has one skos:example in English and one in French. Where the sources give an instance of the
term, the English example quotes it in «…» and names the source it comes from (``(004, section
3.1)``), and the quoted words are checked against the kept copy of that source; the French example
quotes a translation in «…», names the same source and says it is a translation. Where the sources
give no instance (properties, controlled values), the example is a use in data that names the
term as data would (``ps:canDecline true``), in both languages."""

import re

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from peersupport.vocabulary.graph import local_name, terms

from ..conftest import REPO, sources_missing

# file -> (number of terms, number of them whose example quotes a source)
FILES = {"peer-support.ttl": (62, 29), "findings.ttl": (62, 55), "schemes.ttl": (118, 99),
         "alignments.ttl": (27, 0)}  # the N.A.P.S., ImROC and IPS texts are not kept: uses in data only
QUOTE = re.compile(r"«([^«»]+)»")
# the source an example quotes: "» (004, …)" or "» (002)" right after its last quotation
NAMED_SOURCE = re.compile(r"» \((\d{3})[,; )]")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def source_texts() -> dict[str, str]:
    """The kept sources by their three-digit id, whitespace made single spaces."""
    folder = REPO.parent / "shared" / "sources"
    if not folder.is_dir():
        sources_missing()
    return {path.name[:3]: _flat(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.txt"))}


@pytest.fixture(scope="module", params=sorted(FILES))
def module(request):
    """One ontology file as its own graph, with its name."""
    return request.param, Graph().parse(REPO / "ontology" / request.param, format="turtle")


def _examples(graph: Graph, term) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for example in graph.objects(term, SKOS.example):
        assert isinstance(example, Literal), f"{term}: an example is not a literal"
        found.setdefault(example.language, []).append(str(example))
    return found


def test_every_term_has_one_example_in_english_and_one_in_french(module):
    name, graph = module
    defined = terms(graph)
    assert len(defined) == FILES[name][0]
    wrong = {local_name(t): sorted((lang, len(texts)) for lang, texts in _examples(graph, t).items())
             for t in defined if {lang: len(texts) for lang, texts in _examples(graph, t).items()} != {"en": 1, "fr": 1}}
    assert wrong == {}


def test_quoted_words_are_the_words_of_the_source_the_example_names(module, source_texts):
    name, graph = module
    quoted = 0
    for term in terms(graph):
        english = _examples(graph, term)["en"][0]
        quotes = QUOTE.findall(english)
        if not quotes:
            continue
        quoted += 1
        named = NAMED_SOURCE.search(english)
        assert named, f"{local_name(term)}: the example quotes but names no source: {english!r}"
        for words in quotes:
            assert _flat(words) in source_texts[named.group(1)], \
                f"{local_name(term)}: {words!r} is not in source {named.group(1)}"
    assert quoted == FILES[name][1]


def test_the_french_of_a_quoted_example_quotes_a_translation_from_the_same_source(module):
    name, graph = module
    for term in terms(graph):
        examples = _examples(graph, term)
        english, french = examples["en"][0], examples["fr"][0]
        if not QUOTE.search(english):
            continue
        assert QUOTE.search(french), f"{local_name(term)}: the French example has no «…»: {french!r}"
        source = NAMED_SOURCE.search(english).group(1)
        assert re.search(rf"» \({source}\b[^)]*; traduction\)", french), \
            f"{local_name(term)}: the French example does not name source {source} as translated: {french!r}"


def test_an_example_without_a_quotation_names_the_term_as_data_would(module):
    """A use in data writes the term by its prefixed name, in both languages; the sources' words
    are quoted only in «…» (never in “…”), so that no quotation escapes the check."""
    name, graph = module
    for term in terms(graph):
        examples = _examples(graph, term)
        for language in ("en", "fr"):
            text = examples[language][0]
            assert "“" not in text and "”" not in text, f"{local_name(term)}: quote the sources in «…»: {text!r}"
            if not QUOTE.search(examples["en"][0]):
                assert re.search(rf"\bps:{local_name(term)}\b", text), \
                    f"{local_name(term)}: the {language} example neither quotes a source nor names the term: {text!r}"


def test_every_file_of_the_vocabulary_is_checked():
    assert sorted(FILES) == sorted(path.name for path in (REPO / "ontology").glob("*.ttl"))
