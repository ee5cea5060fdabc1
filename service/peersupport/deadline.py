"""A time limit checked cooperatively: work that runs in a thread cannot be stopped from outside,
so long loops call ``Deadline.check()`` between their steps, which raises ``errors.Timeout``
once the limit has passed. ``Deadline(None)`` or ``Deadline(0)`` never expires.
"""

from __future__ import annotations

import time

from peersupport.errors import Timeout


class Deadline:
    def __init__(self, seconds: float | None, what: str = "the work", setting: str | None = None,
                 hint: str | None = None):
        self.seconds = seconds or None
        self.what, self.setting, self.hint = what, setting, hint
        self.ends = None if self.seconds is None else time.monotonic() + self.seconds

    def check(self) -> None:
        """Raise ``Timeout``, naming the limit and the setting that gives it, once the limit has passed."""
        if self.ends is not None and time.monotonic() >= self.ends:
            where = f" ({self.setting})" if self.setting else ""
            raise Timeout(f"{self.what} stopped at its time limit of {self.seconds:g} s{where}", self.hint)


NEVER = Deadline(None)
