"""Parsing into memory leniently while another process checks the files strictly
(``peersupport.store.strict_check``): the same store as a strict parse, and the same error, file,
line and column as a strict parse would report, including for what only a strict parse rejects."""

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from peersupport.store import strict_check
from peersupport.store.loading import LoadError, graph_name, parse_in_memory

LINES = 3_000


class Quiet:
    def reading(self, *args): pass

    def loaded(self, *args): pass

    def finished(self, *args): pass


def _lines(path: Path, middle: str = "", at: int = LINES // 2) -> Path:
    """LINES triples (``_:x`` as the subject of the first and the last), with ``middle`` as line ``at``."""
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(LINES)]
    lines[0] = '_:x <http://example.org/p> "first" .\n'
    lines[-1] = '_:x <http://example.org/p> "last" .\n'
    if middle:
        lines[at - 1] = middle + "\n"
    path.write_text("".join(lines))
    return path


def _parse(files, apart: bool, monkeypatch) -> ox.Store:
    monkeypatch.setattr(strict_check, "pays", lambda total_bytes: apart)
    return parse_in_memory(files, Quiet())


def _error(files, apart: bool, monkeypatch) -> str:
    with pytest.raises(LoadError) as raised:
        _parse(files, apart, monkeypatch)
    return str(raised.value)


def _children() -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[2]) == os.getpid():
                        children.append(int(entry))
            except OSError:
                continue
    return children


def test_the_store_is_the_one_a_strict_parse_makes_and_one_blank_node_stays_one(tmp_path, monkeypatch):
    files = [("local/a.nt", _lines(tmp_path / "a.nt")),
             ("local/b.ttl", tmp_path / "b.ttl")]
    files[1][1].write_text('@prefix ex: <http://example.org/> .\nex:t ex:p "x"@en, [ ex:q ex:r ] .\n')
    apart, strict = _parse(files, True, monkeypatch), _parse(files, False, monkeypatch)
    assert len(apart) == len(strict) == LINES + 3
    named = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } } ORDER BY ?g ?s ?p ?o"
    assert [tuple(row) for row in apart.query(named)] == [tuple(row) for row in strict.query(named)]
    blank = (f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH <{graph_name('local/a.nt').value}> "
             "{ ?b ?p ?o FILTER(isBlank(?b)) } }")
    assert [int(row["n"].value) for row in apart.query(blank)] == [1]  # _:x of the first line and of the last
    assert _children() == []  # the check has ended: nothing but this thread is left for the holder's forks


def test_the_check_is_run_apart_only_for_large_files_with_a_core_to_spare(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (1.4, 0.0, 0.0))
    assert strict_check.pays(strict_check.APART_BYTES)
    assert not strict_check.pays(strict_check.APART_BYTES - 1)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.5, 0.0, 0.0))
    assert not strict_check.pays(strict_check.APART_BYTES)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not strict_check.pays(strict_check.APART_BYTES)


@pytest.mark.parametrize(("line", "error"), [
    ('<http://exa mple.org/s> <http://example.org/p> "1" .',
     "at line 1500 between columns 1 and 24: Invalid IRI code point ' '"),
    ('<http://example.org/s> <http://example.org/p> "1"@abcdefghijk .',
     "at line 1500 between columns 51 and 61: A subtag may be eight characters in length at maximum"),
    ('<http://example.org/s> <http://example.org/p> .',
     "at line 1500 column 47: The object of a triple must be an IRI, a blank node or a literal"),
])
def test_an_error_is_the_one_a_strict_parse_reports_with_its_line_and_column(tmp_path, monkeypatch, line, error):
    files = [("local/ok.nt", _lines(tmp_path / "ok.nt")), ("local/a.nt", _lines(tmp_path / "a.nt", line))]
    expected = f"cannot load local/a.nt: Parser error {error}"
    assert _error(files, True, monkeypatch) == _error(files, False, monkeypatch) == expected
    assert _children() == []


def test_the_first_file_with_an_error_is_the_one_named(tmp_path, monkeypatch):
    bad_iri = '<http://exa mple.org/s> <http://example.org/p> "1" .'
    files = [("local/a.nt", _lines(tmp_path / "a.nt", bad_iri, at=2900)),
             ("local/b.nt", _lines(tmp_path / "b.nt", "<http://example.org/s> <p", at=10))]
    assert _error(files, True, monkeypatch) == ("cannot load local/a.nt: Parser error at line 2900 between columns 1 "
                                                "and 24: Invalid IRI code point ' '")
