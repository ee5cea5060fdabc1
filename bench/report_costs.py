"""The report's part for issue 20's targets (``bench.costs``): load until served against
Virtuoso's bulk loader, total PSS after the query mix against one in-memory copy, the small
queries' median over HTTP against their in-process floor; each target's row of the Targets
table, judged at 10^7 when the run holds that size (otherwise at the largest size, and said so)."""

from __future__ import annotations

from .measure import Timing
from .report_format import fmt_ratio, fmt_seconds, fmt_timing, table

LOAD_TARGET = 1.2  # ours served ≤ 1.2 × Virtuoso's bulk load
MEMORY_TARGET = 1.3  # total PSS ≤ 1.3 × one in-memory copy
FIXED_TARGET = 0.001  # small query median over HTTP ≤ 1 ms
TARGET_SIZE = 10_000_000  # where the targets are set


def _verdict(judged: list[tuple[int, str, bool]]) -> str:
    """``judged``: (size, label, met?) per size measured; the verdict at 10^7, else at the largest size."""
    if not judged:
        return "–"
    at_target = [entry for entry in judged if entry[0] == TARGET_SIZE]
    _, label, ok = at_target[0] if at_target else max(judged)
    word = "met" if ok else "**not met**"
    return word if at_target else f"{word} at {label} (10^7 not in this run)"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


def load_target(sizes) -> list[str]:
    parts, judged = [], []
    for size in sizes:
        costs = size.costs
        if costs.served_seconds is None:
            continue
        virtuoso = costs.virtuoso.seconds if costs.virtuoso else None
        text = f"{size.dataset.label}: ours {fmt_seconds(costs.served_seconds)}, Virtuoso {fmt_seconds(virtuoso)}"
        if virtuoso:
            ratio = costs.served_seconds / virtuoso
            text += f" ({fmt_ratio(ratio)})"
            judged.append((size.dataset.target, size.dataset.label, ratio <= LOAD_TARGET))
        elif costs.virtuoso and costs.virtuoso.note:
            text += f" ({costs.virtuoso.note})"
        parts.append(text + f", oxigraph load {fmt_seconds(costs.oxigraph_seconds)}")
    return [f"10^7 triples served (our start until /healthz answers) ≤ {LOAD_TARGET}× Virtuoso's bulk load",
            "; ".join(parts) or "not measured", _verdict(judged)]


def memory_target(sizes) -> list[str]:
    parts, judged = [], []
    for size in sizes:
        costs = size.costs
        if costs.memory is None:
            continue
        total, copy = costs.memory["total_pss_mb"], costs.one_copy_mb
        text = (f"{size.dataset.label}: total PSS {_mb(total)} over {len(costs.memory['processes'])} processes")
        if (costs.tree_pss_mb or 0) > total:  # /healthz missed a process (a worker being replaced): the tree's counts
            total = costs.tree_pss_mb
            text += f" ({_mb(total)} over the process tree)"
        text += f", one in-memory copy {_mb(copy)}"
        if copy:
            ratio = total / copy
            text += f" ({fmt_ratio(ratio)})"
        if costs.mix_note:  # a query stopped at its time limit leaves less behind: not judged
            text += f", but {costs.mix_note.count(';') + 1} requests of the query mix were not answered 200, so not judged"
        elif copy:
            judged.append((size.dataset.target, size.dataset.label, ratio <= MEMORY_TARGET))
        parts.append(text)
    return [f"after the query mix at 10^7, total PSS ≤ {MEMORY_TARGET}× one in-memory copy",
            "; ".join(parts) or "not measured", _verdict(judged)]


def fixed_cost_target(sizes) -> list[str]:
    parts, judged = [], []
    for size in sizes:
        costs = size.costs
        measured = [(name, timing) for name, timing in costs.http_small.items() if timing.median is not None]
        if not measured:
            continue
        texts = []
        for name, timing in measured:
            floor = costs.floor_small.get(name)
            texts.append(f"{name} {fmt_timing(timing)} (floor {fmt_timing(floor)})")
        parts.append(f"{size.dataset.label}: " + ", ".join(texts))
        judged.append((size.dataset.target, size.dataset.label,
                       all(timing.median <= FIXED_TARGET for _, timing in measured)))
    return [f"small query (≈ 0.1 ms in-process) ≤ {FIXED_TARGET * 1000:g} ms median over HTTP, kept-alive connection",
            "; ".join(parts) or "not measured", _verdict(judged)]


def target_rows(sizes) -> list[list[str]]:
    return [load_target(sizes), memory_target(sizes), fixed_cost_target(sizes)]


def _processes(memory: dict) -> str:
    """``service 95, worker holder 310, query worker 120 ×5`` (PSS MB by role)."""
    by_role: dict[str, list[float]] = {}
    for process in memory["processes"]:
        by_role.setdefault(process["role"], []).append(process["pss_mb"])
    return ", ".join(f"{role} " + "/".join(f"{value:,.0f}" for value in values) for role, values in by_role.items())


def _ratio(numerator: float | None, denominator: float | None) -> str:
    return fmt_ratio(numerator / denominator) if numerator is not None and denominator else "–"


def section(sizes) -> str:
    loads, memories, small = [], [], []
    for size in sizes:
        costs, label = size.costs, size.dataset.label
        if costs.served_seconds is not None:
            virtuoso = costs.virtuoso.seconds if costs.virtuoso else None
            loads.append([label, f"{size.dataset.total_triples:,}", fmt_seconds(costs.served_seconds),
                          fmt_seconds(virtuoso) + (f" ({costs.virtuoso.triples:,} triples)"
                                                   if costs.virtuoso and costs.virtuoso.triples else ""),
                          fmt_seconds(costs.oxigraph_seconds), _ratio(costs.served_seconds, virtuoso),
                          _ratio(costs.served_seconds, costs.oxigraph_seconds)])
        if costs.memory is not None:
            copy = costs.one_copy_mb
            memories.append([label, _mb(costs.memory["total_pss_mb"]), _mb(costs.tree_pss_mb),
                             _processes(costs.memory), _mb(costs.memory.get("total_rss_mb")), _mb(copy),
                             _ratio(costs.memory["total_pss_mb"], copy),
                             _mb(copy * 1e6 / size.dataset.total_triples) if copy else "–",
                             costs.mix_note or "all 200"])
        for name, timing in costs.http_small.items():
            floor = costs.floor_small.get(name, Timing())
            overhead = timing.median - floor.median if timing.median is not None and floor.median is not None else None
            small.append([label, name, str(floor.rows if floor.rows is not None else "–"), fmt_timing(timing),
                          fmt_timing(timing, "p95"), fmt_timing(floor), fmt_seconds(overhead),
                          _ratio(timing.median, floor.median), f"{timing.n}/{floor.n}"])
    out = []
    if loads:
        out += ["### Load until served", "", table(
            ["size", "triples", "ours: start until /healthz answers", "Virtuoso bulk load (ld_add, rdf_loader_run, checkpoint)",
             "oxigraph load", "ours / Virtuoso", "ours / oxigraph load"], loads), ""]
    if memories:
        out += ["### Memory after the query mix", "", table(
            ["size", "total PSS (/healthz?deep=1)", "PSS of the process tree (bench)", "PSS by process (MB)",
             "total RSS", "one in-memory copy (PSS after − before)", "total PSS / one copy", "one copy per 10^6 triples",
             "query mix"], memories), ""]
    if small:
        out += ["### Fixed cost: small queries", "", table(
            ["size", "query", "rows", "HTTP median", "p95", "in-process floor median", "HTTP − floor", "HTTP / floor",
             "runs (HTTP/floor)"], small), ""]
    return "\n".join(out)


METHOD = """Load until served: our service (`peersupport serve --data FILE` on an empty store folder, default
settings) from its start until `/healthz` answers 200; Virtuoso's bulk loader in a throw-away
Virtuoso (the `isql` session of `ld_add` per file, `rdf_loader_run()` and `checkpoint`; the
server's start not counted); `oxigraph load` of each file into its graph. One run each, one named
graph per file. Memory: `/healthz?deep=1`'s total PSS after every benchmark query was sent once
from as many concurrent clients as the pool has workers; one in-memory copy is a child process's
PSS after loading the files into `pyoxigraph.Store()` minus its PSS before. Fixed cost: each small
query sent 300 times (after 20 warm-ups), each a new text, on one kept-alive connection; the
floor is the same texts in-process on the in-memory copy. The machine's two cores are shared with
the client and, during this run, with other work: the figures are noisy."""
