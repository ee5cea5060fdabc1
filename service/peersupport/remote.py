"""Sending queries to a remote SPARQL 1.1 endpoint instead of the embedded store (Oxigraph
server, Fuseki, Virtuoso, QLever): the same protocol checks run first, then the query is passed
on as a form-encoded POST and the answer relayed."""

from __future__ import annotations

import httpx

from .query_pool import QueryJob, Reply, text_reply
from .sparql_text import names_dataset


class RemoteEndpoint:
    def __init__(self, url: str, timeout: float = 10.0):
        self.url, self.timeout = url, timeout
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)

    def execute(self, job: QueryJob) -> Reply:
        form = {"query": job.query, "default-graph-uri": list(job.default_graphs),
                "named-graph-uri": list(job.named_graphs)}
        if not job.default_graphs and not job.named_graphs and not names_dataset(job.query):
            # As in the embedded store, the default graph is the union of the named graphs.
            # Oxigraph server reads this parameter; other servers ignore it (configure their union instead).
            form["union-default-graph"] = ""
        headers = {"Accept": job.accept} if job.accept else {}
        try:
            response = self._client.post(self.url, data=form, headers=headers)
        except httpx.TimeoutException:
            return text_reply(503, f"query stopped: the SPARQL endpoint did not answer within {self.timeout:g} s")
        except httpx.HTTPError:
            return text_reply(502, "the SPARQL endpoint behind this service did not answer")
        media_type = response.headers.get("content-type", "application/octet-stream")
        return Reply(response.status_code, media_type, response.content)

    def close(self) -> None:
        self._client.close()
