"""Reading a SPARQL request's text without running it: the shared tokenizer, and the checks the
endpoint makes before a query runs (SERVICE, updates, the dataset it names)."""

import pytest

from peersupport.sparql.text import dataset_iris, is_update, keywords, names_dataset, uses_service
from peersupport.sparql.tokens import tokens


def test_tokens_leave_out_comments_and_white_space_and_keep_offsets():
    text = 'SELECT ?s # SERVICE\nWHERE { ?s ex:p "a # b" , <http://e/#x> }'
    found = [(t.kind, t.text) for t in tokens(text)]
    assert found == [("word", "SELECT"), ("variable", "?s"), ("word", "WHERE"), ("other", "{"), ("variable", "?s"),
                     ("prefixed", "ex:p"), ("string", '"a # b"'), ("other", ","), ("iri", "<http://e/#x>"), ("other", "}")]
    assert all(text[t.start:t.end] == t.text for t in tokens(text))


def test_keywords_in_strings_iris_and_comments_do_not_count():
    text = 'SELECT * WHERE { ?s ?p "SERVICE FROM" . ?s ?q <http://e/SERVICE> } # INSERT SERVICE'
    assert keywords(text) == ["SELECT", "WHERE"]
    assert not uses_service(text) and not is_update(text) and not names_dataset(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }",
    "select * where { service silent <http://e/> { ?s ?p ?o } }",
    "PREFIX x: <http://e/> SELECT * WHERE { SERVICEx:y { ?s ?p ?o } }",  # Oxigraph reads SERVICE x:y
    "PREFIX : <http://e/> SELECT * WHERE { SERVICE:y { ?s ?p ?o } }",
])
def test_service_is_seen_even_glued_to_its_iri(text):
    assert uses_service(text)


def test_update_and_dataset():
    assert is_update("PREFIX a: <http://a/> BASE <http://b/> INSERT DATA { <a> <b> <c> }")
    assert not is_update("SELECT * WHERE { ?s ?p ?o }")
    text = "PREFIX c: <http://c/> SELECT * FROM <http://a/g> FROM NAMED c:g WHERE { ?s ?p ?o }"
    assert names_dataset(text) and dataset_iris(text) == ["http://a/g", "http://c/g"]
