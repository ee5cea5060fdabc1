"""Another engine's booleans written ``1``/``0`` (Virtuoso's only forms) are written in their
canonical form ``true``/``false``, as the embedded store writes them; nothing else changes. The
answer is read as the remote executor reads it (``pyoxigraph.parse_query_results``)."""

import json

import pyoxigraph as ox

from peersupport.sparql.execution import serialize_result

BOOLEAN, INTEGER = "http://www.w3.org/2001/XMLSchema#boolean", "http://www.w3.org/2001/XMLSchema#integer"
ANSWER = json.dumps({"head": {"vars": ["b", "i"]}, "results": {"bindings": [
    {"b": {"type": "literal", "value": "1", "datatype": BOOLEAN}, "i": {"type": "literal", "value": "1", "datatype": INTEGER}},
    {"b": {"type": "literal", "value": "0", "datatype": BOOLEAN}, "i": {"type": "literal", "value": "0", "datatype": INTEGER}},
    {"b": {"type": "literal", "value": "true", "datatype": BOOLEAN}, "i": {"type": "literal", "value": "2", "datatype": INTEGER}}]}})


def _reply(canonical: bool, accept: str) -> str:
    solutions = ox.parse_query_results(ANSWER.encode(), format=ox.QueryResultsFormat.JSON)
    return serialize_result(solutions, accept, 100, canonical=canonical).body.decode()


def test_an_engines_one_and_zero_booleans_are_written_true_and_false():
    assert _reply(True, "text/csv") == "b,i\r\ntrue,1\r\nfalse,0\r\ntrue,2\r\n"
    rows = json.loads(_reply(True, "application/sparql-results+json"))["results"]["bindings"]
    assert [(row["b"]["value"], row["b"]["datatype"]) for row in rows] == [("true", BOOLEAN), ("false", BOOLEAN), ("true", BOOLEAN)]


def test_without_canonical_the_lexical_forms_are_kept():
    assert _reply(False, "text/csv") == "b,i\r\n1,1\r\n0,0\r\ntrue,2\r\n"
