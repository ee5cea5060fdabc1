"""The SSSOM mapping set is well formed, justified row by row, and agrees with the alignments
stated in the Turtle."""

import csv

import pytest
from rdflib import RDFS, URIRef
from rdflib.namespace import SKOS

from peersupport.resources import data_dir
from peersupport.vocabulary.graph import terms

SSSOM = data_dir("ontology") / "mappings.sssom.tsv"


def read_sssom():
    lines = SSSOM.read_text(encoding="utf-8").splitlines()
    header = [line.removeprefix("# ") for line in lines if line.startswith("#")]
    prefixes, in_map = {}, False
    for line in header:
        if line.startswith("curie_map:"):
            in_map = True
        elif in_map and line.startswith("  "):
            prefix, iri = line.strip().split(": ", 1)
            prefixes[prefix.rstrip(":")] = iri
        else:
            in_map = False
    rows = list(csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t"))
    return header, prefixes, rows


HEADER, PREFIXES, ROWS = read_sssom()


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def test_mapping_set_metadata():
    for key in ("mapping_set_id:", "license:", "mapping_set_version:"):
        assert any(line.startswith(key) for line in HEADER), key


def test_rows_have_the_required_columns_and_a_justification():
    assert len(ROWS) == 54
    for row in ROWS:
        assert row["mapping_justification"] == "semapv:ManualMappingCuration", row
        assert len(row["comment"]) > 20, f"{row['subject_id']} -> {row['object_id']} has no justification"
        for column in ("subject_id", "predicate_id", "object_id"):
            assert row[column].split(":", 1)[0] in PREFIXES, f"undeclared prefix in {row[column]}"


def test_subjects_are_vocabulary_terms_with_the_same_label(ontology):
    declared = set(terms(ontology))
    for row in ROWS:
        subject = expand(row["subject_id"])
        assert subject in declared, row["subject_id"]
        english = {str(l) for l in ontology.objects(subject, RDFS.label) if l.language == "en"}
        assert row["subject_label"] in english, row["subject_id"]


def test_required_targets_are_mapped():
    targets = {row["object_id"] for row in ROWS}
    assert {"org:Role", "org:Organization", "org:Post", "schema:Role", "schema:Organization",
            "BCIO:010104", "BCIO:007158"} <= targets


@pytest.mark.parametrize("predicate", [SKOS.closeMatch, SKOS.relatedMatch])
def test_alignments_in_the_turtle_and_in_the_mapping_set_agree(ontology, predicate):
    in_turtle = {(s, o) for s, o in ontology.subject_objects(predicate)}
    in_sssom = {
        (expand(row["subject_id"]), expand(row["object_id"]))
        for row in ROWS
        if expand(row["predicate_id"]) == predicate and row["object_id"].startswith("ps:")
    }
    assert in_sssom == in_turtle
    assert len(in_turtle) == {SKOS.closeMatch: 17, SKOS.relatedMatch: 23}[predicate]


def test_subclass_rows_are_stated_in_the_ontology(ontology):
    for row in ROWS:
        if row["predicate_id"] == "rdfs:subClassOf":
            assert (expand(row["subject_id"]), RDFS.subClassOf, expand(row["object_id"])) in ontology, row


def test_every_standard_is_aligned(ontology):
    aligned_schemes = {
        scheme
        for row in ROWS if row["object_id"].startswith("ps:")
        for scheme in ontology.objects(expand(row["subject_id"]), SKOS.inScheme)
    }
    ps = "https://w3id.org/peer-support/"
    assert {URIRef(ps + "NAPSValues"), URIRef(ps + "ImROCPrinciples"), URIRef(ps + "IPSTasks")} <= aligned_schemes
