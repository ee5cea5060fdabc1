"""The strict check of the files, run in another process while the holder parses them leniently
into memory: what of the parse can run on the second core.

The load itself cannot be split. Two ``Store.load`` calls in two threads into one in-memory
store take turns (sampled every 5 ms, one thread was always asleep while the other ran: the
store's writer lock), though each releases the GIL (into two separate stores both ran all the
time), and ``bulk_load`` into memory runs on one thread. But most of a load into memory is the
insertion: at 10^6 triples a strict ``Store.load`` took 2.9 s of CPU, a lenient one (IRIs and
language tags not checked) 2.4 s, and the strict parse alone, keeping nothing, 0.8 s. So the
files are loaded leniently while a child process parses them strictly, and the result is as
strict as a strict load: the first error of the first file that has one, with the same message,
line and column. Below ``APART_BYTES``, or with no core to spare, a second process costs more
than it saves (10^6 triples with the machine's 2 cores busy, load average 9-10: the holder's CPU
2.2-2.3 s against 2.6-2.8 s, the check's 0.9 s, but 0.5-1 s more until the load was done).

Run as ``python -m peersupport.store.strict_check``: the files as JSON on stdin, ``[[name,
path, media type], ...]``; on stdout, JSON: null, or the message of the first error.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys

import pyoxigraph as ox

APART_BYTES = 32 * 2**20


def pays(total_bytes: int) -> bool:
    """Whether checking files of ``total_bytes`` apart can save time: large enough, and a core to
    spare by the last minute's load average (on a busy machine the check's CPU only adds)."""
    cores = len(os.sched_getaffinity(0))
    return total_bytes >= APART_BYTES and cores > 1 and os.getloadavg()[0] < cores - 0.5


def first_error(files: list[tuple[str, str, str]]) -> str | None:
    """"cannot load NAME: MESSAGE" for the first file of ``files`` that does not parse strictly,
    else None. A file that cannot be read is left to the load, which reports it."""
    for name, path, media_type in files:
        try:
            collections.deque(ox.parse(path=path, format=ox.RdfFormat.from_media_type(media_type)), maxlen=0)
        except SyntaxError as error:
            return f"cannot load {name}: {error.msg}"
        except OSError:
            continue
    return None


class Beside:
    """The check of ``files`` (name, path, format), started in a child process."""

    def __init__(self, files: list):
        self._process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)
        self._process.stdin.write(json.dumps([[name, str(path), rdf_format.media_type]
                                              for name, path, rdf_format in files]))
        self._process.stdin.close()
        self._answer: tuple[str | None] | None = None

    def error(self) -> str | None:
        """Wait for the check: the message of the first error, else None."""
        if self._answer is None:
            answer = self._process.stdout.read()
            self._process.wait()  # its exit status may be lost (the holder ignores SIGCHLD): the answer tells
            try:
                self._answer = (json.loads(answer),)
            except json.JSONDecodeError:
                self._answer = ("the strict check of the files stopped before it was done",)
        return self._answer[0]

    def stop(self) -> None:
        """End the check if it is still running (the load failed first)."""
        if self._answer is None:
            self._process.kill()
            self.error()


if __name__ == "__main__":
    print(json.dumps(first_error(json.load(sys.stdin))))
