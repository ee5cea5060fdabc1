"""The bench's Targets rows for issue 20 (load until served, memory, fixed cost): exact text and
verdicts from made-up measurements, judged at 10^7 when the run holds it."""

from __future__ import annotations

from pathlib import Path

from bench.costs import Costs
from bench.data import Dataset
from bench.measure import Timing
from bench.report import SizeResult
from bench.report_costs import target_rows
from bench.virtuoso import BulkLoad


def size_result(target: int, costs: Costs) -> SizeResult:
    dataset = Dataset(target, Path("generated.nt"), (), organisations=1, roles=1, generated_triples=target,
                      total_triples=target)
    return SizeResult(dataset, costs=costs)


def costs(served: float, virtuoso: float, total_pss: float, copy: float, http_ms: float) -> Costs:
    return Costs(served_seconds=served, virtuoso=BulkLoad(seconds=virtuoso, triples=1), oxigraph_seconds=9.0,
                 memory={"total_pss_mb": total_pss, "processes": [{"role": "service", "pss_mb": total_pss}]},
                 one_copy={"pss_before_mb": 20.0, "pss_after_mb": 20.0 + copy},
                 http_small={"ask": Timing([http_ms / 1000] * 3)}, floor_small={"ask": Timing([0.0001] * 3)})


def test_targets_judged_at_1e7_with_the_smaller_size_shown():
    rows = target_rows([size_result(1_000_000, costs(12.0, 3.0, 1000.0, 300.0, 1.5)),
                        size_result(10_000_000, costs(36.0, 31.0, 3600.0, 2900.0, 0.8))])
    assert rows == [
        ["10^7 triples served (our start until /healthz answers) ≤ 1.2× Virtuoso's bulk load",
         "1e6: ours 12.00 s, Virtuoso 3.00 s (4.00×), oxigraph load 9.00 s; "
         "1e7: ours 36.00 s, Virtuoso 31.00 s (1.16×), oxigraph load 9.00 s", "met"],
        ["after the query mix at 10^7, total PSS ≤ 1.3× one in-memory copy",
         "1e6: total PSS 1,000 MB over 1 processes, one in-memory copy 300 MB (3.33×); "
         "1e7: total PSS 3,600 MB over 1 processes, one in-memory copy 2,900 MB (1.24×)", "met"],
        ["small query (≈ 0.1 ms in-process) ≤ 1 ms median over HTTP, kept-alive connection",
         "1e6: ask 1.5 ms (floor 100 µs); 1e7: ask 800 µs (floor 100 µs)", "met"],
    ]


def test_without_1e7_the_verdict_says_where_it_was_judged():
    rows = target_rows([size_result(1_000_000, costs(12.0, 3.0, 1000.0, 300.0, 1.5))])
    assert [row[2] for row in rows] == ["**not met** at 1e6 (10^7 not in this run)"] * 3


def test_nothing_measured():
    rows = target_rows([size_result(1_000_000, Costs())])
    assert [row[1:] for row in rows] == [["not measured", "–"]] * 3


def test_memory_takes_the_process_tree_when_healthz_missed_a_process_and_a_failed_mix_is_not_judged():
    missed = costs(36.0, 31.0, 2500.0, 2900.0, 0.8)
    missed.tree_pss_mb = 3100.0
    rows = target_rows([size_result(10_000_000, missed)])
    assert rows[1][1:] == ["1e7: total PSS 2,500 MB over 1 processes (3,100 MB over the process tree), one in-memory copy "
                           "2,900 MB (1.07×)", "met"]
    missed.mix_note = "findings-by-project: 503; practices-in-use: 503"
    rows = target_rows([size_result(10_000_000, missed)])
    assert rows[1][1:] == ["1e7: total PSS 2,500 MB over 1 processes (3,100 MB over the process tree), one in-memory copy "
                           "2,900 MB (1.07×), but 2 requests of the query mix were not answered 200, so not judged", "–"]
