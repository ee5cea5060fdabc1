"""How far a load into memory has got: the parser's reads counted as it goes, each file's
triples and rate logged when it is in, the final rate, and on a terminal a bar.

The parsing may run in another process (the query workers' holder) than the one showing the
progress: ``Display`` is what shows it, and anything with the same three methods (``reading``,
``loaded``, ``finished``) can stand in for it on the parsing side and pass the calls on.
"""

from __future__ import annotations

import logging
import sys
import time

log = logging.getLogger(__name__)
BAR_WIDTH = 30
# The parser reads in small pieces (about 140 per MB); progress is passed on at most this often.
EVERY_SECONDS = 0.2


def rate(triples: int, seconds: float) -> str:
    """'1,234,567 triples/s'."""
    return f"{triples / seconds:,.0f} triples/s" if seconds > 0 else "- triples/s"


class Display:
    """Log lines for each file and the whole load; a bar on ``stream`` when it is a terminal."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.bar = bool(getattr(self.stream, "isatty", lambda: False)())
        self._drawn = False

    def reading(self, done: int, total: int, seconds: float) -> None:
        if not self.bar or total <= 0:
            return
        filled = min(BAR_WIDTH, BAR_WIDTH * done // total)
        speed = f", {done / seconds / 2**20:,.0f} MB/s" if seconds > 0 else ""
        self.stream.write(f"\rloading into memory [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                          f"{100 * done // total:3d}%  {done / 2**20:,.0f} of {total / 2**20:,.0f} MB{speed}   ")
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False

    def loaded(self, name: str, triples: int, seconds: float) -> None:
        self._clear()
        log.info("in memory: %s, %d triples in %.2f s (%s)", name, triples, seconds, rate(triples, seconds))

    def finished(self, files: int, triples: int, seconds: float) -> None:
        self._clear()
        log.info("in-memory store ready: %d files parsed, %d triples in %.2f s (%s)", files, triples, seconds,
                 rate(triples, seconds), extra={"triples": triples, "seconds": round(seconds, 2)})


class Reading:
    """A file as the parser reads it, telling ``report.reading`` how far it has got in the whole
    load (``before`` bytes of earlier files, ``total`` in all) at most every EVERY_SECONDS."""

    def __init__(self, file, before: int, total: int, started: float, report):
        self._file, self._before, self._total, self._started, self._report = file, before, total, started, report
        self._done, self._last = 0, 0.0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._done += len(data)
        now = time.monotonic()
        if now - self._last >= EVERY_SECONDS:
            self._last = now
            self._report.reading(self._before + self._done, self._total, now - self._started)
        return data
