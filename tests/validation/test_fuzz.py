"""Fuzzing (issue "Hardening"): zero 5xx and zero hangs.

* Schemathesis against the live service (started once for the module) and its OpenAPI document
  (checked equal to the live ``/openapi.json``): every operation, a bounded, derandomised
  number of examples each, every request with a client timeout (a hang fails).
  Only server errors and leaked stack traces or file paths count: schema-conformance of
  responses is not what this test is for.
* Hypothesis on the parsers: ``inputs.parse`` on arbitrary bytes and on hostile structures
  (deep nesting, huge literals, odd Unicode in IRIs) gives a graph or an ``InputError``, within
  a time bound; ``sparql_text`` raises nothing but its documented ``ValueError``;
  ``Parameter.parse`` raises nothing but ``ParameterError``.
* The hostile documents again, through ``POST /validate``: a graph the parser accepts must
  also give a report, not a 500.
* One slow hostile request (quadratic parsing on the event loop) must not stall ``/healthz``.

Everything is bounded and derandomised so CI runs the same examples every time.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from peersupport.sparql import text as sparql_text
from peersupport.web.app import Settings, create_app
from peersupport.validation.inputs import FORMATS, MAX_INPUT_BYTES, InputError, parse
from peersupport.sparql.catalogue import PARSERS, Parameter, ParameterError

from ..service_fixtures import Working, start_service, stop

REPO = Path(__file__).resolve().parents[2]
CLIENT_TIMEOUT = 15.0  # seconds per HTTP request: longer is a hang
PARSE_SECONDS = 10.0  # seconds per parse: longer is a hang
MEDIA_TYPES = {"turtle": "text/turtle", "nt": "application/n-triples", "xml": "application/rdf+xml",
               "json-ld": "application/ld+json", "csv": "text/csv"}
# What a leaked stack trace or server file path looks like in a response body.
LEAKS = (b"Traceback (most recent call last)", b'File "/', str(REPO).encode() + b"/", sys.prefix.encode() + b"/")

FUZZ = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


# ---------------------------------------------------------------- the live service

@pytest.fixture(scope="module")
def service(tmp_path_factory):
    base, process = start_service(tmp_path_factory.mktemp("fuzz-store"))
    yield base
    stop(process)


@pytest.fixture(scope="module")
def http_session():
    with requests.Session() as session:
        session.trust_env = False  # 127.0.0.1 only: never through a proxy from the environment
        yield session


def assert_no_leak(body: bytes, what: str) -> None:
    for leak in LEAKS:
        assert leak not in body, f"{what}: the response leaks {leak!r}:\n{body[:2000]!r}"


# The OpenAPI document is built from the app at import (no store, no lifespan: FastAPI makes it
# from the routes alone), so that pytest can collect one test per operation; the first test
# checks it is exactly what the live service serves. (schemathesis.pytest.from_fixture would
# load it from the live service, but schemathesis 4.32 sets ``Function._nodeid``, which pytest 9
# no longer has.)
OPENAPI = create_app(Settings(store=Path("unused"))).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)
# Bodies the service reads as text: sent as generated, so they are fuzzed rather than skipped.
schemathesis.serializer.alias(["application/sparql-query", "application/n-triples"], "text/plain")


def test_the_fuzzed_schema_is_the_live_one(service, http_session):
    live = http_session.get(service + "/openapi.json", timeout=CLIENT_TIMEOUT)
    assert live.status_code == 200
    assert live.json() == json.loads(json.dumps(OPENAPI))
    assert sum(len(operations) for operations in OPENAPI["paths"].values()) >= 12


@schema.parametrize()
@settings(max_examples=30, **FUZZ)
def test_no_server_error_and_no_hang(case, service, http_session):
    try:
        response = case.call(base_url=service, session=http_session, timeout=CLIENT_TIMEOUT)
    except requests.exceptions.Timeout:
        pytest.fail(f"no response within {CLIENT_TIMEOUT} s (hang):\n{case.as_curl_command(base_url=service)}")
    assert response.status_code < 500, (
        f"{response.status_code} for:\n{case.as_curl_command(base_url=service)}\n{response.content[:2000]!r}")
    assert_no_leak(response.content, case.as_curl_command(base_url=service))
    case.validate_response(response, checks=[not_a_server_error])


# ---------------------------------------------------------------- time bound for in-process parsing

class _TooSlow(BaseException):
    """Not an Exception, so no parser's ``except Exception`` can swallow it."""


@contextlib.contextmanager
def time_bound(seconds: float, what: str):
    def on_alarm(signum, frame):
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    except _TooSlow:
        raise AssertionError(f"{what}: did not finish within {seconds} s (hang)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - started  # code that held the GIL past the alarm
    assert elapsed < seconds, f"{what}: took {elapsed:.1f} s (limit {seconds} s)"


def graph_or_input_error(data: bytes, fmt: str, seconds: float = PARSE_SECONDS):
    """parse() must give a graph or raise InputError, in time; anything else is a bug."""
    what = f"parse({data[:300]!r}{'...' if len(data) > 300 else ''} [{len(data)} bytes], {fmt!r})"
    with time_bound(seconds, what):
        try:
            graph = parse(data, fmt)
        except InputError as error:
            assert str(error), what
            assert_no_leak(str(error).encode("utf-8", "backslashreplace"), what)
            return error
        except Exception as error:
            raise AssertionError(f"{what} raised {type(error).__module__}.{type(error).__name__}: {error}"[:3000]) from error
    assert graph is not None, what
    return graph


# ---------------------------------------------------------------- generators

P, S, O = "<http://ex.org/p>", "<http://ex.org/s>", "<http://ex.org/o>"
_TOKENS = {
    "turtle": ["@prefix", "@base", "PREFIX", "BASE", "ex:", ":", "<http://ex.org/", ">", "<", "[", "]", "(", ")", ";", ",", ".",
               '"', '"""', "'", "'''", "\\", "\\u", "\\U", "^^", "@en", "a", "_:b", "true", "1", "-1.5e3", "ex:p", " ", "\n",
               "#", P, S, O, "{", "}", "=>", "@forSome", "\x00", "\u202e", "\ufeff", "\U0010ffff"],
    "nt": [S, P, O, "_:b", '"', "\\", "\\u", "\\uD800", "\\U0010FFFF", "^^", "@en", ".", " ", "\n", "#", "<", ">", "\x00"],
    "xml": ['<?xml version="1.0"?>', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">',
            "</rdf:RDF>", "<rdf:Description", "</rdf:Description>", ' rdf:about="', ' rdf:nodeID="', ' rdf:resource="',
            ' rdf:parseType="Resource"', ' rdf:parseType="Collection"', ' rdf:parseType="Literal"', ' rdf:datatype="',
            ' xml:lang="', ' xml:base="', '"', ">", "/>", "<ex:p", "</ex:p>", "<rdf:li>", "&amp;", "&#x0;", "&#xD800;",
            "<![CDATA[", "]]>", "<!--", "-->", "http://ex.org/", "x", " ", "\n"],
    "csv": ["role_id", "organisation_id", "role_title", "part_of", "duties", "settings", "can_decline", "role_kind", ",", ";",
            '"', "\n", "\r", "\r\n", "\x00", "yes", "no", "r1", "o1", "paid peer worker", " ", "\ufeff"],
}
_JSONLD_KEYS = ["@context", "@id", "@type", "@value", "@language", "@list", "@set", "@graph", "@reverse", "@index", "@vocab",
                "@base", "@container", "@nest", "@included", "@json", "@direction", "@version", "@protected", "@import",
                "http://ex.org/p", "ex:p", "ex", "p", "role"]
_JSONLD_STRINGS = ["http://ex.org/", "http://ex.org/s", "ex:s", "_:b", "@id", "@vocab", "@list", "@json", "en", "rtl",
                   "https://w3id.org/peer-support/context.jsonld", "http://example.org/remote.jsonld", "", "\u202e", "\x00"]

jsonld_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.sampled_from(_JSONLD_STRINGS) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(_JSONLD_KEYS), children, max_size=4),
    max_leaves=25,
)


def any_text(max_size: int):
    """Any text, including what ``st.text()`` leaves out: lone surrogates and control characters."""
    odd = st.characters(categories=["Cs", "Cc", "Cf", "Zs", "Zl", "Lu", "Ll", "Nd", "Po", "Sm"])
    return st.text(max_size=max_size) | st.text(odd, max_size=max_size)


def documents(fmt: str):
    """Bytes for ``fmt``: arbitrary bytes, arbitrary text, and soups of the format's tokens."""
    if fmt == "json-ld":
        structured = jsonld_values.map(lambda value: json.dumps(value).encode())
    else:
        structured = st.lists(st.sampled_from(_TOKENS[fmt]) | any_text(5), max_size=60).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))
    return st.binary(max_size=500) | any_text(300).map(lambda t: t.encode("utf-8", "surrogatepass")) | structured


# ---------------------------------------------------------------- parsers on arbitrary input

@pytest.mark.parametrize("fmt", FORMATS)
def test_parse_gives_a_graph_or_an_input_error(fmt):
    @settings(max_examples=200, **FUZZ)
    @given(documents(fmt))
    def check(data):
        graph_or_input_error(data, fmt)

    check()


def test_parse_refuses_an_unknown_format_with_an_input_error():
    for fmt in ("", "trig", "n3", "html", "TURTLE"):
        assert isinstance(graph_or_input_error(b"<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> .", fmt), InputError)


# ---------------------------------------------------------------- parsers on hostile structures

def nested(fmt: str, depth: int) -> bytes:
    """One subject whose object nests ``depth`` levels deep."""
    if fmt == "turtle":
        return f"{S} {P} {f'[ {P} ' * depth}{O}{' ]' * depth} .".encode()
    if fmt == "nt":  # N-Triples cannot nest: a chain of depth blank nodes
        return "".join(f"_:b{i} {P} _:b{i + 1} .\n" for i in range(depth)).encode()
    if fmt == "xml":
        return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">'
                '<rdf:Description rdf:about="http://ex.org/s">' + '<ex:p rdf:parseType="Resource">' * depth
                + "</ex:p>" * depth + "</rdf:Description></rdf:RDF>").encode()
    if fmt == "json-ld":
        return ('{"@id": "http://ex.org/s", ' + '"http://ex.org/p": {' * depth + '"@id": "http://ex.org/o"' + "}" * depth + "}").encode()
    # CSV does not nest: depth columns of the same name
    return (",".join(["role_id"] + ["role_title"] * depth) + "\nr1" + ",x" * depth + "\n").encode()


def nested_lists(fmt: str, depth: int) -> bytes:
    if fmt == "turtle":
        return f"{S} {P} {'( ' * depth}{O}{' )' * depth} .".encode()
    if fmt == "json-ld":
        return ('{"@id": "http://ex.org/s", "http://ex.org/p": {"@list": ' + "[" * depth + '"x"' + "]" * depth + "}}").encode()
    if fmt == "xml":
        return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">'
                + '<rdf:Description><ex:p>' * depth + "</ex:p></rdf:Description>" * depth + "</rdf:RDF>").encode()
    if fmt == "nt":
        return (f"{S} {P} " + '"' * depth + " .\n").encode()
    return ("role_id\n" + '"' * depth + "\n").encode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_deep_nesting_gives_a_graph_or_an_input_error(fmt):
    @settings(max_examples=12, **FUZZ)
    @given(st.sampled_from([nested, nested_lists]), st.integers(min_value=1, max_value=4000))
    def check(make, depth):
        graph_or_input_error(make(fmt, depth), fmt)

    check()
    for depth in (900, 1000, 3000):  # around and well past Python's recursion limit, always
        graph_or_input_error(nested(fmt, depth), fmt)
        graph_or_input_error(nested_lists(fmt, depth), fmt)


def huge_literal(fmt: str, size: int, char: str = "a") -> bytes:
    value = char * size
    if fmt == "turtle":
        return f'{S} {P} """{value}""" .'.encode()
    if fmt == "nt":
        return f'{S} {P} "{value}" .\n'.encode()
    if fmt == "xml":
        return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">'
                f'<rdf:Description rdf:about="http://ex.org/s"><ex:p>{value}</ex:p></rdf:Description></rdf:RDF>').encode()
    if fmt == "json-ld":
        return json.dumps({"@id": "http://ex.org/s", "http://ex.org/p": value}).encode()
    return f"role_id,role_title\nr1,{value}\n".encode()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("size", [200_000, 2 * 1024 * 1024])
def test_huge_literals_give_a_graph_or_an_input_error(fmt, size):
    # Linear parsing takes well under a second for 2 MB; 5 s is a hang (or quadratic time).
    graph_or_input_error(huge_literal(fmt, size), fmt, seconds=5)


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_huge_literals_and_oversized_input(fmt):
    graph_or_input_error(huge_literal(fmt, 100_000, "\u202e"), fmt)
    assert isinstance(graph_or_input_error(huge_literal(fmt, MAX_INPUT_BYTES + 1), fmt), InputError)


ODD = ["\u202e", "\u202d", "\u200f", "\x00", "\x01", "\x7f", "\ufeff", "\u0085", "\u2028", "\ufffe", "\uffff", "\U0010ffff",
       "\U0001f600", " ", "\t", "\n", "<", ">", '"', "{", "\\", "%00", "%ED%A0%80"]
ESCAPED = ["\\u202E", "\\u0000", "\\uD800", "\\uDFFF", "\\U0010FFFF", "\\U00110000", "\\uD83D\\uDE00", "\\uDE00\\uD83D"]
RAW = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\x80", b"\xf4\x90\x80\x80", b"\xff", b"\xe2\x80", b"\xef\xbb\xbf"]


def with_odd_iri(fmt: str, odd: bytes, where: str) -> bytes:
    """A document whose subject IRI (or label, for ``where == "literal"``) carries ``odd``,
    spliced in as raw bytes so that invalid UTF-8 and escapes reach the parser as sent."""
    iri, literal = (b"http://ex.org/a" + odd + b"b", b"x") if where == "iri" else (b"http://ex.org/s", b"x" + odd)
    if fmt in ("turtle", "nt"):
        return b"<" + iri + b"> <http://ex.org/p> \"" + literal + b"\" .\n"
    if fmt == "xml":
        return (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">'
                b'<rdf:Description rdf:about="' + iri + b'"><ex:p>' + literal + b"</ex:p></rdf:Description></rdf:RDF>")
    if fmt == "json-ld":
        return b'{"@id": "' + iri + b'", "http://ex.org/p": "' + literal + b'"}'
    return b"role_id,role_title\nr" + odd + b"," + literal + b"\n"


odd_pieces = (st.sampled_from(ODD).map(lambda c: c.encode("utf-8")) | st.sampled_from(ESCAPED).map(str.encode)
              | st.sampled_from(RAW) | any_text(3).filter(bool).map(lambda t: t.encode("utf-8", "surrogatepass")))


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_unicode_in_iris_gives_a_graph_or_an_input_error(fmt):
    @settings(max_examples=60, **FUZZ)
    @given(st.lists(odd_pieces, min_size=1, max_size=3).map(b"".join), st.sampled_from(["iri", "literal"]))
    def check(odd, where):
        graph_or_input_error(with_odd_iri(fmt, odd, where), fmt)

    check()


def test_parsed_graphs_hold_only_encodable_text():
    """Whatever the parser accepts must be writable as UTF-8 again (every report is): a lone
    surrogate written as an escape (``\\uD800``) must be an InputError, not a term."""
    failures = []
    for fmt in ("turtle", "nt", "json-ld"):
        for escape in ("\\uD800", "\\uDFFF", "\\uDE00\\uD83D"):
            for where in ("iri", "literal"):
                data = with_odd_iri(fmt, escape.encode() if fmt != "json-ld" else escape.lower().encode(), where)
                result = graph_or_input_error(data, fmt)
                if isinstance(result, InputError):
                    continue
                for term in (t for triple in result for t in triple):
                    try:
                        str(term).encode("utf-8")
                    except UnicodeEncodeError:
                        failures.append(data.decode())
                        break
    assert not failures, "parse() accepted text that cannot be written as UTF-8:\n" + "\n".join(failures)


# ---------------------------------------------------------------- sparql_text and query parameters

_SPARQL_TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "where", "{", "}", "INSERT", "DELETE", "LOAD", "WITH",
                  "SERVICE", "service", "FROM", "NAMED", "PREFIX", "BASE", "ex:", "<http://ex.org/>", "<", ">", "?s", "$o",
                  "#", "\n", "\r", '"', '"""', "'", "'''", "\\", ".", " ", "VALUES", "(", ")", "*", "\x00", "\u202e"]
sparql_texts = any_text(300) | st.lists(st.sampled_from(_SPARQL_TOKENS) | any_text(4), max_size=50).map("".join)
bindings = st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True), st.text(max_size=20), max_size=3)


@settings(max_examples=200, **FUZZ)
@given(sparql_texts, bindings)
def test_sparql_text_raises_only_the_documented_value_error(text, binding):
    with time_bound(PARSE_SECONDS, f"sparql_text on {text[:300]!r}"):
        assert all(isinstance(word, str) and word == word.upper() for word in sparql_text.keywords(text))
        assert isinstance(sparql_text.is_update(text), bool)
        assert isinstance(sparql_text.uses_service(text), bool)
        assert isinstance(sparql_text.names_dataset(text), bool)
        try:
            bound = sparql_text.bind_values(text, binding)
        except ValueError as error:
            assert binding and "WHERE" in str(error)
        else:
            assert isinstance(bound, str) and (bound == text if not binding else len(bound) > len(text))


HOSTILE_SPARQL = {
    "unterminated-long-string": '"""' + "a" * 200_000,
    "quotes": "'" * 200_000,
    "comment": "#" + "SERVICE " * 30_000,
    "angle-brackets": "<" * 200_000,
    "variable": "?" + "a" * 200_000,
    "escaped-quotes-never-closed": '"\\' * 100_000,
    "escaped-single-quotes-never-closed": "'\\" * 100_000,
    "many-wheres": "WHERE " * 30_000,
}


@pytest.mark.parametrize("name", HOSTILE_SPARQL)
def test_sparql_text_is_linear_on_long_hostile_text(name):
    """The service reads every query's keywords before running it (and on the event loop): a
    200 000-character text must take milliseconds, not minutes."""
    text = HOSTILE_SPARQL[name]
    with time_bound(3, f"sparql_text on {text[:40]!r}... ({len(text)} chars)"):
        sparql_text.keywords(text), sparql_text.is_update(text), sparql_text.uses_service(text)
        try:
            sparql_text.bind_values(text, {"x": "<http://ex.org/x>"})
        except ValueError:
            pass


parameter_texts = (any_text(60)
                   | st.sampled_from(["ps:", "ps://x", "ps:a b", "http://ex.org/a b", "http://ex.org/\u202e", "a:", "urn:x", "x:\x00",
                                      "99999999999999999999", "+1", " 7 ", "١٢", "1_000", "TRUE", " false\n", "en\n", "en-", "x" * 9,
                                      "\ud800", "http://ex.org/\ud800", "ps:\udfff"]))


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_parameter_parse_raises_only_parameter_error(kind):
    parameter = Parameter("p", kind, "", "")

    @settings(max_examples=200, **FUZZ)
    @given(parameter_texts)
    def check(text):
        with time_bound(PARSE_SECONDS, f"Parameter({kind}).parse({text!r})"):
            try:
                term = parameter.parse(text)
            except ParameterError as error:
                assert "'p'" in str(error)
                return
            except Exception as error:
                raise AssertionError(f"Parameter({kind!r}).parse({text!r}) raised {type(error).__name__}: {error}") from error
        str(term).encode("utf-8")  # the term goes into a query as N-Triples: it must be writable

    check()


# ---------------------------------------------------------------- hostile documents through the validator

def hostile_documents():
    for fmt in FORMATS:
        yield f"{fmt}-nested-3000", fmt, nested(fmt, 3000)
        yield f"{fmt}-nested-lists-3000", fmt, nested_lists(fmt, 3000)
        yield f"{fmt}-huge-literal", fmt, huge_literal(fmt, 256 * 1024)
        for name, odd in (("rtl-override", "\u202e".encode()), ("nul", b"\x00"), ("surrogate-bytes", b"\xed\xa0\x80")):
            yield f"{fmt}-iri-{name}", fmt, with_odd_iri(fmt, odd, "iri")
    for fmt in ("turtle", "nt", "json-ld"):
        escape = b"\\ud800" if fmt == "json-ld" else b"\\uD800"
        yield f"{fmt}-iri-surrogate-escape", fmt, with_odd_iri(fmt, escape, "iri")
    # A role the report describes, its label carrying an escaped lone surrogate.
    role = (REPO / "data/examples/invalid/assigned-participation.ttl").read_text(encoding="utf-8")
    yield "turtle-report-label-surrogate-escape", "turtle", role.replace('"Peer support worker"', '"Peer \\uD800 worker"').encode()
    yield "csv-carriage-return-in-cell", "csv", b"role_id,role_title\r\nr1,a\rb\n"
    yield "csv-field-over-csv-limit", "csv", b"role_id,role_title\nr1," + b"a" * 200_000 + b"\n"


HOSTILE = list(hostile_documents())


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=CLIENT_TIMEOUT, trust_env=False) as c:
        yield c


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
@pytest.mark.parametrize("name, fmt, data", HOSTILE, ids=[name for name, _, _ in HOSTILE])
def test_validator_answers_hostile_documents_without_a_server_error(service, client, name, fmt, data, accept):
    try:
        response = client.post(service + "/validate", content=data, headers={"Content-Type": MEDIA_TYPES[fmt], "Accept": accept})
    except httpx.TimeoutException:
        pytest.fail(f"POST /validate ({fmt}, {name}): no response within {CLIENT_TIMEOUT} s (hang)")
    assert response.status_code < 500, f"POST /validate ({fmt}, {name}): {response.status_code}\n{response.content[:2000]!r}"
    assert_no_leak(response.content, f"POST /validate ({fmt}, {name})")


# ---------------------------------------------------------------- one request must not stall the others

STALLING = {
    # sparql_text reads a query's keywords on the event loop before anything runs
    "sparql-escaped-quotes-never-closed": ("/sparql", "application/sparql-query", ('"\\' * 8_000).encode()),
    # the validator parses on the event loop; rdflib's N-Triples reader is quadratic in a line's length
    "validate-nt-1MB-literal": ("/validate", "application/n-triples", huge_literal("nt", 1024 * 1024)),
}


@pytest.mark.parametrize("name", STALLING)
def test_one_hostile_request_does_not_stall_the_service(service, name):
    """While a hostile request is being answered, /healthz still answers within a second (a
    blocked event loop is a hang for every client), and the hostile request itself in 5 s."""
    path, media_type, body = STALLING[name]
    outcome = {}

    def send():
        started = time.monotonic()
        try:
            with httpx.Client(timeout=CLIENT_TIMEOUT * 2, trust_env=False) as c:
                outcome["status"] = c.post(service + path, content=body, headers={"Content-Type": media_type}).status_code
        except httpx.HTTPError as error:
            outcome["status"] = repr(error)
        outcome["seconds"] = time.monotonic() - started

    working = Working()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    working.until_spent(0.2, or_else=lambda: "seconds" in outcome)  # the server at work on the hostile request
    started = time.monotonic()
    try:
        health = httpx.get(service + "/healthz", timeout=CLIENT_TIMEOUT, trust_env=False)
    except httpx.TimeoutException:
        health = None
    finally:
        health_seconds = time.monotonic() - started
        sender.join(CLIENT_TIMEOUT * 2)  # let the service recover before the next test
    assert health is not None and health.status_code == 200, f"/healthz: no answer within {CLIENT_TIMEOUT} s"
    assert health_seconds < 1, f"POST {path} ({name}) stalled /healthz for {health_seconds:.1f} s"
    assert isinstance(outcome.get("status"), int) and outcome["status"] < 500, outcome
    assert outcome["seconds"] < 5, f"POST {path} ({name}) took {outcome['seconds']:.1f} s"
