"""Every RDF file in the repository parses, and the vocabulary documents every term."""

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from peersupport.validation.jsonld import parse_jsonld
from peersupport.vocabulary.pitfalls import (
    comments_disagree,
    missing_annotations,
    missing_french_labels,
    missing_header_metadata,
    unknown_sources,
)
from peersupport.vocabulary.graph import ONTOLOGY_IRI, PS, terms

from ..conftest import REPO, sources_missing

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".jsonld": "json-ld"}
RDF_FILES = sorted(
    path
    for folder in ("ontology", "shapes", "data")
    for path in (REPO / folder).rglob("*")
    if path.suffix in RDF_SUFFIXES and path.name != "context.jsonld"
)


def test_there_are_rdf_files_to_check():
    names = {path.relative_to(REPO).as_posix() for path in RDF_FILES}
    assert {"ontology/peer-support.ttl", "ontology/schemes.ttl"} <= names


@pytest.mark.parametrize("path", RDF_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_rdf_file_parses(path: Path):
    if path.suffix == ".jsonld":
        graph = parse_jsonld(path.read_text(encoding="utf-8"))
    else:
        graph = Graph().parse(path, format=RDF_SUFFIXES[path.suffix])
    assert len(graph) > 0


def test_every_term_has_label_definition_isdefinedby_and_source(ontology):
    assert missing_annotations(ontology) == []


def test_practice_and_value_schemes_are_labelled_in_french(ontology):
    assert missing_french_labels(ontology) == []


def test_every_source_cited_is_described(ontology):
    assert unknown_sources(ontology) == []


def test_every_source_file_cited_exists_in_shared_sources(ontology):
    cited = {
        str(resource).rsplit("/", 1)[-1]
        for resource in ontology.subjects(RDF.type, DCTERMS.BibliographicResource)
        if str(resource).endswith(".txt")
    }
    shipped = {path.name for path in (REPO.parent / "shared" / "sources").glob("*.txt")}
    if not shipped:
        sources_missing()
    assert cited == shipped


def test_the_checks_report_a_term_with_nothing(ontology):
    broken = ontology + Graph()
    broken.add((PS.Undocumented, RDF.type, OWL.Class))
    broken.add((PS.Undocumented, SKOS.inScheme, PS.ValueScheme))
    broken.add((PS.Undocumented, DCTERMS.source, URIRef("https://example.org/elsewhere#x")))
    assert missing_annotations(broken) == [
        "ps:Undocumented lacks rdfs:label@en, rdfs:label@fr, definition, skos:definition@fr, rdfs:isDefinedBy"
    ]
    assert missing_french_labels(broken) == ["ps:Undocumented lacks rdfs:label@fr"]
    assert unknown_sources(broken) == ["ps:Undocumented cites undescribed source https://example.org/elsewhere#x"]
    broken.add((PS.Undocumented, RDFS.isDefinedBy, URIRef("https://example.org/not-an-ontology")))
    assert missing_annotations(broken) == [
        "ps:Undocumented lacks rdfs:label@en, rdfs:label@fr, definition, skos:definition@fr, "
        "rdfs:isDefinedBy naming an ontology of the vocabulary"
    ]


def test_ontology_header(ontology):
    header = {p: set(ontology.objects(ONTOLOGY_IRI, p)) for p in set(ontology.predicates(ONTOLOGY_IRI))}
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert header[DCTERMS.license] == {URIRef("https://creativecommons.org/licenses/by/4.0/")}
    assert header[OWL.versionIRI] == {URIRef("https://w3id.org/peer-support/version/0.1.0")}
    assert header[OWL.versionInfo] == {Literal("0.1.0")}
    assert header[URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")] == {Literal("peersup")}
    assert header[URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")] == {Literal("https://w3id.org/peer-support/")}
    for required in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.created, DCTERMS.modified, DCTERMS.bibliographicCitation):
        assert header.get(required), f"ontology header lacks {required}"
    assert ONTOLOGY_IRI not in header[OWL.versionIRI]
    project = URIRef("https://w3id.org/peer-support/#project")
    assert header[DCTERMS.creator] == header[DCTERMS.publisher] == {project}
    assert header[DCTERMS.contributor] == {URIRef("https://w3id.org/peer-support/#developers")}
    assert header[DCTERMS.issued] == {Literal("2026-11-23", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))}
    assert header[URIRef("http://purl.org/ontology/bibo/status")] == {URIRef("http://purl.org/ontology/bibo/status/draft")}
    assert OWL.priorVersion not in header
    assert missing_header_metadata(ontology) == []


def test_the_header_check_reports_what_a_checker_would_miss(ontology):
    broken = ontology + Graph()
    broken.remove((ONTOLOGY_IRI, DCTERMS.issued, None))
    broken.remove((ONTOLOGY_IRI, SKOS.note, None))
    broken.remove((ONTOLOGY_IRI, DCTERMS.publisher, None))
    broken.add((ONTOLOGY_IRI, DCTERMS.publisher, Literal("a name, not an IRI")))
    assert missing_header_metadata(broken) == [
        "https://w3id.org/peer-support/ lacks dct:issued",
        "https://w3id.org/peer-support/ dct:publisher a name, not an IRI is not an IRI",
        "https://w3id.org/peer-support/ has no owl:priorVersion and no skos:note saying why",
    ]


def test_every_comment_repeats_the_definition_in_both_languages(ontology):
    assert comments_disagree(ontology) == []
    broken = ontology + Graph()
    broken.remove((PS.Trust, RDFS.comment, None))
    broken.add((PS.Trust, RDFS.comment, Literal("Something else.", lang="en")))
    broken.remove((PS.Voice, RDFS.comment, None))
    for comment in list(broken.objects(PS.Hope, RDFS.comment)):
        if comment.language == "fr":
            broken.remove((PS.Hope, RDFS.comment, comment))
    assert comments_disagree(broken) == [
        "ps:Hope rdfs:comment@fr is not its skos:definition@fr",
        "ps:Trust rdfs:comment@en is not its skos:definition@en",
        "ps:Trust rdfs:comment@fr is not its skos:definition@fr",
        "ps:Voice rdfs:comment@en is not its skos:definition@en",
        "ps:Voice rdfs:comment@fr is not its skos:definition@fr",
    ]


def test_every_term_is_defined_in_english_and_french(ontology):
    for term in terms(ontology):
        languages = sorted(d.language for d in ontology.objects(term, SKOS.definition))
        assert languages == ["en", "fr"], term


def test_vocabulary_says_what_design_requires(ontology):
    """The practice scheme holds peer support's kinds and the neighbouring practices that are not."""
    def narrower(concept):
        return {c for c in ontology.subjects(SKOS.broader, concept)}

    assert narrower(PS.PeerSupport) == {
        PS.MutualSupport, PS.IntentionalPeerSupport, PS.InformalPeerSupport, PS.NaturallyOccurringPeerSupport,
        PS.FormalPeerSupportWithClearDistinction, PS.FormalMutualPeerSupport, PS.PeerRunSupport,
    }
    assert narrower(PS.NotPeerSupport) == {
        PS.PeerMentoring, PS.RoleModelling, PS.LivedExperienceCoaching, PS.ClinicalTreatment, PS.PeersWhoProvideSupport,
    }
    themes = {PS.EqualPowerRelationships: 8, PS.IdentificationWithEachOther: 7, PS.HolisticUnderstandingOfMadness: 4}
    for theme, count in themes.items():
        assert len(narrower(theme)) == count, theme
    standards = {PS.NAPSValues: 12, PS.ImROCPrinciples: 8, PS.IPSTasks: 4}
    for scheme, count in standards.items():
        assert len(set(ontology.subjects(SKOS.inScheme, scheme))) == count, scheme
    members = set(ontology.objects(PS.ConsultationValues2012, SKOS.member))
    assert len(members) == 10
    role_kinds = set(ontology.subjects(RDF.type, PS.RoleKind))
    assert {PS.PaidPeerWorker, PS.VolunteerPeerSupporter, PS.MutualGroupMember, PS.Facilitator, PS.WardVisitor,
            PS.PeerSupportBroker, PS.PeerMentor, PS.Trainer} <= role_kinds


def test_every_term_is_a_term_of_this_namespace(ontology):
    assert len(terms(ontology)) > 150
    assert all(str(term).startswith(str(PS)) for term in terms(ontology))
