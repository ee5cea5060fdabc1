"""The catalogue's answers from real engines equal the embedded store's, for every query and
parameter case: Oxigraph server and Virtuoso, each loaded with the bundled graphs by the Graph
Store loader, asked through the remote executor with the engine's profile told from its answers.

The two queries that compute booleans are written for Virtuoso 7.2 too: it writes every boolean as
1 or 0 (the casts to xsd:boolean keep the type, and the service writes them true or false), and
refuses ``EXISTS`` inside ``||`` or ``&&`` with an internal error, SQ074 (each ``EXISTS`` is bound
alone, then combined)."""

import json
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from peersupport.sparql.catalogue import catalogue
from peersupport.sparql.execution import run_query
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.remote import RemoteEndpoint
from peersupport.store.loading import prepare_store, project_files


PREFIXED = re.compile(r"\b(?:ps|code|def):[A-Za-z][\w-]*")
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
SCHEME = re.compile(r"a concept of (ps:\w+Scheme)")


def _cases(store: ox.Store) -> list[tuple[str, dict]]:
    """(query, parameters): each query with its defaults, then each parameter in turn set to every
    other value its description names (a concept scheme: each of its concepts), ``fr`` for a
    language, 50 for an integer."""
    cases = []
    for query in catalogue():
        cases.append((query.name, {}))
        for parameter in query.parameters:
            if parameter.type == "iri" and (scheme := SCHEME.search(parameter.description)):
                iri = "https://w3id.org/peer-support/" + scheme[1].partition(":")[2]
                found = store.query(f"SELECT ?c WHERE {{ GRAPH ?g {{ ?c <http://www.w3.org/2004/02/skos/core#inScheme> <{iri}> }} }} ORDER BY ?c")
                others = [row["c"].value for row in found]
            elif parameter.type == "iri":
                others = [name for name in dict.fromkeys(PREFIXED.findall(parameter.description))]
            else:
                others = {"language": ["fr"], "integer": ["50"]}.get(parameter.type, [])
            default = str(parameter.parse(parameter.default))
            cases += [(query.name, {parameter.name: value}) for value in others if str(parameter.parse(value)) != default]
    return cases


def _embedded_store() -> ox.Store:
    folder = Path(tempfile.mkdtemp(prefix="peersupport-cases-"))
    return ox.Store.read_only(str(prepare_store(folder, project_files())))


EMBEDDED = _embedded_store()
CASES = _cases(EMBEDDED)
IDS = [f"{n}-{'-'.join(g.values()) or 'defaults'}" for n, g in CASES]


def _csv(reply) -> str:
    return reply.body.decode().replace("\r\n", "\n")


def _answers(endpoint: str, name: str, given: dict) -> tuple[str, str]:
    """(embedded store's CSV, the engine's CSV) for one case."""
    text = next(q for q in catalogue() if q.name == name).bind(given)
    expected = _csv(run_query(EMBEDDED, QueryJob(text, accept="text/csv"), max_rows=100_000))
    remote = RemoteEndpoint(endpoint, timeout=30, max_rows=100_000, auth=None, headers={})
    try:
        return expected, _csv(remote.execute(QueryJob(text, accept="text/csv")))
    finally:
        remote.close()


def test_the_cases_cover_every_query_and_parameter():
    assert {name for name, _ in CASES} == {q.name for q in catalogue()}
    assert len(CASES) == 48


@pytest.mark.parametrize("name, given", CASES, ids=IDS)
def test_oxigraph_server_answers_as_embedded(oxigraph_server, name, given):
    expected, answered = _answers(oxigraph_server, name, given)
    assert answered == expected


@pytest.mark.parametrize("name, given", CASES, ids=IDS)
def test_virtuoso_answers_as_embedded(virtuoso, name, given):
    expected, answered = _answers(virtuoso, name, given)
    assert answered == expected


@pytest.mark.parametrize("name", ["formats-of-projects", "claims-lacking-marks"])
def test_the_computed_booleans_are_answered_as_booleans(virtuoso, name):
    """The cases above compare CSV, which has no types: the JSON says xsd:boolean and true/false."""
    text = next(q for q in catalogue() if q.name == name).bind({})
    remote = RemoteEndpoint(virtuoso, timeout=30, max_rows=100_000, auth=None, headers={})
    try:
        rows = json.loads(remote.execute(QueryJob(text, accept="application/sparql-results+json")).body)["results"]["bindings"]
    finally:
        remote.close()
    names = ["oneToOne", "inGroups"] if name == "formats-of-projects" else ["reciprocal", "voluntary"]
    found = {(row[n]["value"], row[n]["datatype"]) for row in rows for n in names}
    assert found == {("true", XSD_BOOLEAN), ("false", XSD_BOOLEAN)}
