"""The benchmark report: what a run collected (``Results``, one ``SizeResult`` per size), the
machine it ran on, and the markdown tables, with the targets marked met or not met from the
ratios of the same run."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata

from .data import Dataset
from . import report_costs
from .costs import Costs
from .measure import Timing, mb
from .report_format import fmt_ratio, fmt_seconds, fmt_timing
from .report_format import table as _table
from .sparql import JOIN_NAME

OVERHEAD_TARGET, OVERHEAD_FLOOR = 1.2, 0.010  # HTTP ≤ 1.2 × in-process, for queries of ≥ 10 ms
SPEEDUP_TARGET, SPEEDUP_SIZE = 100, 100_000  # ≥ 100 × rdflib-endpoint on the join, at 10^5
THROUGHPUT_TARGET, THROUGHPUT_CLIENTS = 0.5, 16  # ≥ 0.5 × Oxigraph server at 16 clients
VALIDATION_TARGET, VALIDATION_SIZE = 10, 1_000_000  # ≥ 10 × plain pySHACL at 10^6
UPLOAD_TARGET = 0.5  # "well under a second": p95 below half a second


@dataclass
class SizeResult:
    dataset: Dataset
    prepare: Timing | None = None
    bulk: Timing | None = None
    oxigraph_load_seconds: float | None = None
    rdflib_load_seconds: float | None = None
    http: dict = field(default_factory=dict)
    inproc: dict = field(default_factory=dict)  # on an in-memory store, as our query workers hold it
    ondisk: dict = field(default_factory=dict)  # on the store generation on disk, read-only (context)
    cached: dict = field(default_factory=dict)  # ours over HTTP, the same text repeated (result cache)
    rdflib: dict = field(default_factory=dict)
    throughput: dict = field(default_factory=dict)  # (server name, clients) -> Throughput
    validation: dict = field(default_factory=dict)  # engine -> (Timing, peak kB, info)
    comparison: tuple | None = None  # (identical, only ours, only plain)
    memory: dict = field(default_factory=dict)  # what -> peak kB
    memory_notes: dict = field(default_factory=dict)
    costs: Costs = field(default_factory=Costs)  # load until served, PSS, fixed cost (bench.costs)


@dataclass
class Results:
    command: str
    settings: str
    machine: dict
    sizes: list[SizeResult] = field(default_factory=list)
    one_org_library: Timing = field(default_factory=Timing)
    one_org_peak: int = 0
    one_org_http: dict = field(default_factory=dict)  # classify? -> Timing of POST /validate
    rdflib_over_cap: list = field(default_factory=list)  # (size label, query name)
    validation_history: dict = field(default_factory=lambda: defaultdict(list))
    phases: list = field(default_factory=list)  # (size label, phase, seconds)
    total_seconds: float = 0.0

    @contextmanager
    def phase(self, size: str, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phases.append((size, name, time.perf_counter() - started))


# ---------------------------------------------------------------- the machine

def _cpu_model() -> str:
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram() -> str:
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict:
    from .servers import oxigraph_binary

    try:
        oxigraph = subprocess.run([str(oxigraph_binary()), "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        oxigraph = "not found"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": f"{os.cpu_count()} logical ({len(os.sched_getaffinity(0))} usable)",
        "ram": _ram(),
        "load average at start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "os": f"{platform.system()} {platform.release()}",
        "versions": ", ".join(
            [f"Python {platform.python_version()}"]
            + [f"{name} {_version(name)}" for name in ("pyoxigraph", "rdflib", "pyshacl", "rdflib-endpoint", "httpx",
                                                        "uvicorn", "fastapi", "peersupport")]
            + [oxigraph]),
    }


def settings_text(args) -> str:
    return (f"sizes {', '.join(f'{t:,}' for t in args.targets)} triples; {args.repeat} repetitions; "
            f"query cap {args.cap:g} s; validation cap {args.validation_cap:g} s; throughput {args.duration:g} s "
            f"per measurement with {', '.join(map(str, args.client_counts))} clients; seed {args.seed}; "
            f"sections: {', '.join(sorted(args.sections))}")


# ---------------------------------------------------------------- formatting (see bench.report_format)

def _ratio(numerator: Timing | None, denominator: Timing | None) -> tuple[float | None, bool]:
    """(numerator / denominator of the medians, whether it is only a lower bound)."""
    if numerator is None or denominator is None or denominator.median is None:
        return None, False
    if numerator.over_cap:
        return numerator.cap / denominator.median, True
    if numerator.median is None:
        return None, False
    return numerator.median / denominator.median, False


def _rate(count: int, timing: Timing | None) -> str:
    if timing is None or timing.median is None:
        return "–"
    return f"{count / timing.median:,.0f}"


# ---------------------------------------------------------------- sections

def _datasets(results: Results) -> str:
    rows = [[s.dataset.label, f"{s.dataset.organisations:,}", f"{s.dataset.roles:,}", f"{s.dataset.generated_triples:,}",
             f"{s.dataset.total_triples:,}"] for s in results.sizes]
    return _table(["size", "organisations", "roles", "generated triples", "total triples (with the project's files)"], rows)


def _latency(size: SizeResult) -> str:
    rows = []
    for name in size.http or size.rdflib or size.inproc:
        http, inproc, rdflib = size.http.get(name), size.inproc.get(name), size.rdflib.get(name)
        ondisk, cached = size.ondisk.get(name), size.cached.get(name)
        cached_speedup, cached_bound = _ratio(rdflib, cached)
        overhead, _ = _ratio(http, inproc)
        speedup, bound = _ratio(rdflib, http)
        counts = [t.rows for t in (http, inproc, rdflib) if t is not None and t.rows is not None]
        rows_text = f"{counts[0]:,}" if counts else "–"
        if len(set(min(c, 10_000) for c in counts)) > 1:
            rows_text += " ≠ " + "/".join(f"{c:,}" for c in counts)
        elif counts and max(counts) > 10_000:
            rows_text = f"10,000 (of {max(counts):,})"
        runs = "/".join(str(t.n) if t is not None else "–" for t in (http, inproc, rdflib))
        rows.append([name, rows_text, fmt_timing(http), fmt_timing(http, "p95"), fmt_timing(inproc),
                     fmt_timing(inproc, "p95"), fmt_timing(ondisk), fmt_timing(rdflib), fmt_timing(rdflib, "p95"),
                     fmt_ratio(overhead), fmt_ratio(speedup, bound), fmt_timing(cached),
                     fmt_ratio(cached_speedup, cached_bound), runs])
    header = ["query", "rows", "ours HTTP median", "p95", "in-process (in-memory Store) median", "p95",
              "on-disk Store median (context)", "rdflib-endpoint median", "p95", "overhead HTTP / in-process",
              "speed-up rdflib-endpoint / ours", "ours cached median", "speed-up rdflib-endpoint / ours cached",
              "runs (ours/in-proc/rdflib)"]
    notes = sorted({f"{name}: {t.note}" for name, t in size.rdflib.items() if t.note}
                   | {f"{name} (ours): {t.note}" for name, t in size.http.items() if t.note})
    text = _table(header, rows)
    if notes:
        text += "\n\n" + "\n".join(f"- {note}" for note in notes)
    return text


def _throughput(results: Results) -> str:
    rows = []
    for size in results.sizes:
        for clients in sorted({c for _, c in size.throughput}):
            ours, oxi = size.throughput.get(("ours", clients)), size.throughput.get(("oxigraph", clients))
            if ours is None or oxi is None:
                continue
            ratio = ours.per_second / oxi.per_second if oxi.per_second else None
            rows.append([size.dataset.label, str(clients), f"{ours.seconds:.0f} / {oxi.seconds:.0f}",
                         f"{ours.per_second:,.1f}",
                         f"{fmt_seconds(ours.median_latency)} / {fmt_seconds(ours.p95_latency)}", str(ours.errors),
                         f"{oxi.per_second:,.1f}", f"{fmt_seconds(oxi.median_latency)} / {fmt_seconds(oxi.p95_latency)}",
                         str(oxi.errors), fmt_ratio(ratio), f"{ours.client_cpu:.0%} / {oxi.client_cpu:.0%}"])
    header = ["size", "clients", "window s (ours / Oxigraph)", "ours req/s", "ours latency median / p95", "ours errors", "Oxigraph req/s",
              "Oxigraph latency median / p95", "Oxigraph errors", "ours / Oxigraph", "client CPU (ours / Oxigraph run)"]
    return _table(header, rows)


def _load(results: Results) -> str:
    rows = []
    for size in results.sizes:
        if size.prepare is None:
            continue
        triples = size.dataset.total_triples
        ratio, _ = _ratio(size.prepare, size.bulk)
        rows.append([size.dataset.label, f"{triples:,}", fmt_timing(size.prepare), fmt_timing(size.prepare, "p95"),
                     _rate(triples, size.prepare), fmt_timing(size.bulk), fmt_timing(size.bulk, "p95"),
                     _rate(triples, size.bulk), fmt_ratio(ratio),
                     _single_rate(triples, size.oxigraph_load_seconds), _single_rate(triples, size.rdflib_load_seconds)])
    header = ["size", "triples", "prepare_store median", "p95", "triples/s", "bulk_load median", "p95", "triples/s",
              "prepare_store / bulk_load time", "for reference: oxigraph CLI load, 1 run", "rdflib Dataset parse, 1 run"]
    return _table(header, rows)


def _single_rate(triples: int, seconds: float | None) -> str:
    return "–" if seconds is None else f"{fmt_seconds(seconds)} ({triples / seconds:,.0f}/s)"


def _validation(results: Results) -> str:
    rows, details = [], []
    for size in results.sizes:
        if not size.validation:
            continue
        ours, plain = size.validation.get("ours", (None,))[0], size.validation.get("plain", (None,))[0]
        for engine, label in (("ours", "ours: engine on Oxigraph"), ("plain", "plain pySHACL")):
            timing, peak, info = size.validation.get(engine, (None, 0, {}))
            if timing is None:
                continue
            triples, roles = info.get("triples", size.dataset.generated_triples), info.get("roles", size.dataset.roles)
            if timing.median is not None:
                per_1e5, rate = fmt_seconds(timing.median * 100_000 / triples), _rate(roles, timing)
            elif timing.note.startswith("not run"):
                per_1e5 = rate = "not run"
            elif timing.over_cap:  # bounds from the cap
                per_1e5, rate = f"> {fmt_seconds(timing.cap * 100_000 / triples)}", f"< {roles / timing.cap:,.1f}"
            else:
                per_1e5 = rate = "–"
            median, p95 = fmt_timing(timing), fmt_timing(timing, "p95")
            if timing.note.startswith("not run"):
                median, p95 = "not run (projected > cap)", "–"
            results_count = info.get("results")
            rows.append([size.dataset.label, f"{triples:,}", f"{roles:,}", label, str(timing.n), median, p95, per_1e5,
                         rate, f"{results_count:,}" if results_count is not None else "–", mb(peak)])
            if timing.note:
                details.append(f"- {size.dataset.label}, {label}: {timing.note}")
        ratio, bound = _ratio(plain, ours)
        same = "not compared" if size.comparison is None else ("yes" if size.comparison[0] else "**no**")
        if any(t is not None and t.note.startswith("not run") for t in (ours, plain)):
            ratio = None  # a projection, not a measurement: no ratio
        details.append(f"- {size.dataset.label}: plain / ours = {fmt_ratio(ratio, bound)}; identical results: {same}")
        if size.comparison is not None and not size.comparison[0]:
            for label, keys in (("only ours", size.comparison[1]), ("only plain pySHACL", size.comparison[2])):
                details += [f"  - {label}: {' | '.join(key)}" for key in keys[:50]]
                if len(keys) > 50:
                    details.append(f"  - {label}: … {len(keys) - 50} more")
    header = ["size", "data triples", "roles", "engine", "runs", "median", "p95", "s per 10^5 triples", "roles/s",
              "results", "peak memory (ru_maxrss)"]
    return _table(header, rows) + ("\n\n" + "\n".join(details) if details else "")


def _one_org(results: Results) -> str:
    rows = []
    if results.one_org_library.samples or results.one_org_library.note:
        rows.append(["`peersupport.validation.validate.validate(bytes, format='nt', classify=False)`, warm caches", "",
                     str(results.one_org_library.n), fmt_timing(results.one_org_library),
                     fmt_timing(results.one_org_library, "p95")])
    for classify, timing in sorted(results.one_org_http.items()):
        what = "`POST /validate?classify=true` (JSON report)" if classify else "`POST /validate` (JSON report, server default)"
        rows.append([what, timing.note, str(timing.n), fmt_timing(timing), fmt_timing(timing, "p95")])
    return _table(["one generated organisation (a different seed each run)", "note", "runs", "median", "p95"], rows)


def _memory(results: Results) -> str:
    columns = ["our server", "Oxigraph server", "rdflib-endpoint", "in-process child", "on-disk child",
               "prepare_store child",
               "bulk_load child", "validation ours child", "validation plain child"]
    rows = [[size.dataset.label] + [mb(size.memory.get(column)) for column in columns] for size in results.sizes]
    notes = {}
    for size in results.sizes:
        notes.update(size.memory_notes)
    how = [f"- {name}: {note}" for name, note in notes.items() if note]
    how += ["- in-process, on-disk, load and validation children: ru_maxrss of the child process (os.wait4), "
            "which includes the interpreter and imported libraries",
            f"- one organisation's validation (library, child process): {mb(results.one_org_peak)}"]
    return _table(["size"] + columns, rows) + "\n\n" + "\n".join(how)


# ---------------------------------------------------------------- targets

def _targets(results: Results) -> str:
    rows = report_costs.target_rows(results.sizes) + [
        _overhead_target(results), _speedup_target(results), _throughput_target(results),
        _validation_target(results), _upload_target(results)]
    return _table(["target", "measured (this run)", "met?"], rows)


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def _overhead_target(results: Results) -> list[str]:
    parts, verdicts = [], []
    for size in results.sizes:
        slow = [(name, _ratio(size.http.get(name), timing)[0]) for name, timing in size.inproc.items()
                if timing.median is not None and timing.median >= OVERHEAD_FLOOR]
        slow = [(name, ratio) for name, ratio in slow if ratio is not None]
        if not slow:
            parts.append(f"{size.dataset.label}: no query ≥ 10 ms in-process")
            continue
        worst = max(slow, key=lambda entry: entry[1])
        over = sum(1 for _, ratio in slow if ratio > OVERHEAD_TARGET)
        parts.append(f"{size.dataset.label}: {len(slow)} queries ≥ 10 ms, worst {fmt_ratio(worst[1])} ({worst[0]}), "
                     f"{over} above {OVERHEAD_TARGET}×")
        verdicts.append(over == 0)
    return [f"HTTP overhead ≤ {OVERHEAD_TARGET}× in-process for queries ≥ 10 ms", "; ".join(parts) or "not measured",
            _verdict(all(verdicts) if verdicts else None)]


def _speedup_target(results: Results) -> list[str]:
    label = f"≥ {SPEEDUP_TARGET}× faster than rdflib-endpoint on {JOIN_NAME} at 10^5"
    size = next((s for s in results.sizes if s.dataset.target == SPEEDUP_SIZE), None)
    if size is None or JOIN_NAME not in size.http:
        return [label, "not measured (10^5 not in this run)", "–"]
    ratio, bound = _ratio(size.rdflib.get(JOIN_NAME), size.http.get(JOIN_NAME))
    if ratio is None:
        return [label, "not measured", "–"]
    ok = ratio >= SPEEDUP_TARGET if not bound or ratio >= SPEEDUP_TARGET else None
    others = [f"{s.dataset.label}: {fmt_ratio(*_ratio(s.rdflib.get(JOIN_NAME), s.http.get(JOIN_NAME)))}"
              for s in results.sizes if s is not size and JOIN_NAME in s.http]
    text = f"{fmt_ratio(ratio, bound)} ({fmt_timing(size.rdflib.get(JOIN_NAME))} against {fmt_timing(size.http.get(JOIN_NAME))})"
    cached = size.cached.get(JOIN_NAME)
    if cached is not None and cached.median is not None:
        text += (f"; the same text repeated, answered by the result cache: "
                 f"{fmt_ratio(*_ratio(size.rdflib.get(JOIN_NAME), cached))} ({fmt_timing(cached)}; not counted)")
    return [label, text + (f"; other sizes: {', '.join(others)}" if others else ""), _verdict(ok)]


def _throughput_target(results: Results) -> list[str]:
    parts, verdicts = [], []
    for size in results.sizes:
        ours, oxi = size.throughput.get(("ours", THROUGHPUT_CLIENTS)), size.throughput.get(("oxigraph", THROUGHPUT_CLIENTS))
        if ours is None or oxi is None or not oxi.per_second:
            continue
        ratio = ours.per_second / oxi.per_second
        parts.append(f"{size.dataset.label}: {fmt_ratio(ratio)}")
        verdicts.append(ratio >= THROUGHPUT_TARGET)
    return [f"≥ {THROUGHPUT_TARGET}× Oxigraph server's throughput at {THROUGHPUT_CLIENTS} clients",
            "; ".join(parts) or "not measured", _verdict(all(verdicts) if verdicts else None)]


def _validation_target(results: Results) -> list[str]:
    label = f"validation ≥ {VALIDATION_TARGET}× plain pySHACL at 10^6, identical reports"
    parts, verdict = [], "not determined"
    for size in results.sizes:
        if "ours" not in size.validation or "plain" not in size.validation:
            continue
        ours, plain = size.validation["ours"][0], size.validation["plain"][0]
        ratio, bound = _ratio(plain, ours)
        projected = [t for t in (ours, plain) if t.note.startswith("not run")]
        if projected:
            ratio = None
        identical = None if size.comparison is None else size.comparison[0]
        text = fmt_ratio(ratio, bound) if ratio is not None else (
            "not run (projected > cap)" if projected else "both > cap" if ours.over_cap and plain.over_cap
            else "not determined")
        text += {None: ", results not compared", True: ", identical", False: ", results differ"}[identical]
        parts.append(f"{size.dataset.label}: {text}")
        if size.dataset.target == VALIDATION_SIZE:
            if identical is False or (ratio is not None and not bound and ratio < VALIDATION_TARGET):
                verdict = "**not met**"
            elif ratio is not None and ratio >= VALIDATION_TARGET and identical:
                verdict = "met"
            # otherwise (a time over the cap, or results not compared) it stays not determined
    if all(s.dataset.target != VALIDATION_SIZE for s in results.sizes):
        parts.append("10^6 not in this run")
    return [label, "; ".join(parts) or "not measured", verdict]


def _upload_target(results: Results) -> list[str]:
    label = f"one organisation's upload validated in well under a second (p95 < {UPLOAD_TARGET} s)"
    measured = [("library call", results.one_org_library)]
    measured += [("POST /validate?classify=true" if classify else "POST /validate", timing)
                 for classify, timing in sorted(results.one_org_http.items())]
    parts, verdicts = [], {}
    for name, timing in measured:
        if timing.p95 is not None:
            parts.append(f"{name}: median {fmt_seconds(timing.median)}, p95 {fmt_seconds(timing.p95)}")
            verdicts[name] = timing.p95 < UPLOAD_TARGET
    if not verdicts:
        verdict = "–"
    elif all(verdicts.values()):
        verdict = "met"
    else:
        verdict = "met by " + ", ".join(n for n, ok in verdicts.items() if ok) + "; **not met** by " + ", ".join(
            n for n, ok in verdicts.items() if not ok)
    return [label, "; ".join(parts) or "not measured", verdict]


# ---------------------------------------------------------------- the whole report

METHOD = """How to read this: medians and p95 (nearest rank: with 5 runs the p95 is the slowest) of
repeated runs after one warm-up run; a query's repetitions stop early once its runs used the cap,
so slow baselines have fewer runs (the "runs" column). "> cap" means a run went past the cap
(client timeout, or our endpoint's 503 at its time limit, set to the cap); a ratio against it is a
lower bound ("> N×"). Our endpoint answers at most 10,000 rows (its default row cap), and the
in-process runs read the same 10,000 at most; rdflib-endpoint and Oxigraph server send every row.
"In-process" is pyoxigraph on an in-memory store loaded with the same files, the kind of store our
query workers answer from; "on-disk Store" is pyoxigraph on the store generation on disk (RocksDB,
opened read-only, as the workers open it with --query-store disk), shown only for context.
HTTP requests are form POSTs asking for SPARQL JSON, one at a time on a kept-alive connection,
sent with the standard library's http.client;
the client shares the machine's cores with the servers."""


def _phases(results: Results) -> str:
    rows = [[size, name, fmt_seconds(seconds)] for size, name, seconds in results.phases]
    return _table(["size", "phase", "wall time"], rows)


def render(results: Results) -> str:
    m = results.machine
    out = ["# Benchmarks", "",
           f"- date: {m['date']}; total run time {results.total_seconds / 60:.1f} min",
           f"- machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, {m['os']}; load average at start {m['load average at start']}",
           f"- versions: {m['versions']}",
           f"- command: `{results.command}`",
           f"- settings: {results.settings}",
           "", "## Targets", "", _targets(results), "", METHOD, "", "## Data", "", _datasets(results), ""]
    costs = report_costs.section(results.sizes)
    if costs:
        out += ["## 0. Load until served, memory, fixed cost", "", report_costs.METHOD, "", costs]
    for size in results.sizes:
        if size.http or size.inproc or size.rdflib:
            out += [f"## 1. SPARQL latency at {size.dataset.label} ({size.dataset.total_triples:,} triples)", "",
                    _latency(size), ""]
    if any(size.throughput for size in results.sizes):
        out += ["## 2. Throughput (requests/s, the benchmark queries round robin)", "", _throughput(results), ""]
    if any(size.prepare for size in results.sizes):
        out += ["## 3. Load (files to a store on disk)", "", _load(results), ""]
    if any(size.validation for size in results.sizes) or results.one_org_library.samples or results.one_org_http:
        out += ["## 4. Validation", "", _validation(results), "", "### One organisation's upload", "", _one_org(results), ""]
    out += ["## 5. Peak memory", "", _memory(results), ""]
    out += ["## Run time by phase", "", _phases(results), ""]
    return "\n".join(out)
