"""Benchmarks of the peer-support service: SPARQL latency and throughput, loading, validation
and memory, against pyoxigraph in-process, Oxigraph server, rdflib-endpoint and plain pySHACL.
Run ``python -m bench --help`` from the repository root; the report goes to ``bench/results.md``.
"""
