"""The ``peersupport`` command: help, context regeneration, documentation, reasoning."""

import json
import re
import subprocess
import sys

import pytest
from rdflib import OWL, RDF, RDFS
from rdflib.namespace import SKOS

from peersupport.resources import context_file
from peersupport.vocab import is_term_iri, local_name

from .conftest import REPO


def run(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", *args], capture_output=True, text=True, cwd=REPO)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_help_lists_the_subcommands():
    out = run("--help").stdout
    assert out.startswith("usage: peersupport")
    for command in ("context", "docs", "check", "classify"):
        assert re.search(rf"^\s+{command}\s", out, re.MULTILINE), command


def test_no_subcommand_prints_help():
    assert run().stdout.startswith("usage: peersupport")


def test_unknown_subcommand_is_a_usage_error():
    result = run("frobnicate", check=False)
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_context_command_writes_the_shipped_context(tmp_path):
    target = tmp_path / "context.jsonld"
    run("context", "--output", str(target))
    assert json.loads(target.read_text()) == json.loads(context_file().read_text())


def test_docs_document_every_term(tmp_path, ontology):
    run("docs", "--output", str(tmp_path))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    schemes = (tmp_path / "schemes.html").read_text(encoding="utf-8")
    owl_terms = [t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
                 for t in ontology.subjects(RDF.type, kind) if is_term_iri(t)]
    assert len(owl_terms) > 40
    for term in owl_terms:
        label = next(str(l) for l in ontology.objects(term, RDFS.label) if l.language == "en")
        assert label.replace("'", "&#x27;") in index or label in index, label
    concepts = {s for s in ontology.subjects(SKOS.inScheme, None)} | set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    anchors = set(re.findall(r'<section class="term" id="([^"]+)"', schemes))
    assert {local_name(c) for c in concepts} <= anchors
    assert 'id="Hope"' in schemes and "espoir" in schemes


@pytest.mark.java
def test_check_command_reports_consistency(require_java):
    assert run("check").stdout == "consistent; no unsatisfiable classes\n"


@pytest.mark.java
def test_classify_command_prints_what_each_role_reads_as(require_java):
    out = run("classify", "data/examples/jsonld/peer-support-role.jsonld").stdout
    assert out == (
        "https://example.org/our-group/roles/mentor\n  reads as: PeerMentoringRole\n"
        "https://example.org/our-group/roles/ward-visitor\n  reads as: PeerSupportRole\n"
    )


def test_classify_reports_unreadable_input(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    result = run("classify", str(bad), check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot read input:")
    assert "Traceback" not in result.stderr
