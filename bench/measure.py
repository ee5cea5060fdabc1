"""Measuring primitives shared by the benchmarks: timings with medians and p95, time-boxed
repetitions, and the peak memory of processes.

Memory is measured two ways, and each table says which:

* ``VmHWM`` ("high water mark": the peak resident set size) read from ``/proc/PID/status`` of a
  running process just before it is stopped, summed over a process tree where the tree's
  processes do not share their memory (our service's spawned query workers);
* ``ru_maxrss`` of a child process we waited for (``os.wait4``): its own peak resident set size.

Both count resident pages, file-backed ones included (Oxigraph's RocksDB files once read), and
neither sees what the kernel's page cache holds outside the process.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable


class OverCap(Exception):
    """One run went past the time cap (a client timeout, a 503 from a time limit, a killed child)."""


@dataclass
class Timing:
    """The seconds of the measured runs of one thing. ``over_cap`` means a run went past the cap
    (so the true median is unknown, and at least ``cap``); ``note`` says why something was not run."""

    samples: list[float] = field(default_factory=list)
    over_cap: bool = False
    cap: float | None = None
    note: str = ""
    rows: int | None = None  # result rows, for queries

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def known(self) -> bool:
        return bool(self.samples) and not self.over_cap

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.known else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples, 95) if self.known else None

    @property
    def lower_bound(self) -> float | None:
        """What is known of a run that went over the cap: at least the cap."""
        return self.cap if self.over_cap else None

    def as_dict(self) -> dict:
        return {"samples": self.samples, "over_cap": self.over_cap, "cap": self.cap, "note": self.note,
                "rows": self.rows, "median": self.median, "p95": self.p95}


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: with 5 samples the p95 is the largest."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def repeat_timed(run_once: Callable[[], float], repeat: int, budget: float, cap: float,
                 warmup: bool = True) -> Timing:
    """One warm-up run (not counted) then up to ``repeat`` measured runs of ``run_once`` (which
    returns the seconds it took, or raises OverCap). Repetitions stop early once the runs so far,
    warm-up included, used ``budget`` seconds, so that a slow baseline gets fewer runs instead of
    a run of hours; ``Timing.n`` says how many were measured."""
    timing = Timing(cap=cap)
    spent = 0.0
    try:
        if warmup:
            spent += run_once()
        while timing.n < repeat and (timing.n == 0 or spent < budget):
            seconds = run_once()
            timing.samples.append(seconds)
            spent += seconds
    except OverCap:
        timing.over_cap = True
    return timing


# ---------------------------------------------------------------- memory

def vmhwm_kb(pid: int) -> int:
    """The peak resident set size of a running process, in kB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def parent_of(pid: int) -> int:
    """The parent id of a running process, from /proc/PID/stat (raises OSError when it is gone)."""
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    return int(text[text.rindex(")") + 2:].split()[1])  # the command name may hold spaces


def descendants(root: int) -> list[int]:
    """Every process below ``root``, from the parent ids in /proc/PID/stat
    (/proc/PID/task/*/children is not always compiled in). The tests use it too."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            children[parent_of(int(entry.name))].append(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    found, todo = [], [root]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def tree_vmhwm_kb(root: int) -> tuple[int, int]:
    """(sum of VmHWM over ``root`` and its descendants in kB, number of processes)."""
    pids = [root] + descendants(root)
    return sum(vmhwm_kb(pid) for pid in pids), len(pids)


@dataclass
class ChildRun:
    """What a child process printed, its peak memory, and whether it was killed at the cap."""

    lines: list[str]
    maxrss_kb: int
    returncode: int
    killed: bool
    stderr: str


def run_child(command: list[str], cwd: str, timeout: float, stdin_text: str = "") -> ChildRun:
    """Run ``command`` with ``stdin_text`` as its input, collecting its stdout lines; kill it
    after ``timeout`` seconds (a safety net: the children enforce their own caps). Its peak
    resident set size comes from ``os.wait4`` (``ru_maxrss``, kB on Linux)."""
    process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdin.write(stdin_text)
    process.stdin.close()
    lines: list[str] = []
    errors: list[str] = []

    def read_out():
        for line in process.stdout:
            lines.append(line.rstrip("\n"))

    def read_err():
        errors.append(process.stderr.read())

    readers = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    killed = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            killed = True
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(5)
    return ChildRun(lines, usage.ru_maxrss, process.returncode, killed, "".join(errors))


def mb(kb: int | None) -> str:
    return "–" if not kb else f"{kb / 1024:,.0f} MB"
