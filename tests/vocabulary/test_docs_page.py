"""The vocabulary's documentation page (``vocabulary/docs.py``, ``vocabulary.html``): a term's rows
in the page's language first, the logic rows of a defined class, ``schema:domainIncludes``, the
class diagram's layout, the scheme trees, the general axioms, and the page ``peersupport docs``
writes being the page the service serves."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, URIRef
from rdflib.namespace import SKOS

from peersupport.settings import Settings
from peersupport.vocabulary import class_diagram, docs, mapping_set, scheme_trees
from peersupport.vocabulary.graph import is_term_iri, local_name
from peersupport.vocabulary.manchester import plain
from peersupport.web.app import create_app
from peersupport.web.documentation import write_docs

PS = "https://w3id.org/peer-support/"


def _rows(graph, name, lang):
    return [(row["name"], row["entries"]) for row in docs.term(graph, URIRef(PS + name), lang=lang)["rows"]]


def _texts(rows, expected):
    """The rows named in ``expected``, each text cut to the length of the start expected of it."""
    names = {name for name, _ in expected}
    chosen = [(name, entries[0]) for name, entries in rows if name in names]
    assert len(chosen) == len(expected)
    return [(name, text[:len(start)]) for (name, text), (_, start) in zip(chosen, expected)]


@pytest.mark.parametrize("lang, expected", [
    ("en", [("other_label", "rôle imposé"), ("definition", "A role whose support is inflicted on peop"),
            ("definition_other", "Un rôle dont le soutien est infligé aux p"),
            ("example", "A peer support post that people on a com"), ("example_other", "Un poste de soutien par les pairs que le")]),
    ("fr", [("other_label", "imposed role"), ("definition", "Un rôle dont le soutien est infligé aux p"),
            ("definition_other", "A role whose support is inflicted on peop"),
            ("example", "Un poste de soutien par les pairs que le"), ("example_other", "A peer support post that people on a com")]),
])
def test_the_page_language_comes_first(ontology, lang, expected):
    rows = _rows(ontology, "ImposedRole", lang)
    assert _texts(rows, expected) == expected
    assert docs.term(ontology, URIRef(PS + "ImposedRole"), lang=lang)["label"] == {"en": "imposed role", "fr": "rôle imposé"}[lang]


def test_a_defined_class_shows_its_logic(ontology):
    rows = dict((name, entries) for name, entries in _rows(ontology, "ClinicalTreatmentRole", "en"))
    assert [plain(parts) for parts in rows["equivalent_to"]] == ["DescribedRole and (declaredPractice value ClinicalTreatment)"]
    assert [plain(parts) for parts in rows["subclass_of"]] == [
        "ClinicalHelpRole", "OneWayHelpRole", "nonClinical value false", "roleHolderReceivesSupport value false"]
    assert [link["text"] for link in dict(_rows(ontology, "ReciprocalRole", "fr"))["disjoint_with"]] == ["rôle d'aide à sens unique"]


def test_domain_includes_is_a_row(ontology):
    rows = dict(_rows(ontology, "reportedBenefit", "fr"))
    assert rows["domain_includes"] == [{"href": "http://www.w3.org/ns/org#Organization", "text": "org:Organization"},
                                       {"href": "#DescribedRole", "text": "rôle décrit"}]


def test_the_rows_are_worded_in_both_languages(client):
    english = client.get("/peer-support/vocab.html").text
    french = client.get("/peer-support/vocab.html?lang=fr").text
    for page, words in ((english, ["Definition in French", "Example in French", "Equivalent to", "Domain includes", "Disjoint with"]),
                        (french, ["Définition en anglais", "Exemple en anglais", "Équivalent à", "Domaine possible", "Disjoint de"])):
        for word in words:
            assert f'<th scope="row">{word}</th>' in page, word
    assert '<section class="term" id="ImposedRole">\n<h3>rôle imposé</h3>' in french


def test_the_diagram_shows_each_class_once_and_no_boxes_overlap(ontology):
    diagram = class_diagram.layout(ontology, "en")
    ids = [box["id"] for box in diagram["boxes"]]
    classes = {local_name(c) for c in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) if is_term_iri(c)}
    assert sorted(ids) == sorted(classes | {"org:Organization", "org:Role", "skos:Concept"})
    boxes = diagram["boxes"]
    for i, a in enumerate(boxes):
        assert len(a["text"]) * class_diagram.CHAR_WIDTH + 2 * class_diagram.PADDING <= a["width"], a["id"]
        assert a["x"] + a["width"] <= diagram["width"] and a["y"] + a["height"] <= diagram["height"]
        for b in boxes[i + 1:]:
            apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or \
                a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            assert apart, (a["id"], b["id"])
    edges = {(e["from"], e["to"], e["how"]) for e in diagram["edges"]}
    assert {e for e in edges if e[0] == "PeerSupportRole"} == {
        ("PeerSupportRole", parent, "defined") for parent in ("ReciprocalRole", "FreelyChosenRole", "LivedExperienceRole", "NonClinicalRole")}
    assert {e for e in edges if e[0] == "ClinicalTreatmentRole"} == {
        ("ClinicalTreatmentRole", "ClinicalHelpRole", "asserted"), ("ClinicalTreatmentRole", "OneWayHelpRole", "asserted")}
    assert ("OneWayHelpRole", "NotPeerSupportRole", "defined") in edges and ("RoleKind", "org:Role", "asserted") in edges
    assert not any(e[0].startswith(("org:", "skos:")) for e in edges)  # outside classes are shown, not placed under ours
    column = {box["id"]: box["x"] for box in boxes}
    assert column["DescribedRole"] < column["ReciprocalRole"] < column["PeerSupportRole"]


def _flatten(nodes):
    return [n["href"] for node in nodes for n in [node, *[{"href": h} for h in _flatten(node["children"])]]]


def test_every_scheme_is_a_tree_with_each_concept_once(ontology):
    trees = scheme_trees.trees(ontology, "en")
    assert len(trees) == len(set(ontology.subjects(RDF.type, SKOS.ConceptScheme)))
    for tree in trees:
        members = {"#" + local_name(c) for c in ontology.subjects(SKOS.inScheme, URIRef(PS + tree["id"]))}
        found = _flatten(tree["children"])
        assert sorted(found) == sorted(members), tree["id"]
    history = next(t for t in trees if t["id"] == "HistoryScheme")

    def shape(nodes):
        return [(n["text"], shape(n["children"])) for n in nodes]

    assert shape(history["children"]) == [
        ("Hearing Voices Groups", []),
        ("patient, ex-patient and survivor groups", [("Mental Patients' Unions", [("crash pads and crisis centres", [])]),
                                                     ("national survivor networks", [])]),
        ("peer support workers in services", []), ("self-help and mutual support groups", []),
        ("the debate on formalisation", [])]


def test_the_general_axioms_are_listed(ontology):
    axioms = docs.general_axioms(ontology, "en")
    first = axioms[0]
    assert (plain(first["subject"]), [plain(s) for s in first["superclasses"]]) == (
        "(imposedBy some ImposingAuthority) or (imposedAt some CarePathwayPoint)", ["participationMode value Mandated"])
    assert len(axioms) == 11


@pytest.fixture(scope="module")
def client():
    # Not entered as a context manager: no store is loaded, as the vocabulary's page needs none.
    return TestClient(create_app(Settings(store=Path("unused"))), raise_server_exceptions=False)


def _sections(page: str) -> list[str]:
    """The page's main content, source links and links into the service made alike."""
    main = page[page.index("<main"):page.index("</main>")]
    main = re.sub(r'href="(/sources/|https://w3id\.org/peer-support/source/)[^"]*"', 'href="SOURCE"', main)
    return re.findall(r'<section class="term".*?</section>|<figure class="class-diagram">.*?</figure>|<div class="scheme-trees">.*?</div>\n</section>',
                      main, re.DOTALL)


@pytest.mark.parametrize("lang, name", [("en", "index.html"), ("fr", "index.fr.html")])
def test_the_files_are_the_page_the_service_serves(client, ontology, tmp_path, lang, name):
    write_docs(docs.shared_vocabulary(), tmp_path)
    served = _sections(client.get(f"/peer-support/vocab.html?lang={lang}").text)
    written = _sections((tmp_path / name).read_text(encoding="utf-8"))
    assert len(served) > 200 and written == served


SMALL_SET = """# curie_map:
#   ps: https://w3id.org/peer-support/
#   BCIO: http://humanbehaviourchange.org/ontology/BCIO_
#   skos: http://www.w3.org/2004/02/skos/core#
#   semapv: https://w3id.org/semapv/vocab/
# mapping_set_id: https://example.org/set
subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tcomment
ps:RoleModelling\trole modelling\tskos:closeMatch\tBCIO:007055\tdemonstrate the behaviour\tsemapv:ManualMappingCuration\tBoth show.
"""


def test_the_mapping_set_is_read_with_its_curie_map(tmp_path):
    path = tmp_path / "set.sssom.tsv"
    path.write_text(SMALL_SET, encoding="utf-8")
    assert mapping_set.mappings(path) == {URIRef(PS + "RoleModelling"): [{
        "predicate": SKOS.closeMatch, "predicate_id": "skos:closeMatch",
        "object": URIRef("http://humanbehaviourchange.org/ontology/BCIO_007055"), "object_id": "BCIO:007055",
        "object_label": "demonstrate the behaviour", "justification": URIRef("https://w3id.org/semapv/vocab/ManualMappingCuration"),
        "comment": "Both show."}]}


def test_each_mapping_of_the_set_is_on_its_term_once(ontology):
    stated = mapping_set.mappings()
    assert sum(len(m) for m in stated.values()) > 40
    for subject, mapped in stated.items():
        rows = dict(_rows(ontology, local_name(subject), "en"))
        assert [(e["predicate"], e["text"], e["comment"]) for e in rows["mappings"]] == [
            (m["predicate_id"], m["object_id"], m["comment"]) for m in mapped], subject
        for name in ("exact_match", "close_match", "broad_match", "narrow_match", "related_match"):
            shown = {e["href"] for e in rows.get(name, [])}
            assert not shown & {str(m["object"]) for m in mapped}, (subject, name)
