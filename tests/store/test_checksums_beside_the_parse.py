"""The files' SHA-256 are computed while the pool's holder parses them when no generation could
be up to date whatever they hold (issue 20: they were computed first, on the way to /healthz),
and first when a generation holds the same files, since only they can tell whether it is up to
date."""

import hashlib
import json
import multiprocessing
import threading

from peersupport.settings import Settings
from peersupport.sparql import embedded
from peersupport.store.loading import current_generation, prepare_store, same_files_generation


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _settings(tmp_path):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "a.nt").write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(500)))
    return Settings.load(environ={}, store=tmp_path / "store", data=[data], workers=1)


def test_a_generation_is_a_candidate_only_when_it_holds_the_same_files_by_name(tmp_path):
    settings = _settings(tmp_path)
    assert same_files_generation(settings.store, settings.files) is None  # no generation yet
    generation = prepare_store(settings.store, settings.files)
    assert same_files_generation(settings.store, settings.files) == generation
    (tmp_path / "data" / "a.nt").write_text('<http://example.org/s> <http://example.org/p> "changed" .\n')
    assert same_files_generation(settings.store, settings.files) == generation  # only the SHA-256 can tell
    (tmp_path / "data" / "b.nt").write_text('<http://example.org/s> <http://example.org/p> "new" .\n')
    assert same_files_generation(settings.store, _settings(tmp_path).files) is None


def test_with_no_generation_the_files_are_hashed_while_the_holder_parses(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    pool_ready, real_checksums, real_pool = threading.Event(), embedded.checksums_of, embedded.QueryPool
    hashed = []

    def checksums_once_the_pool_is_up(files):  # hashed first, as before, this would never return
        assert pool_ready.wait(60), "the files were hashed before the pool was started"
        hashed.append(len(files))
        return real_checksums(files)

    def pool(*args, **kwargs):
        started = real_pool(*args, **kwargs)
        pool_ready.set()
        return started

    monkeypatch.setattr(embedded, "checksums_of", checksums_once_the_pool_is_up)
    monkeypatch.setattr(embedded, "QueryPool", pool)
    started = embedded.start_pool(settings)
    try:
        builders = [child for child in multiprocessing.active_children() if child.name == "store-generation-builder"]
        assert len(builders) == 1
        builders[0].join(60)
        assert builders[0].exitcode == 0
        assert hashed == [len(settings.files)]  # once, and what the builder was given
        manifest = json.loads(current_generation(settings.store).with_suffix(".json").read_text())
        assert manifest["local/data/a.nt"] == {"sha256": _sha256(tmp_path / "data" / "a.nt"), "triples": 500}
    finally:
        started.close()
