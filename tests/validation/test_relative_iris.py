"""Relative IRIs in uploads (issue 17): resolved against the document's own base, refused with
the place named where there is none, never resolved against the service's working directory
(which also sent validation to the slow pySHACL fallback)."""

import time

import pytest

from peersupport.errors import InputError
from peersupport.validation.inputs import parse
from peersupport.validation.validate import validate_graph

PS = "https://w3id.org/peer-support/"
RDF_XML = '''<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ps="https://w3id.org/peer-support/"{base}>
{roles}
</rdf:RDF>
'''
ROLE = '<rdf:Description rdf:about="{about}"><ps:title>Peer worker {n}</ps:title></rdf:Description>'


def _xml(count: int, relative_at: int | None = None, base: str = "") -> str:
    roles = [ROLE.format(about=(f"role{n}" if n == relative_at else f"https://example.org/role{n}"), n=n) for n in range(count)]
    return RDF_XML.format(base=base, roles="\n".join(roles))


@pytest.mark.parametrize("fmt, text, where", [
    ("xml", _xml(3, relative_at=1), (4, 28)),
    ("turtle", "@prefix ps: <https://w3id.org/peer-support/> .\n<role1> ps:title \"x\" .\n", (2, 1)),
    ("json-ld", '{"@id": "role1", "https://w3id.org/peer-support/title": "x"}', (1, 9)),
])
def test_a_relative_iri_with_no_base_is_refused_naming_it_and_where(fmt, text, where):
    with pytest.raises(InputError) as raised:
        parse(text, fmt)
    assert str(raised.value) == (f"line {where[0]}, column {where[1]}: relative IRI 'role1': "
                                 "the data gives no base address to resolve it against")
    assert "xml:base" in raised.value.hint and raised.value.status == 400


@pytest.mark.parametrize("fmt, text", [
    ("xml", _xml(2, relative_at=1, base=' xml:base="https://example.org/"')),
    ("turtle", "@base <https://example.org/> .\n<role1> <https://w3id.org/peer-support/title> \"x\" .\n"),
    ("json-ld", '{"@context": {"@base": "https://example.org/"}, "@id": "role1", "https://w3id.org/peer-support/title": "x"}'),
])
def test_a_relative_iri_is_resolved_against_the_documents_own_base(fmt, text):
    subjects = {str(s) for s in parse(text, fmt).subjects()}
    assert "https://example.org/role1" in subjects and not any(s.startswith("file:") for s in subjects)


def test_a_large_upload_with_one_relative_iri_is_refused_at_once_not_validated_slowly():
    text = _xml(10_000, relative_at=5_000)
    started = time.perf_counter()
    with pytest.raises(InputError, match="relative IRI 'role5000'"):
        parse(text, "xml")
    refused_in = time.perf_counter() - started
    # The same data written with its base is checked by the fast engine, not the pySHACL fallback.
    report = validate_graph(parse(_xml(10_000, relative_at=5_000, base=' xml:base="https://example.org/"'), "xml"))
    assert report.engine == "set-at-a-time", report.engine_note
    assert refused_in < 5
