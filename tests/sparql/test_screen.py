"""The screen in front of the text readers (``sparql.screen.may_contain``) never hides what the
reader would find: for every text below, a reader answers as it does unscreened, including
keywords in odd case, glued to a prefixed name, or written with characters whose upper case is
ASCII (``ı`` → ``I``, ``ſ`` → ``S``)."""

import pytest

from peersupport.errors import BadRequest, Refused
from peersupport.sparql.protocol import check_query, named_graphs
from peersupport.sparql.screen import may_contain
from peersupport.sparql.text import UPDATE_KEYWORDS, dataset_iris, is_update, names_dataset, uses_service, with_row_limit

TEXTS = [
    "ASK { ?s ?p ?o }",
    "select * { ?s ?p ?o }",
    "SeLeCt ?s { ?s ?p ?o } limit 5",
    "PREFIX ex: <http://example.org/> SELECT * FROM ex:g { ?s ?p ?o }",
    "select * from named <http://example.org/g> { graph ?g { ?s ?p ?o } }",
    "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { serviceex:g { ?s ?p ?o } }",
    "SELECT * { SERVıCE:x { ?s ?p ?o } }",
    "ſelect * { ?s ?p ?o }",
    "insert data { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "PREFIX ex: <http://example.org/> dElEtE WHERE { ?s ?p ?o }",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "ASK { <http://example.org/address> ?p 'from service insert' }",
    "# SERVICE FROM INSERT\nASK { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_screen_never_hides_a_keyword_a_reader_finds(text):
    if is_update(text):
        assert may_contain(text, *UPDATE_KEYWORDS)
    if uses_service(text):
        assert may_contain(text, "SERVICE")
    if dataset_iris(text) or names_dataset(text):
        assert may_contain(text, "FROM")
    if with_row_limit(text, 10) is not None:
        assert may_contain(text, "SELECT")


def test_a_text_without_the_word_is_screened_out():
    assert may_contain("ASK { ?s ?p ?o }", "SERVICE", "FROM") is False
    assert may_contain("ASK { <http://example.org/from> ?p ?o }", "FROM") is True  # may: the reader decides


@pytest.mark.parametrize("text, error", [
    ("SELECT * { SERVıCE:x { ?s ?p ?o } }", "SERVICE is refused"),
    ("PREFIX ex: <http://example.org/> dElEtE WHERE { ?s ?p ?o }", "SPARQL Update is refused"),
])
def test_the_checks_refuse_as_before(text, error):
    with pytest.raises((BadRequest, Refused), match=error):
        check_query(text)


def test_the_dataset_is_read_as_before():
    assert named_graphs("PREFIX ex: <http://example.org/> SELECT * FROM ex:g FROM NAMED <http://example.org/h> { ?s ?p ?o }",
                        {"named-graph-uri": ["http://example.org/i"]}) == \
        ["http://example.org/g", "http://example.org/h", "http://example.org/i"]
    assert named_graphs("ASK { <http://example.org/from> ?p ?o }", {}) == []
