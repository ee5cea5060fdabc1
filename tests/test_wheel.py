"""The wheel carries everything the service reads (issue 18: YASGUI and its licence from the
package's own static files; the vocabulary, shapes, templates and data inside the package), so an
installed service fetches nothing and needs no checkout."""

import subprocess
import sys
import zipfile

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(folder),
                    str(REPO)], check=True, capture_output=True)
    [built] = folder.glob("peersupport-*.whl")
    return built


def test_the_wheel_holds_the_files_the_service_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("peersupport/_data/ontology/peer-support.ttl", "peersupport/_data/ontology/context.jsonld",
                 "peersupport/_data/shapes/peer-support-shapes.ttl", "peersupport/_data/data/templates/roles.xlsx",
                 "peersupport/_data/data/templates/roles.ods", "peersupport/_data/data/consultation-2012/projects.ttl",
                 "peersupport/web/templates/base.html", "peersupport/web/static/query.js",
                 "peersupport/validation/ods_content.xml"):
        assert name in names, name
    yasgui = sorted(name for name in names if name.startswith("peersupport/web/static/yasgui/"))
    assert yasgui == ["peersupport/web/static/yasgui/" + name for name in ("LICENSE", "README.md", "yasgui.min.css", "yasgui.min.js")]
    assert not any(name.startswith(("tests/", "peersupport/_data/.git")) or "__pycache__" in name for name in names)


def test_the_installed_wheel_reads_its_own_files(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import peersupport.resources as r, peersupport as p; "
            "print(p.__file__.startswith(sys.argv[1])); print(sorted(f.name for f in r.ontology_files()))")
    result = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert result.stdout.splitlines()[0] == "True"
    assert result.stdout.splitlines()[1] == "['alignments.ttl', 'findings.ttl', 'peer-support.ttl', 'schemes.ttl']"
