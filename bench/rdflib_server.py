"""rdflib-endpoint over rdflib's in-memory Dataset: the baseline server of the SPARQL benchmarks.

Run as ``python -m bench.rdflib_server --port N``; it reads one JSON line from stdin, the list
of ``[graph name, path]`` to load (each file into its own named graph of a ``Dataset`` with
``default_union=True``, so that, as in our service, the default graph is the union), builds the
``SparqlEndpoint`` app, binds the port, and answers on stdout with one JSON line (parse seconds,
triples). It then forks a child that serves the app with uvicorn on that socket.

rdflib-endpoint evaluates a query on its event loop, so a query past the benchmark's cap blocks
the server until it ends, and nothing can stop it from outside but killing the process. The
loaded Dataset stays in this parent process, so the ``restart`` command (a line on stdin) kills
the serving child and forks a new one in a moment, instead of parsing the files again. ``stop``
kills the child and exits. Each answer is a JSON line with the VmHWM (kB) of the child killed.

Nothing is fetched: the files are local Turtle or N-Triples, and the queries use no SERVICE.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import time

import uvicorn
from rdflib import Dataset, URIRef
from rdflib_endpoint import SparqlEndpoint

from peersupport.store.loading import graph_name

from .measure import vmhwm_kb

FORMATS = {".ttl": "turtle", ".nt": "nt"}


def load(files: list[list[str]]) -> tuple[Dataset, int]:
    dataset = Dataset(default_union=True)
    triples = 0
    for name, path in files:
        graph = dataset.graph(URIRef(graph_name(name).value))
        graph.parse(path, format=FORMATS[os.path.splitext(path)[1]])
        triples += len(graph)
    return dataset, triples


def serve_in_child(app, sock: socket.socket) -> int:
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        server.run(sockets=[sock])
        os._exit(0)
    return pid


def kill(pid: int) -> int:
    peak = vmhwm_kb(pid)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    files = json.loads(sys.stdin.readline())
    started = time.perf_counter()
    dataset, triples = load(files)
    seconds = time.perf_counter() - started
    app = SparqlEndpoint(graph=dataset, cors_enabled=False)  # builds its service description here, once
    # IPPROTO_TCP given explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and without it Nagle's algorithm meets the client's delayed ACK (about 40 ms per response).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(128)
    sock.set_inheritable(True)
    print(json.dumps({"seconds": seconds, "triples": triples, "loader_hwm_kb": vmhwm_kb(os.getpid())}), flush=True)
    child = serve_in_child(app, sock)
    for line in sys.stdin:
        peak = kill(child)
        if line.strip() == "restart":
            child = serve_in_child(app, sock)
            print(json.dumps({"hwm_kb": peak}), flush=True)
        else:
            print(json.dumps({"hwm_kb": peak}), flush=True)
            return 0
    kill(child)  # stdin closed: the benchmark is gone
    return 0


if __name__ == "__main__":
    sys.exit(main())
