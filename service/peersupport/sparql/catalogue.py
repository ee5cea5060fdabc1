"""The catalogue of named research questions: ``.rq`` files in ``queries/``.

Each file starts with header comments::

    # title: Organisations by community served
    # description: ...
    # param: community iri ps:BlackAndMinorityEthnic | the community served

A parameter has a name (the query's variable), a type (``iri``, ``string``, ``language``,
``integer``, ``boolean``) and a default. Values given by users are parsed and checked as their
type, turned into RDF terms, and bound to the variable by a ``VALUES`` block at the top of the
query's ``WHERE`` group, written from the terms' N-Triples form: the user's text is never pasted
into the query. The same binding works on the embedded store and on a remote endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from peersupport.errors import BadRequest
from peersupport.sparql.text import bind_values

QUERY_DIR = Path(__file__).resolve().parent / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"
# Prefixes a parameter value may use instead of a full IRI.
PREFIXES = {
    "ps": "https://w3id.org/peer-support/",
    "code": "https://w3id.org/peer-support/data/consultation-2012/code/",
    "def": "https://w3id.org/peer-support/data/consultation-2012/def/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)\s+(?P<default>\S+)\s*\|\s*(?P<description>.*)$")


class ParameterError(BadRequest, ValueError):
    """A parameter value that cannot be used; the message names the parameter."""


def _iri(text: str) -> ox.NamedNode:
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise ValueError(f"{text!r} is not an absolute IRI or a known prefixed name ({', '.join(PREFIXES)})")
    return ox.NamedNode(text)


def _language(text: str) -> ox.Literal:
    if not _LANGUAGE_TAG.match(text):
        raise ValueError(f"{text!r} is not a language tag (such as en or fr)")
    return ox.Literal(text.lower())


def _integer(text: str) -> ox.Literal:
    if not re.fullmatch(r"[+-]?\d{1,18}", text.strip()):
        raise ValueError(f"{text!r} is not an integer")
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))


def _boolean(text: str) -> ox.Literal:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(f"{text!r} is not true or false")
    return ox.Literal(lowered, datatype=ox.NamedNode(XSD + "boolean"))


PARSERS = {"iri": _iri, "string": ox.Literal, "language": _language, "integer": _integer, "boolean": _boolean}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str
    description: str

    def parse(self, text: str):
        try:
            return PARSERS[self.type](text)
        except ValueError as error:
            raise ParameterError(f"parameter {self.name!r} ({self.type}): {error}") from None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = ()

    def bind(self, given: dict[str, str]) -> str:
        """The query text with every parameter bound (given values, else defaults); raises
        ParameterError naming the first unknown parameter or invalid value."""
        known = {p.name: p for p in self.parameters}
        for name in given:
            if name not in known:
                expected = ", ".join(known) or "none"
                raise ParameterError(f"unknown parameter {name!r} for query {self.name!r} (its parameters: {expected})")
        terms = {p.name: str(p.parse(given.get(p.name, p.default))) for p in self.parameters}
        return bind_values(self.text, terms)

    def with_defaults(self) -> str:
        return self.bind({})


def _read(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header, parameters = {}, []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        key, value = key.strip(), value.strip()
        if key == "param":
            match = _PARAM.match(value)
            if not match or match["type"] not in PARSERS:
                raise ValueError(f"{path.name}: bad parameter line {value!r}")
            parameters.append(Parameter(match["name"], match["type"], match["default"], match["description"].strip()))
        else:
            header[key] = value
    query = NamedQuery(path.stem, header.get("title", path.stem), header.get("description", ""), text, tuple(parameters))
    for parameter in parameters:
        parameter.parse(parameter.default)  # a default that does not parse is a bug in the file
    return query


@lru_cache(maxsize=1)
def catalogue() -> tuple[NamedQuery, ...]:
    return tuple(_read(path) for path in sorted(QUERY_DIR.glob("*.rq")))


def find(name: str) -> NamedQuery | None:
    return next((q for q in catalogue() if q.name == name), None)
