"""Running one query on an Oxigraph store and serialising its result in the negotiated media
type, with a cap on rows or triples. Used by the query workers, the ``query`` command and, for
the serialisation, the remote endpoint. Free of rdflib, so that workers start fast.

What cannot be answered is raised as an error of ``peersupport.errors``: a syntax error or an
invalid request (400), no acceptable media type (406), an answer over the byte cap (413), a
failure reading the store (500).
"""

from __future__ import annotations

import pyoxigraph as ox

from peersupport.errors import AnswerTooLarge, BadRequest, InternalError, NotAcceptable
from peersupport.sparql.jobs import QueryJob, Reply
from peersupport.sparql.negotiation import negotiate
from peersupport.sparql.results import (GRAPH_TYPES, SELECT_TYPES, ask_bytes, collect_rows, graph_bytes,
                                        limited_select_bytes, select_bytes, written_by_oxigraph)
from peersupport.sparql.screen import may_contain
from peersupport.sparql.text import names_dataset, with_row_limit

MAX_ROWS_HEADER = "X-SPARQL-MaxRows"


def run_query(store: ox.Store, job: QueryJob, max_rows: int, max_bytes: int | None = None) -> Reply:
    """Run one query on ``store`` and serialise its results as ``job.accept`` prefers. A SELECT
    query is run limited to one row past the cap, so the work stops there. An answer over
    ``max_bytes`` is refused: a few rows can be huge (a string built by repeated ``CONCAT``)."""
    reply = _run(store, job, max_rows)
    if max_bytes and len(reply.body) > max_bytes:
        raise AnswerTooLarge(f"the answer is {len(reply.body):,} bytes, more than this service sends "
                             f"({max_bytes:,} bytes, PEERSUPPORT_MAX_RESULT_BYTES)",
                             "Ask for fewer rows (LIMIT) or shorter values (SUBSTR), or fewer columns.")
    return reply


def _run(store: ox.Store, job: QueryJob, max_rows: int) -> Reply:
    options = _dataset_options(job)
    limited = with_row_limit(job.query, max_rows + 1) if may_contain(job.query, "SELECT") else None
    try:
        try:
            result = store.query(limited or job.query, **options)
        except SyntaxError:
            if limited is None:
                raise
            limited, result = None, store.query(job.query, **options)  # the user's own text, for its own error
    except SyntaxError as error:
        raise BadRequest(f"SPARQL syntax error: {error}", "Correct the query at the place named and send it again.") from None
    except ValueError as error:
        raise BadRequest(f"invalid request: {error}") from None
    try:
        if limited is not None and isinstance(result, ox.QuerySolutions):
            media_type = negotiate(job.accept, SELECT_TYPES)
            if media_type is not None and written_by_oxigraph(media_type):
                body, truncated = limited_select_bytes(result, media_type, max_rows)
                return Reply(media_type + "; charset=utf-8", body, _capped(max_rows) if truncated else {})
        return serialize_result(result, job.accept, max_rows)
    except OSError as error:
        raise InternalError(f"the query failed while reading the store: {error}") from None


def _dataset_options(job: QueryJob) -> dict:
    options = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif job.named_graphs:
        options["default_graph"] = []
    elif not (may_contain(job.query, "FROM") and names_dataset(job.query)):
        # The store keeps one named graph per file; without a dataset the default graph is their union.
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def _capped(max_rows: int) -> dict:
    return {MAX_ROWS_HEADER: str(max_rows)}


def serialize_result(result, accept: str | None, max_rows: int, canonical: bool = False) -> Reply:
    """The reply for a query result (a boolean, solutions, or an iterable of triples), in the
    media type ``accept`` prefers, with at most ``max_rows`` rows or triples (booleans of solutions
    in their canonical form if ``canonical``, for another engine's answer). Raises
    NotAcceptable when ``accept`` allows none of the result's formats."""
    offers = SELECT_TYPES if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)) else GRAPH_TYPES
    media_type = negotiate(accept, offers)
    if media_type is None:
        raise NotAcceptable(f"none of the accepted media types can be served; this result can be: {', '.join(offers)}")
    headers = {}
    if isinstance(result, ox.QueryBoolean):
        body = ask_bytes(bool(result), media_type)
    elif isinstance(result, ox.QuerySolutions):
        variables, rows, truncated = collect_rows(result, max_rows, canonical)
        body = select_bytes(variables, rows, media_type)
        if truncated:
            headers = _capped(max_rows)
    else:
        triples = []
        for triple in result:
            if len(triples) == max_rows:
                headers = _capped(max_rows)
                break
            triples.append(triple)
        body = graph_bytes(triples, media_type)
    charset = "; charset=utf-8" if media_type.startswith("text/") or "json" in media_type or "xml" in media_type else ""
    return Reply(media_type + charset, body, headers)
