"""The catalogue's answers from real engines equal the embedded store's, for every query and
parameter case: Oxigraph server and Virtuoso, each loaded with the bundled graphs by the Graph
Store loader, asked through the remote executor with the engine's profile told from its answers.

Virtuoso 7.2 differs on the two queries that compute booleans, and these differences are
asserted exactly, so that a Virtuoso that stops differing is seen: a computed boolean comes back
as the integer 1 or 0 (``formats-of-projects``), and an expression combining ``EXISTS`` with
``||`` or ``&&`` is refused with an internal error, SQ074 (``claims-lacking-marks``)."""

import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from peersupport.errors import UpstreamFailure
from peersupport.sparql.catalogue import catalogue
from peersupport.sparql.execution import run_query
from peersupport.sparql.jobs import QueryJob
from peersupport.sparql.remote import RemoteEndpoint
from peersupport.store.loading import prepare_store, project_files


PREFIXED = re.compile(r"\b(?:ps|code|def):[A-Za-z][\w-]*")
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
VIRTUOSO_DIFFERS = {"formats-of-projects", "claims-lacking-marks"}


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


@pytest.mark.parametrize("name, given", [c for c in CASES if c[0] not in VIRTUOSO_DIFFERS],
                         ids=[i for i, c in zip(IDS, CASES) if c[0] not in VIRTUOSO_DIFFERS])
def test_virtuoso_answers_as_embedded(virtuoso, name, given):
    expected, answered = _answers(virtuoso, name, given)
    assert answered == expected


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_virtuoso_answers_computed_booleans_as_integers(virtuoso, lang):
    expected, answered = _answers(virtuoso, "formats-of-projects", {"lang": lang})
    as_integers = re.sub(r",(true|false),(true|false),", lambda m: f",{int(m[1] == 'true')},{int(m[2] == 'true')},", expected)
    assert as_integers != expected and answered == as_integers


def test_virtuoso_refuses_exists_in_a_boolean_expression(virtuoso):
    with pytest.raises(UpstreamFailure, match=r"^the SPARQL endpoint behind this service failed \(it answered with status 500\)$"):
        _answers(virtuoso, "claims-lacking-marks", {})
