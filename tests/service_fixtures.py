"""Real servers for the service tests: ``peersupport serve`` under uvicorn on a free local port,
with the embedded store or in front of Oxigraph server (from the ``oxigraph`` PyPI package); and
the waits the service tests use: on an observable state (``until``), or on the servers being at
work on a request (``Working``), never for a fixed time."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from bench.measure import descendants, parent_of  # the process-tree helpers, shared with the bench; re-exported for the tests
from peersupport.store.loading import graph_name, project_files


STARTED: list[subprocess.Popen] = []  # every server started here, for ``Working``


def until(condition, seconds: float = 30.0, every: float = 0.02, what: str = "the state") -> None:
    """Wait for ``condition()`` to hold (an observable state), failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} was not reached within {seconds:g} s"
        time.sleep(every)


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


class Working:
    """The CPU time the running servers (and their worker processes) spend from now: made before
    a request is sent, ``until_spent`` then waits until the servers are at work on it."""

    def __init__(self):
        self.start = _cpu_seconds(self._pids())

    @staticmethod
    def _pids() -> list[int]:
        return [pid for p in STARTED if p.poll() is None for pid in [p.pid, *descendants(p.pid)]]

    def spent(self) -> float:
        return _cpu_seconds(self._pids()) - self.start

    def until_spent(self, cpu_seconds: float, or_else=lambda: False, seconds: float = 30.0) -> None:
        """Until the servers have spent ``cpu_seconds`` since this was made (or ``or_else()`` holds)."""
        until(lambda: self.spent() >= cpu_seconds or or_else(), seconds, what=f"{cpu_seconds:g} s of the servers' CPU")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60, unavailable_too: bool = False) -> None:
    """Until ``url`` answers below 500 (or 503 too, for a server whose health says it cannot answer)."""

    def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {server_log(process)}")
        try:
            status = httpx.get(url, timeout=1, trust_env=False).status_code
        except httpx.HTTPError:
            return False
        return status < 500 or (unavailable_too and status == 503)

    until(up, seconds, every=0.2, what=f"{url} answering")


def server_log(process: subprocess.Popen) -> str:
    """What a server wrote to standard error so far (its log, for ``start_service``'s servers)."""
    if getattr(process, "log_path", None):
        return Path(process.log_path).read_text(errors="replace")
    return process.stderr.read().decode(errors="replace") if process.stderr else ""


def _logged(command: list[str], name: str, env: dict | None = None) -> subprocess.Popen:
    """A server whose standard error goes to a file, not to a pipe nobody reads, which would fill
    and stop the server; ``server_log`` reads it."""
    log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    log.close()
    process.log_path = log.name
    STARTED.append(process)
    return process


def start_service(store: Path, env_extra: dict | None = None, timeout: float = 3.0,
                  options: tuple[str, ...] = (), unavailable_too: bool = False) -> tuple[str, subprocess.Popen]:
    """``peersupport serve`` on a free port; its log (one line per request) goes to a file."""
    port = free_port()
    env = {**os.environ, **(env_extra or {})}
    process = _logged([sys.executable, "-m", "peersupport.cli", "serve", "--port", str(port), "--store", str(store),
                       "--timeout", str(timeout), *options], "peersupport-serve", env)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/healthz", process, unavailable_too=unavailable_too)
    return base, process


def start_oxigraph_server(location: Path) -> tuple[str, subprocess.Popen]:
    """Oxigraph server, read-only, holding the same named graphs as the embedded store."""
    oxigraph = Path(sys.executable).with_name("oxigraph")
    for name, path in project_files():
        subprocess.run([str(oxigraph), "load", "--location", str(location), "--file", str(path),
                        "--graph", graph_name(name).value], check=True, capture_output=True)
    port = free_port()
    process = _logged([str(oxigraph), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                      "oxigraph-server")
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query?query=ASK%7B%7D", process)
    return base, process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def survivors(children: dict[int, str], grace: float = 3.0) -> dict[int, str]:
    """The processes of ``children`` (pid: command line) still running ``grace`` seconds on."""
    def alive() -> dict[int, str]:
        return {pid: cmd for pid, cmd in children.items() if cmd and cmdline(pid) == cmd}

    try:
        until(lambda: not alive(), grace, every=0.2)
    except AssertionError:
        pass
    return alive()


STORES = ["embedded", "oxigraph-server"]


def serve_on(store: str, tmp_path_factory):
    """The service's URL, for a module's fixture parametrized over ``STORES``: on its embedded
    store, or in front of an Oxigraph server holding the bundled graphs; stopped afterwards."""
    processes, env = [], {}
    if store == "oxigraph-server":
        remote, process = start_oxigraph_server(tmp_path_factory.mktemp("oxigraph"))
        processes.append(process)
        env["PEERSUPPORT_SPARQL_ENDPOINT"] = remote + "/query"
    url, process = start_service(tmp_path_factory.mktemp("store"), env)
    processes.append(process)
    yield url
    for process in reversed(processes):
        stop(process)


# A served store for a test module (import both where a module needs them).
@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url, process = start_service(tmp_path_factory.mktemp("store"))
    yield url
    stop(process)


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=60, trust_env=False) as c:
        yield c
