"""The benchmark run: ``python -m bench`` (or ``python bench/run.py``) from the repository root.

For each size (about 10^4, 10^5 and 10^6 triples by default), in one run:

1. load: ``prepare_store`` and ``bulk_load`` of the files into fresh stores (``bench.load``);
2. SPARQL latency: our endpoint over HTTP, in-process pyoxigraph, rdflib-endpoint (``bench.sparql``);
3. throughput with 1, 4 and 16 clients, ours and Oxigraph server (``bench.throughput``);
4. validation, ours and plain pySHACL, results compared (``bench.validation``);
5. peak memory of each of those processes (``bench.measure``);
6. the costs issue 20 sets targets for (``bench.costs``): ``served-load`` (our service started on
   the files until ``/healthz`` answers, against Virtuoso's bulk loader and ``oxigraph load``),
   ``memory`` (total PSS after the query mix against one in-memory copy) and ``fixed-cost``
   (small queries over HTTP against their in-process floor);

then one organisation's upload, validated by the library and posted to ``/validate``. The report
(``bench.report``) is printed and written to ``bench/results.md``.

Options (or environment variables): ``--sizes 1e4,1e5,1e6`` (``BENCH_SIZES``; 1e7 is opt-in: ``BENCH_SIZES=1e6,1e7``), ``--repeat 5``
(``BENCH_REPEAT``), ``--cap 30`` seconds per query (``BENCH_CAP``), ``--validation-cap 300``
seconds per validation (``BENCH_VALIDATION_CAP``), ``--duration 10`` seconds per throughput
measurement (``BENCH_DURATION``; it runs on, up to 6 times as long, until ``--min-completed 20``
requests completed), ``--clients 1,4,16`` (``BENCH_CLIENTS``), ``--seed 1``,
``--only load,sparql,throughput,validation,served-load,memory,fixed-cost``, ``--work DIR`` (kept; by default a temporary
folder, deleted at the end), ``--output bench/results.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script (python bench/run.py): import bench from the repository root
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import httpx  # noqa: E402

from bench import data as bench_data  # noqa: E402
from bench import load as bench_load  # noqa: E402
from bench import costs as bench_costs  # noqa: E402
from bench import report, servers, sparql, throughput, validation, virtuoso  # noqa: E402
from bench.measure import Timing  # noqa: E402
from peersupport.store.loading import current_generation  # noqa: E402

SECTIONS = ("load", "sparql", "throughput", "validation", "served-load", "memory", "fixed-cost")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=env("BENCH_SIZES", "1e4,1e5,1e6"), help="comma-separated triples")
    parser.add_argument("--repeat", type=int, default=int(env("BENCH_REPEAT", 5)))
    parser.add_argument("--cap", type=float, default=float(env("BENCH_CAP", 30)), help="seconds per query")
    parser.add_argument("--validation-cap", type=float, default=float(env("BENCH_VALIDATION_CAP", 300)))
    parser.add_argument("--duration", type=float, default=float(env("BENCH_DURATION", 10)),
                        help="seconds per throughput measurement")
    parser.add_argument("--clients", default=env("BENCH_CLIENTS", "1,4,16"))
    parser.add_argument("--min-completed", type=int, default=int(env("BENCH_MIN_COMPLETED", 20)),
                        help="a throughput measurement runs past --duration (up to 6 times it) until this many requests completed")
    parser.add_argument("--seed", type=int, default=int(env("BENCH_SEED", 1)))
    parser.add_argument("--only", default=env("BENCH_ONLY", ",".join(SECTIONS)))
    parser.add_argument("--work", type=Path, default=Path(env("BENCH_WORK")) if env("BENCH_WORK") else None)
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "results.md")
    args = parser.parse_args(argv)
    args.targets = sorted({bench_data.parse_size(text) for text in args.sizes.split(",") if text.strip()})
    args.client_counts = [int(text) for text in args.clients.split(",") if text.strip()]
    args.sections = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = args.sections - set(SECTIONS)
    if unknown:
        parser.error(f"--only: unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    if "sparql" in args.sections and importlib.util.find_spec("rdflib_endpoint") is None:
        parser.error("the SPARQL section compares with rdflib-endpoint: pip install rdflib-endpoint "
                     "(or leave the section out: --only load,throughput,validation)")
    if args.sections & {"throughput", "served-load"} and not servers.oxigraph_binary().exists():
        parser.error(f"the throughput and served-load sections compare with Oxigraph: {servers.oxigraph_binary()} is missing "
                     "(pip install oxigraph)")
    return args


def run_size(args, dataset: bench_data.Dataset, work: Path, results: report.Results) -> None:
    size = report.SizeResult(dataset)
    results.sizes.append(size)
    folder = work / dataset.label
    folder.mkdir(parents=True, exist_ok=True)
    files_json = dataset.files_json()
    queries = sparql.benchmark_queries()
    served_store = folder / "served-store"

    if "load" in args.sections:
        with results.phase(dataset.label, "load"):
            log(f"[{dataset.label}] load: prepare_store and bulk_load, up to {args.repeat} runs each")
            size.prepare, size.memory["prepare_store child"], kept = bench_load.measure_load(
                "prepare", files_json, folder, args.repeat, budget=2 * args.cap, keep_last=True)
            size.bulk, size.memory["bulk_load child"], _ = bench_load.measure_load(
                "bulk", files_json, folder, args.repeat, budget=2 * args.cap)
            if kept is not None:
                kept.rename(served_store)

    costs = size.costs
    needs_ours = args.sections & {"sparql", "throughput", "served-load", "memory", "fixed-cost"}
    if needs_ours:
        if "served-load" in args.sections:
            log(f"[{dataset.label}] load until served: our service on an empty store (--data {dataset.generated.name})")
            with results.phase(dataset.label, "load until served: ours"):
                ours, costs.served_seconds = bench_costs.start_served(
                    folder / "served-load-store", dataset.generated, args.cap, folder / "ours.log")
            log(f"  ours: /healthz answered after {costs.served_seconds:.1f} s")
        else:
            log(f"[{dataset.label}] starting our service (--data {dataset.generated.name})")
            with results.phase(dataset.label, "start our service"):
                ours = servers.start_ours(served_store, dataset.generated, args.cap, folder / "ours.log")
        try:
            waited = bench_costs.wait_for_generation(folder / "ours.log")
            if waited:
                log(f"  the generation on disk was built {waited:.1f} s after serving (waited for it before measuring)")
            if "fixed-cost" in args.sections:
                with results.phase(dataset.label, "fixed cost: small queries over HTTP"):
                    costs.http_small = bench_costs.http_small(ours)
                    log(f"[{dataset.label}] small queries over HTTP: " + ", ".join(
                        f"{name} {report.fmt_timing(t)}" for name, t in costs.http_small.items()))
            if "sparql" in args.sections:
                with results.phase(dataset.label, "latency: in-process"):
                    log(f"[{dataset.label}] SPARQL latency: in-process pyoxigraph, in-memory store (as served)")
                    size.inproc, size.memory["in-process child"] = sparql.in_process_latency(
                        queries, args.repeat, args.cap, files=files_json, progress=log)
                    log(f"[{dataset.label}] SPARQL latency: in-process pyoxigraph, the store on disk (context)")
                    size.ondisk, size.memory["on-disk child"] = sparql.in_process_latency(
                        queries, args.repeat, args.cap, generation=current_generation(served_store), progress=log)
                with results.phase(dataset.label, "latency: ours HTTP"):
                    log(f"[{dataset.label}] SPARQL latency: our endpoint over HTTP")
                    size.http = sparql.http_latency(ours, queries, args.repeat, args.cap, progress=log)
                    log(f"[{dataset.label}] SPARQL latency: our endpoint over HTTP, the same text repeated (result cache)")
                    size.cached = sparql.http_latency(ours, queries, args.repeat, args.cap, progress=log, cached=True)
                if not results.one_org_http:
                    with results.phase(dataset.label, "upload: POST /validate"):
                        for classify in (False, True):
                            log(f"[{dataset.label}] one organisation's upload, POST /validate (classify={classify})")
                            results.one_org_http[classify] = upload_one_org(ours, max(args.repeat, 10), args.cap, classify)
            if "throughput" in args.sections:
                with results.phase(dataset.label, "throughput"):
                    run_throughput(args, dataset, folder, ours, queries, size)
            if "memory" in args.sections:
                with results.phase(dataset.label, "memory: query mix, /healthz?deep=1"):
                    bench_costs.measure_memory(ours, queries, args.cap, costs)
                    log(f"[{dataset.label}] after the query mix: total PSS {costs.memory['total_pss_mb']:,.0f} MB "
                        f"over {len(costs.memory['processes'])} processes {costs.mix_note}")
        finally:
            ours.stop()
            size.memory["our server"] = ours.peak_kb
            size.memory_notes["our server"] = ours.memory_note

    if "served-load" in args.sections:
        run_served_load(dataset, folder, results, size)
    if args.sections & {"memory", "fixed-cost"}:
        with results.phase(dataset.label, "one in-memory copy (child)"):
            bench_costs.one_copy(files_json, costs)
        log(f"[{dataset.label}] one in-memory copy: {costs.one_copy_mb or 0:,.0f} MB PSS; floor " + ", ".join(
            f"{name} {report.fmt_timing(t)}" for name, t in costs.floor_small.items()))

    if "sparql" in args.sections:
        with results.phase(dataset.label, "latency: rdflib-endpoint (load included)"):
            log(f"[{dataset.label}] SPARQL latency: rdflib-endpoint (loading the Dataset)")
            rdflib_server = servers.start_rdflib(dataset.files, folder / "rdflib.log")
            size.rdflib_load_seconds = rdflib_server.load_seconds
            try:
                skip = {name: f"not run: > cap at {label}" for label, name in results.rdflib_over_cap}
                size.rdflib = sparql.http_latency(rdflib_server, queries, args.repeat, args.cap, skip=skip, progress=log)
                results.rdflib_over_cap += [(dataset.label, name) for name, timing in size.rdflib.items()
                                            if timing.over_cap and not timing.note]
            finally:
                rdflib_server.stop()
                size.memory["rdflib-endpoint"] = rdflib_server.peak_kb
                size.memory_notes["rdflib-endpoint"] = rdflib_server.memory_note

    if "validation" in args.sections:
        with results.phase(dataset.label, "validation"):
            run_validation(args, dataset, folder, results, size)


def run_throughput(args, dataset, folder: Path, ours: servers.Server, queries, size: report.SizeResult) -> None:
    log(f"[{dataset.label}] Oxigraph server: oxigraph load, one named graph per file")
    size.oxigraph_load_seconds = servers.load_oxigraph(folder / "oxigraph-store", dataset.files)
    oxigraph = servers.start_oxigraph(folder / "oxigraph-store", folder / "oxigraph.log")
    texts = [text for _, text in queries]
    try:
        for clients in args.client_counts:
            for server in (ours, oxigraph):
                result = throughput.throughput(server, texts, clients, args.duration, timeout=args.cap + 5,
                                               min_completed=args.min_completed)
                size.throughput[(server.name, clients)] = result
                log(f"  {server.name:10s} {clients:3d} clients: {result.per_second:8.1f} req/s over "
                    f"{result.seconds:.0f} s, {result.errors} errors, client CPU {result.client_cpu:.0%}")
    finally:
        oxigraph.stop()
        size.memory["Oxigraph server"] = oxigraph.peak_kb
        size.memory_notes["Oxigraph server"] = oxigraph.memory_note
        shutil.rmtree(folder / "oxigraph-store", ignore_errors=True)


def run_served_load(dataset, folder: Path, results: report.Results, size: report.SizeResult) -> None:
    """The loads our service's start is compared with, run after it stopped: Virtuoso's bulk
    loader, and ``oxigraph load`` unless the throughput section timed it already."""
    costs = size.costs
    with results.phase(dataset.label, "load until served: Virtuoso bulk load"):
        log(f"[{dataset.label}] Virtuoso bulk load (ld_add, rdf_loader_run, checkpoint)")
        costs.virtuoso = virtuoso.bulk_load(dataset.files, folder)
    log(f"  Virtuoso: {report.fmt_seconds(costs.virtuoso.seconds)}, {costs.virtuoso.triples} triples "
        f"{costs.virtuoso.note}")
    if size.oxigraph_load_seconds is None:
        log(f"[{dataset.label}] oxigraph load, one named graph per file")
        with results.phase(dataset.label, "load until served: oxigraph load"):
            size.oxigraph_load_seconds = servers.load_oxigraph(folder / "oxigraph-load", dataset.files)
        shutil.rmtree(folder / "oxigraph-load", ignore_errors=True)
    costs.oxigraph_seconds = size.oxigraph_load_seconds
    log(f"  oxigraph load: {report.fmt_seconds(costs.oxigraph_seconds)}")
    shutil.rmtree(folder / "served-load-store", ignore_errors=True)


def upload_one_org(ours: servers.Server, repeat: int, cap: float, classify: bool) -> Timing:
    """POST one generated organisation (N-Triples) to our /validate, asking for the JSON report:
    what a user's upload costs end to end; with ``classify`` (``?classify=true``) the OWL reading
    of each role too. ``Timing.note`` says how many roles the reasoner read."""
    url = ours.url.rsplit("/", 1)[0] + "/validate" + ("?classify=true" if classify else "")
    timing = Timing(cap=cap)
    read = total = 0
    with httpx.Client(timeout=cap + 30, trust_env=False) as client:
        for seed in range(0, repeat + 1):  # seed 0 warms up
            body = bench_data.one_organisation(seed)
            started = time.perf_counter()
            response = client.post(url, content=body, headers={"Content-Type": "application/n-triples",
                                                                "Accept": "application/json"})
            seconds = time.perf_counter() - started
            if response.status_code != 200:
                timing.note = f"HTTP {response.status_code}: {response.text[:200]}"
                return timing
            if seed:
                timing.samples.append(seconds)
                roles = response.json().get("roles", [])
                total += len(roles)
                read += sum(1 for role in roles if role.get("reads_as"))
    timing.note = f"the OWL reasoner gave a verdict for {read} of {total} roles"
    return timing


def run_validation(args, dataset, folder: Path, results: report.Results, size: report.SizeResult) -> None:
    for engine in ("ours", "plain"):
        history = results.validation_history[engine]
        reason = validation.projection(history, dataset.roles, args.validation_cap)
        if reason:
            log(f"[{dataset.label}] validation, {engine}: {reason}")
            size.validation[engine] = (Timing(over_cap=True, cap=args.validation_cap, note=reason), 0, {})
            continue
        log(f"[{dataset.label}] validation, {engine} (cap {args.validation_cap:g} s)")
        keys = folder / f"validation-{engine}.json"
        timing, peak, info = validation.measure_engine(engine, dataset.generated, args.validation_cap, args.repeat, keys)
        size.validation[engine] = (timing, peak, info)
        size.memory[f"validation {engine} child"] = peak
        history.append((dataset.label, dataset.roles, timing))
        log(f"  {engine}: {report.fmt_timing(timing)} ({timing.n} runs), {info.get('results', '?')} results")
    ours_keys, plain_keys = folder / "validation-ours.json", folder / "validation-plain.json"
    if ours_keys.exists() and plain_keys.exists():
        size.comparison = validation.compare(ours_keys, plain_keys)
        log(f"  identical results: {size.comparison[0]}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    results = report.Results(command=" ".join(shlex.quote(part) for part in [sys.executable, "-m", "bench"] + sys.argv[1:]),
                             settings=report.settings_text(args), machine=report.machine())
    work = args.work or Path(tempfile.mkdtemp(prefix="peersupport-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log(f"work folder: {work}")
    try:
        if "validation" in args.sections:
            with results.phase("–", "upload: validate() library call"):
                log("one organisation's upload, validate() in a child process")
                results.one_org_library, results.one_org_peak = validation.measure_one_org(max(args.repeat, 10))
        for target in args.targets:
            with results.phase(bench_data.size_label(target), "generate data"):
                dataset = bench_data.make_dataset(target, work, args.seed)
            log(f"[{dataset.label}] {dataset.total_triples:,} triples ({dataset.generated_triples:,} generated: "
                f"{dataset.organisations:,} organisations, {dataset.roles:,} roles)")
            run_size(args, dataset, work, results)
    finally:
        results.total_seconds = time.perf_counter() - started
        text = report.render(results)
        print(text)
        args.output.write_text(text)
        log(f"wrote {args.output}; total {results.total_seconds / 60:.1f} min")
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
