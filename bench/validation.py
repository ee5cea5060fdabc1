"""Validation: our validator against plain pySHACL on the same data and shapes, and one
organisation's upload.

* ours: the N-Triples bytes parsed by Oxigraph into a store holding the vocabulary
  (``shacl.terms.load_rdf`` into ``validate.new_store()``), then ``validate.validate_store``,
  the set-at-a-time engine ``validate_graph`` uses; the parse is timed (plain's is not), and the
  10 MB input cap of ``validate`` does not apply. rdflib never reads the data, so its triples and
  roles are counted in the store;
* plain: ``pyshacl.validate(data_graph, shacl_graph=shapes)`` with pySHACL's default options,
  where ``data_graph`` is the data merged with the vocabulary (the merge timed too), and
  ``shapes`` the very shapes graph ours uses. The vocabulary has to be in the data graph: passed
  as ``ont_graph`` instead, pySHACL copies in only its class axioms, not the SKOS practice
  hierarchy nor the concepts' types the shapes read, and the results differ.

Each engine runs in a child process (``python -m bench.validation ours|plain FILE CAP REPEAT
KEYS``) that parses the data once, warms the shapes and vocabulary, then validates up to
REPEAT times, stopping when one more run would take the runs past CAP seconds in all; a run
past CAP is interrupted by a timer signal (pySHACL is pure Python, so it stops there) and
reported "> cap". The first run's
results are written to KEYS as (focus, path, source shape, constraint component, severity), so
the two engines' results can be compared exactly. An engine is not run at a size where, from
its time at a smaller size and the number of roles (the focus nodes), it would take longer than
the cap: that is reported as "> cap (projected)", with the projection.

``one-org`` times ``peersupport.validation.validate.validate(ntriples, format="nt", classify=False)`` on
one generated organisation at a time (a different seed each), with warm caches: the path of an
upload (parsed into an rdflib graph, copied into a store with the vocabulary, validated).
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

from .measure import Timing, run_child
from .servers import REPO


class _Alarm(BaseException):
    """Raised by the timer signal; a BaseException, so that no ``except Exception`` swallows it."""


def _alarm(signum, frame):
    raise _Alarm()


def _shape_name(shapes, shape) -> str:
    """A shape's IRI, or for a blank-node shape (its id differs from process to process) its
    path, which names it within its parent."""
    from rdflib import URIRef
    from rdflib.namespace import SH

    from peersupport.validation.validate import path_text

    if isinstance(shape, URIRef):
        return str(shape)
    path = shapes.value(shape, SH.path)
    return f"[shape on {path_text(shapes, path)}]" if path is not None else "[blank-node shape]"


def _key_set(shapes, results) -> list[list[str]]:
    return sorted([str(r.focus), r.path_label, _shape_name(shapes, r.source_shape), str(r.component), str(r.severity)]
                  for r in results)


def _ours_counts(ntriples: bytes) -> dict:
    import pyoxigraph as ox

    from peersupport.validation.validate import ROLE_CLASSES

    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    classes = " ".join(f"<{c}>" for c in ROLE_CLASSES)
    roles = next(iter(store.query(f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ VALUES ?c {{ {classes} }} ?r a ?c }}")))[0]
    return {"triples": len(store), "roles": int(roles.value)}


def child_main(engine: str, data_path: str, cap: float, repeat: int, keys_path: str) -> int:
    import pyshacl
    from rdflib import Graph

    from peersupport.shacl.terms import load_rdf
    from peersupport.validation.validate import compiled_engine, new_store, pyshacl_results, shapes_and_vocabulary, validate_store

    from .data import count_roles

    shapes, vocabulary = shapes_and_vocabulary()  # parsed once per process, as in the service
    if engine == "ours":
        compiled_engine()  # the shapes compiled and the vocabulary converted once per process, as in the service
        ntriples = Path(data_path).read_bytes()
        counts = _ours_counts(ntriples)
    else:
        data = Graph()
        data.parse(data_path, format="nt")
        counts = {"triples": len(data), "roles": count_roles(data)}

    def ours():
        store, originals = new_store()
        originals.update(load_rdf(store, ntriples))
        return validate_store(store, originals)

    def plain():
        merged = Graph()
        merged += vocabulary
        merged += data
        _, results_graph, _ = pyshacl.validate(merged, shacl_graph=shapes)
        return pyshacl_results(shapes, results_graph)

    run = ours if engine == "ours" else plain
    print(json.dumps(counts), flush=True)
    signal.signal(signal.SIGALRM, _alarm)
    spent = last = 0.0
    for index in range(repeat):
        if index and spent + last > cap:  # the next run would not fit in the cap: stop here
            break
        signal.setitimer(signal.ITIMER_REAL, cap)
        started = time.perf_counter()
        try:
            results = run()
        except _Alarm:
            print(json.dumps({"over_cap": True}), flush=True)
            return 0
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = last = time.perf_counter() - started
        spent += seconds
        if index == 0:
            Path(keys_path).write_text(json.dumps(_key_set(shapes, results)))
        print(json.dumps({"seconds": seconds, "results": len(results)}), flush=True)
    return 0


def one_org_main(repeat: int) -> int:
    from peersupport.validation.validate import shapes_and_vocabulary, validate

    from .data import one_organisation

    shapes_and_vocabulary()
    validate(one_organisation(0), format="nt", classify=False)  # warm-up: rdflib's parsers and SPARQL
    for seed in range(1, repeat + 1):
        upload = one_organisation(seed)
        started = time.perf_counter()
        report = validate(upload, format="nt", classify=False)
        print(json.dumps({"seconds": time.perf_counter() - started, "bytes": len(upload),
                          "results": len(report.results)}), flush=True)
    return 0


def measure_engine(engine: str, data_path: Path, cap: float, repeat: int, keys_path: Path
                   ) -> tuple[Timing, int, dict]:
    """(Timing, peak kB of the child, {"triples", "roles", "results"}) for one engine on one file."""
    run = run_child([sys.executable, "-m", "bench.validation", engine, str(data_path), str(cap), str(repeat),
                     str(keys_path)], cwd=str(REPO), timeout=3600 + cap * (repeat + 1))
    timing, info = Timing(cap=cap), {}
    for line in run.lines:
        entry = json.loads(line)
        if "roles" in entry:
            info.update(entry)
        elif entry.get("over_cap"):
            timing.over_cap = True
        else:
            timing.samples.append(entry["seconds"])
            info["results"] = entry["results"]
    if run.killed or (run.returncode != 0 and not timing.over_cap):
        timing.note = f"child failed (exit {run.returncode}): {run.stderr.strip().splitlines()[-1:] or ''}"
    return timing, run.maxrss_kb, info


def measure_one_org(repeat: int) -> tuple[Timing, int]:
    run = run_child([sys.executable, "-m", "bench.validation", "one-org", str(repeat)], cwd=str(REPO), timeout=600)
    timing = Timing(samples=[json.loads(line)["seconds"] for line in run.lines])
    if run.returncode != 0:
        timing.note = f"child failed (exit {run.returncode})"
    return timing, run.maxrss_kb


def projection(history: list[tuple[str, int, Timing]], roles: int, cap: float) -> str | None:
    """Why an engine is not run at a size of ``roles`` roles, from its ``(label, roles, Timing)``
    at smaller sizes: it went past the cap there, or its time scaled by the roles would; else None."""
    for label, _, timing in history:
        if timing.over_cap:
            return f"not run: > {cap:g} s already at {label}"
    measured = [(label, earlier, timing) for label, earlier, timing in history if timing.median is not None]
    if not measured:
        return None
    label, earlier, timing = max(measured, key=lambda entry: entry[1])
    projected = timing.median * roles / earlier
    if projected > cap:
        return f"not run: projected ≈ {projected:,.0f} s ({timing.median:,.1f} s at {label} × {roles / earlier:.1f} roles)"
    return None


def compare(ours_keys: Path, plain_keys: Path) -> tuple[bool, list, list]:
    """(identical, results only ours gives, results only plain pySHACL gives)."""
    ours = {tuple(key) for key in json.loads(ours_keys.read_text())}
    plain = {tuple(key) for key in json.loads(plain_keys.read_text())}
    return ours == plain, sorted(ours - plain), sorted(plain - ours)


if __name__ == "__main__":
    if sys.argv[1] == "one-org":
        sys.exit(one_org_main(int(sys.argv[2])))
    sys.exit(child_main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))
