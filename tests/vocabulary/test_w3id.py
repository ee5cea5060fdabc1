"""The w3id.org redirect rules kept in the repository (``w3id/peer-support/.htaccess``) send every
kind of IRI the project mints to a path the service answers, for every Accept: the rules are read
by a small interpreter of the mod_rewrite subset they use (``RewriteRule`` with ``R``, ``L`` and
``NE``; ``RewriteCond`` on ``%{HTTP_ACCEPT}``, none used today), then the target asked of the app."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from rdflib import OWL, URIRef

from peersupport.settings import Settings
from peersupport.vocabulary import docs
from peersupport.web.app import create_app
from ..conftest import REPO

RULES = REPO / "w3id" / "peer-support" / ".htaccess"
HTML, TURTLE, JSONLD = "text/html", "text/turtle", "application/ld+json"


def rules() -> list[tuple[list[tuple[str, str]], str, str, dict]]:
    """(conditions on Accept, pattern, target, flags) for each RewriteRule, in order."""
    parsed, conditions = [], []
    text = RULES.read_text(encoding="utf-8")
    assert "RewriteEngine on" in text
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("RewriteCond"):
            variable, pattern = line.split()[1:3]
            assert variable == "%{HTTP_ACCEPT}", line
            conditions.append((variable, pattern))
        elif line.startswith("RewriteRule"):
            _, pattern, target, flags = line.split()
            flag_map = dict(f.split("=", 1) if "=" in f else (f, "") for f in flags.strip("[]").split(","))
            parsed.append((conditions, pattern, target, flag_map))
            conditions = []
    return parsed


def redirect(path: str, accept: str) -> tuple[int, str]:
    """What w3id.org answers for ``https://w3id.org/peer-support/<path>``: status and Location."""
    for conditions, pattern, target, flags in rules():
        if not all(re.search(p, accept) for _, p in conditions):
            continue
        match = re.match(pattern, path)
        if match:
            return int(flags.get("R", "302")), re.sub(r"\$(\d)", lambda m: match.group(int(m.group(1))), target)
    raise AssertionError(f"no rule for {path!r}")


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(Settings(store=Path("unused"))), raise_server_exceptions=False)


def test_the_rules_name_one_deployment_host_and_redirect_temporarily():
    targets = {urlsplit(target).netloc for _, _, target, _ in rules()}
    assert targets == {"peer-support.example.org"}
    assert all(flags.get("R") == "302" and "L" in flags for _, _, _, flags in rules())


@pytest.mark.parametrize(("path", "accept", "status", "answer"), [
    ("", HTML, 200, "text/html"),
    ("", TURTLE, 200, "text/turtle"),
    ("PeerSupport", HTML, 303, "/peer-support/vocab.html#PeerSupport"),
    ("PeerSupport", JSONLD, 303, "/peer-support/vocab.jsonld"),
    ("version/{current}", TURTLE, 200, "text/turtle"),
    ("shapes/", HTML, 200, "text/html"),
    ("shapes/OneWayHelpShape", TURTLE, 303, "/peer-support/shapes/shapes.ttl"),
    ("mappings.sssom.tsv", TURTLE, 200, "text/tab-separated-values"),
    ("source/003_79078f418b60f57d.txt", HTML, 303, "/sources/003"),
    ("context.jsonld", JSONLD, 200, "application/ld+json"),
])
def test_each_kind_of_iri_reaches_a_path_the_service_answers(client, path, accept, status, answer):
    version_iri = docs.shared_vocabulary().value(URIRef("https://w3id.org/peer-support/"), OWL.versionIRI)
    path = path.format(current=str(version_iri).rsplit("/", 1)[1])
    code, location = redirect(path, accept)
    assert code == 302 and location == f"https://peer-support.example.org/peer-support/{path}"
    served = client.get(urlsplit(location).path, headers={"Accept": accept}, follow_redirects=False)
    assert served.status_code == status
    assert (served.headers["location"] if status == 303 else served.headers["content-type"].split(";")[0]) == answer
