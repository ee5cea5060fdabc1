"""The three SPARQL servers compared, each started as a subprocess on a free local port:

* ours: ``peersupport serve --store DIR --data FILE --timeout CAP`` (as ``tests/service_fixtures``
  starts it, plus ``--data``), otherwise with its default settings (``PEERSUPPORT_*`` unset);
* Oxigraph server: ``oxigraph serve-read-only`` on a store loaded by ``oxigraph load``, one named
  graph per file, queried with the ``union-default-graph`` parameter as ``peersupport.sparql.remote`` does;
* rdflib-endpoint over an rdflib ``Dataset`` (``default_union=True``) holding the same named
  graphs, run by ``bench.rdflib_server``, which can restart the endpoint without reloading.

Each ``Server`` knows how to post a query to itself and how to read its peak memory.

Latency is measured with ``QueryClient``, the standard library's ``http.client`` on one kept-alive
connection, the leanest client at hand; throughput uses httpx's asyncio client.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

from peersupport.store.loading import graph_name

from .measure import tree_vmhwm_kb, vmhwm_kb

REPO = Path(__file__).resolve().parents[1]
SPARQL_JSON = "application/sparql-results+json"


class QueryClient:
    """Form POSTs on one kept-alive HTTP/1.1 connection; a timed-out or broken connection is
    replaced on the next request. ``post`` returns (status, body) once the whole body is read
    and raises ``TimeoutError`` past ``timeout`` seconds."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None
        self._address: tuple[str, int] | None = None

    def post(self, url: str, form: dict, accept: str) -> tuple[int, bytes]:
        parts = urlsplit(url)
        address = (parts.hostname, parts.port or 80)
        if address != self._address:
            self.close()
            self._address = address
        body = urlencode(form)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        for attempt in (1, 2):
            reused = self._connection is not None
            if not reused:
                self._connection = http.client.HTTPConnection(*address, timeout=self.timeout)
            try:
                self._connection.request("POST", parts.path, body, headers)
                response = self._connection.getresponse()
                return response.status, response.read()
            except TimeoutError:
                self.close()
                raise
            except (OSError, http.client.HTTPException) as error:
                self.close()
                if not (reused and attempt == 1):  # a kept-alive connection the server closed: once more
                    raise ConnectionError(f"the connection failed: {error}") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=2, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {seconds:g} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_REQUEST_NUMBERS = itertools.count(1)


@dataclass
class Server:
    """A running SPARQL server: where to post queries, the extra form fields it needs, and its process."""

    name: str
    url: str  # the query endpoint
    process: subprocess.Popen
    form_extra: dict = field(default_factory=dict)
    peak_kb: int = 0  # filled by stop()
    memory_note: str = ""

    def form(self, query: str, cached: bool = False) -> dict:
        """The form fields for ``query``. Each request's text is made unique by a trailing comment,
        so that our server's result cache never answers it and engine is compared with engine;
        with ``cached`` the text is sent as it is."""
        if not cached:
            query = f"{query}\n# request {next(_REQUEST_NUMBERS)}\n"
        return {"query": query, **self.form_extra}

    def post(self, client: QueryClient, query: str, cached: bool = False) -> tuple[int, bytes]:
        return client.post(self.url, self.form(query, cached), SPARQL_JSON)

    def read_peak(self) -> int:
        return vmhwm_kb(self.process.pid)

    def stop(self) -> None:
        self.peak_kb = max(self.peak_kb, self.read_peak())
        _stop(self.process)


class OurServer(Server):
    def read_peak(self) -> int:
        total, count = tree_vmhwm_kb(self.process.pid)
        self.memory_note = f"sum of VmHWM over {count} processes (uvicorn and its spawned query workers)"
        return total


def start_ours(store: Path, data: Path, timeout: float, log: Path) -> OurServer:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PEERSUPPORT_")}
    command = [sys.executable, "-m", "peersupport.cli", "serve", "--port", str(port), "--store", str(store),
               "--timeout", str(timeout), "--data", str(data)]
    with log.open("ab") as err:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/healthz", process, seconds=600)
    return OurServer("ours", base + "/sparql", process)


def oxigraph_binary() -> Path:
    return Path(sys.executable).with_name("oxigraph")


def load_oxigraph(location: Path, files) -> float:
    """``oxigraph load`` of each file into its named graph; returns the seconds it took."""
    started = time.perf_counter()
    for name, path in files:
        subprocess.run([str(oxigraph_binary()), "load", "--location", str(location), "--file", str(path),
                        "--graph", graph_name(name).value], check=True, capture_output=True)
    return time.perf_counter() - started


def start_oxigraph(location: Path, log: Path) -> Server:
    port = free_port()
    with log.open("ab") as err:
        process = subprocess.Popen([str(oxigraph_binary()), "serve-read-only", "--location", str(location),
                                    "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query?query=ASK%7B%7D", process, seconds=120)
    server = Server("oxigraph", base + "/query", process, form_extra={"union-default-graph": ""})
    server.memory_note = "VmHWM of the server process"
    return server


class RdflibServer(Server):
    """rdflib-endpoint, served by a child forked from the process that holds the loaded Dataset;
    ``restart`` replaces a child stuck on a query past the cap (rdflib-endpoint runs the query on
    its event loop, so nothing else is answered until it ends)."""

    load_seconds: float = 0.0
    triples: int = 0

    def _command(self, word: str) -> dict:
        self.process.stdin.write(word + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        self.peak_kb = max(self.peak_kb, reply.get("hwm_kb", 0))
        return reply

    def restart(self) -> None:
        self._command("restart")
        wait_until_up(self.url.rsplit("/", 1)[0] + "/?query=ASK%7B%7D", self.process, seconds=60)

    def read_peak(self) -> int:
        return self.peak_kb

    def stop(self) -> None:
        if self.process.poll() is None:
            self._command("stop")
        self.memory_note = ("VmHWM of the serving process (forked from the loader, so it includes the "
                            "inherited Dataset); the largest over its restarts")
        _stop(self.process)


def start_rdflib(files, log: Path) -> RdflibServer:
    port = free_port()
    with log.open("ab") as err:
        process = subprocess.Popen([sys.executable, "-m", "bench.rdflib_server", "--port", str(port)],
                                   cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True)
    process.stdin.write(json.dumps([[name, str(path)] for name, path in files]) + "\n")
    process.stdin.flush()
    loaded = json.loads(process.stdout.readline() or "{}")
    if "seconds" not in loaded:
        raise RuntimeError(f"the rdflib-endpoint server did not load the data (see {log})")
    base = f"http://127.0.0.1:{port}"
    server = RdflibServer("rdflib-endpoint", base + "/", process)
    server.load_seconds, server.triples = loaded["seconds"], loaded["triples"]
    wait_until_up(base + "/?query=ASK%7B%7D", process, seconds=120)
    return server
