"""The shipped JSON-LD context covers every term, matches the vocabulary, and turns a sample
document into exactly the triples of its Turtle twin, without fetching anything."""

import json

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from peersupport.validation.jsonld import RemoteContextError, parse_jsonld
from peersupport.resources import context_file
from peersupport.vocabulary.graph import PS, build_context, local_name, terms

from ..conftest import REPO

SAMPLE = REPO / "data/examples/jsonld/peer-support-role"


def test_shipped_context_is_the_one_the_vocabulary_generates(ontology):
    shipped = json.loads(context_file().read_text(encoding="utf-8"))
    assert shipped == build_context(ontology), "run `make context` after changing the vocabulary"


def test_context_covers_every_term(ontology):
    context = build_context(ontology)["@context"]
    missing = [local_name(t) for t in terms(ontology) if local_name(t) not in context]
    assert missing == []


def test_context_types_properties_by_kind(ontology):
    context = build_context(ontology)["@context"]
    assert context["canDecline"] == {"@id": "ps:canDecline", "@type": "xsd:boolean"}
    assert context["participationMode"] == {"@id": "ps:participationMode", "@type": "@vocab"}
    assert context["postIn"] == {"@id": "http://www.w3.org/ns/org#postIn", "@type": "@id"}
    assert context["PeerSupport"] == "ps:PeerSupport"


def test_sample_document_gives_exactly_the_triples_of_its_turtle_twin():
    from_jsonld = parse_jsonld(SAMPLE.with_suffix(".jsonld").read_text(encoding="utf-8"))
    from_turtle = Graph().parse(SAMPLE.with_suffix(".ttl"), format="turtle")
    _, only_jsonld, only_turtle = graph_diff(to_isomorphic(from_jsonld), to_isomorphic(from_turtle))
    assert sorted(only_jsonld) == [] and sorted(only_turtle) == []
    assert isomorphic(from_jsonld, from_turtle)
    assert len(from_turtle) == 33


@pytest.mark.parametrize("context", [
    "https://example.org/evil-context.jsonld",
    ["https://w3id.org/peer-support/context.jsonld", "http://127.0.0.1:9/x.jsonld"],
    {"@import": "https://example.org/evil-context.jsonld"},
])
def test_remote_contexts_are_refused(context):
    document = json.dumps({"@context": context, "@id": "https://example.org/x", "label": "x"})
    with pytest.raises(RemoteContextError, match="refused"):
        parse_jsonld(document)


def test_nested_remote_context_is_refused():
    document = json.dumps({
        "@context": "https://w3id.org/peer-support/context.jsonld",
        "@id": "https://example.org/x",
        "postIn": {"@context": "https://example.org/evil.jsonld", "@id": "https://example.org/y"},
    })
    with pytest.raises(RemoteContextError, match="https://example.org/evil.jsonld"):
        parse_jsonld(document)


def test_short_names_of_controlled_values_expand_to_vocabulary_iris():
    graph = parse_jsonld(json.dumps({
        "@context": "https://w3id.org/peer-support/context.jsonld",
        "@id": "https://example.org/r", "participationMode": "Assigned",
    }))
    assert set(graph.objects()) == {PS.Assigned}
