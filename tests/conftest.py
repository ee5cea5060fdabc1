"""Shared fixtures: the vocabulary graph (parsed once) and the Java requirement."""

import os
import shutil
from pathlib import Path

import pytest

from peersupport.vocabulary.graph import load_ontology

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def ontology():
    """The vocabulary graph. Tests must not change it: copy it first (``graph + Graph()``)."""
    return load_ontology()


@pytest.fixture(scope="session")
def require_java():
    """Skip where no Java runtime is installed, except in CI (PEERSUPPORT_REQUIRE_JAVA=1),
    where its absence is a failure."""
    if shutil.which("java") is None:
        message = "no Java runtime: HermiT cannot run"
        if os.environ.get("PEERSUPPORT_REQUIRE_JAVA") == "1":
            pytest.fail(message)
        pytest.skip(message)


def sources_missing(message: str = "shared/sources is not beside this checkout") -> None:
    """Skip a test that reads ../shared/sources where they are absent, except in CI
    (PEERSUPPORT_REQUIRE_SOURCES=1), where their absence is a failure."""
    if os.environ.get("PEERSUPPORT_REQUIRE_SOURCES") == "1":
        pytest.fail(message)
    pytest.skip(message)
