"""The report's number formats and its markdown tables, shared by ``bench.report`` and
``bench.report_costs``."""

from __future__ import annotations

from .measure import Timing


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:,.2f} s"


def fmt_timing(timing: Timing | None, part: str = "median") -> str:
    if timing is None:
        return "–"
    if timing.over_cap:
        return f"> {timing.cap:g} s"
    if timing.median is None:
        return "error" if timing.note else "–"
    return fmt_seconds(timing.median if part == "median" else timing.p95)


def fmt_ratio(value: float | None, lower_bound: bool = False) -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
    return f"> {text}×" if lower_bound else f"{text}×"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
