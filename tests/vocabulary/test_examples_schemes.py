"""Examples per term of the schemes and the alignment module (issue 19): every term they define has
one skos:example in English and one in French. Where the sources give an instance, the English
example quotes it inside «…» and names the source it quotes right after (``(004, Table 4, Wish)``),
and the quote is checked against the kept copy of that source; the French example translates the
quote inside «…», names the same source and says it is a translation. Where the sources give none (the N.A.P.S., ImROC and IPS texts are
not kept, nor the legal and NHS sources), the example shows the term in use in data and names it
as data would (ps:LocalName), in both languages."""

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from peersupport.vocabulary.graph import local_name, terms

from ..conftest import REPO, sources_missing

FILES = ["schemes.ttl", "alignments.ttl"]
QUOTE = re.compile(r"«([^«»]+)»")
# the source an example names right after its quote: "» (004, Table 4, Wish)" or "» (002)", as in
# the core and findings examples (test_examples_core.py)
NAMED_SOURCE = re.compile(r"» \((\d{3})[,; )]")
# how many examples quote the sources, and how many show the term in data (schemes, alignments)
QUOTED = {"schemes.ttl": 99, "alignments.ttl": 0}
IN_DATA = {"schemes.ttl": 19, "alignments.ttl": 27}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def source_texts() -> dict[str, str]:
    """The kept sources by their three-digit number, whitespace flattened."""
    folder = REPO.parent / "shared" / "sources"
    if not folder.is_dir():
        sources_missing()
    return {path.name[:3]: _flat(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.txt"))}


def _examples(path: Path) -> dict:
    """Each term the file defines, with its examples by language; a language given twice fails."""
    graph = Graph().parse(path, format="turtle")
    found = {}
    for term in terms(graph):
        by_language: dict[str, str] = {}
        for example in graph.objects(term, SKOS.example):
            assert isinstance(example, Literal) and example.language not in by_language, f"{term}: two examples in {example.language}"
            by_language[example.language] = str(example)
        found[term] = by_language
    return found


def _misquoted(example: str, source_texts: dict[str, str]) -> list[str]:
    """The quotes of an English example that are not, word for word, in the source it names."""
    named = NAMED_SOURCE.search(example)
    text = source_texts.get(named.group(1), "") if named else ""
    return [words for words in QUOTE.findall(example) if _flat(words) not in text]


@pytest.mark.parametrize("name", FILES)
def test_every_term_has_one_example_in_english_and_one_in_french(name):
    examples = _examples(REPO / "ontology" / name)
    assert len(examples) == QUOTED[name] + IN_DATA[name]
    assert [term for term, by_language in examples.items() if set(by_language) != {"en", "fr"}] == []


@pytest.mark.parametrize("name", FILES)
def test_quoted_examples_quote_the_source_they_name_exactly(name, source_texts):
    quoted = {t: e for t, e in _examples(REPO / "ontology" / name).items() if "«" in e["en"]}
    assert len(quoted) == QUOTED[name]
    assert {str(term): _misquoted(e["en"], source_texts) for term, e in quoted.items()} == {str(term): [] for term in quoted}


@pytest.mark.parametrize("name", FILES)
def test_the_french_example_of_a_quote_translates_it_in_guillemets_from_the_same_source(name):
    for term, examples in _examples(REPO / "ontology" / name).items():
        if "«" in examples["en"]:
            quotes = len(QUOTE.findall(examples["en"]))
            assert examples["fr"].count("«") == examples["fr"].count("»") == quotes, term
            source = NAMED_SOURCE.search(examples["en"]).group(1)
            assert re.search(rf"» \({source}\b[^)]*; traduction\)", examples["fr"]), term


@pytest.mark.parametrize("name", FILES)
def test_the_sources_words_are_quoted_only_in_guillemets(name):
    """Words in “…” would escape the check of the quotes."""
    for term, examples in _examples(REPO / "ontology" / name).items():
        assert [text for text in examples.values() if "“" in text or "”" in text] == [], term


@pytest.mark.parametrize("name", FILES)
def test_examples_without_a_quote_show_the_term_in_data_in_both_languages(name):
    in_data = {t: e for t, e in _examples(REPO / "ontology" / name).items() if "«" not in e["en"]}
    assert len(in_data) == IN_DATA[name]
    for term, examples in in_data.items():
        assert "«" not in examples["fr"], term
        for language in ("en", "fr"):
            assert f"ps:{local_name(term)}" in examples[language], f"{term}: the {language} example does not name it"


def test_a_quote_the_source_does_not_hold_or_a_source_not_named_is_found(source_texts):
    right = "«Five of the nine projects have paid peer workers.» (004, section 1.4)"
    assert _misquoted(right, source_texts) == []
    assert _misquoted("«Five of the nine projects have paid peer workers.» (003, section 1.4)", source_texts) == [
        "Five of the nine projects have paid peer workers."]
    assert _misquoted("«Nine of the nine projects have paid peer workers.» (004, section 1.4)", source_texts) == [
        "Nine of the nine projects have paid peer workers."]
    assert _misquoted("«Five of the nine projects have paid peer workers.» (section 1.4)", source_texts) == [
        "Five of the nine projects have paid peer workers."]
