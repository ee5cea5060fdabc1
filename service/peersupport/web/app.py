"""The web service: wiring the SPARQL protocol, validator, vocabulary and pages together.

Settings (``peersupport.settings``) come from ``peersupport serve`` options or ``PEERSUPPORT_*``
environment variables. By default the project's files are loaded into the embedded store;
``PEERSUPPORT_SPARQL_ENDPOINT`` points the service at a remote SPARQL endpoint instead.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from peersupport import __version__
from peersupport.errors import EngineUnavailable
from peersupport.web.api_docs import api_docs_router
from peersupport.web.errors import install_error_handlers
from peersupport.sparql.catalogue_router import catalogue_router
from peersupport.web.headers import SecurityHeaders
from peersupport.web.limits import BodySizeLimit
from peersupport.sparql.results import GRAPH_TYPES, SELECT_TYPES
from peersupport.sparql.protocol import sparql_router, sparql_routes
from peersupport.settings import Settings
from peersupport.store.loading import graph_name
from peersupport.web.access_log import AccessLog

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_FORMAT_IRIS = {"application/sparql-results+json": "SPARQL_Results_JSON", "application/sparql-results+xml": "SPARQL_Results_XML",
                "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
                "text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
                "application/rdf+xml": "RDF_XML"}


def service_description(endpoint_url: str, graphs: list[str], media_type: str) -> bytes:
    graph = Graph()
    graph.bind("sd", SD)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for media in SELECT_TYPES[:4] + GRAPH_TYPES:
        graph.add((service, SD.resultFormat, FORMATS[_FORMAT_IRIS[media]]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, URIRef("http://purl.org/dc/terms/description"),
               Literal("Without FROM or default-graph-uri, the default graph is the union of the named graphs.")))
    for name in graphs:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, SD.name, URIRef(name)))
    return graph.serialize(format="json-ld" if media_type == "application/ld+json" else "turtle", encoding="utf-8")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.load()
    state: dict = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.sparql_endpoint:
            from peersupport.sparql.remote import RemoteEndpoint

            state["executor"] = RemoteEndpoint(settings.sparql_endpoint, settings.timeout, settings.max_rows, engine=settings.sparql_engine)
        else:
            from peersupport.sparql.cache import CachedExecutor
            from peersupport.sparql.embedded import pool_for

            pool = pool_for(settings)  # the one peersupport serve started, or a new one
            state["executor"] = CachedExecutor(pool, settings.result_cache_bytes) if settings.result_cache_bytes else pool
        try:
            yield
        finally:
            state.pop("executor").close()

    app = FastAPI(title="Peer Support Vocabulary service", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  # FastAPI's OpenTelemetry, unused here, else asks per request whether a provider is set (5 µs)
                  telemetry={"tracing": False, "metrics": False, "logs": False},
                  description="SPARQL endpoint over the peer-support graph, role validator and vocabulary.")
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, read_seconds=settings.body_seconds)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog, store="remote" if settings.sparql_endpoint else f"embedded ({settings.query_store})")
    bundled = [graph_name(name).value for name, _ in settings.files]

    def graphs() -> list[str]:
        """The graphs a dataset may name: in remote mode the engine's own (a graph loaded into it
        later can be named once its short-lived list is refreshed)."""
        return state["executor"].graphs() if settings.sparql_endpoint else bundled

    def describe(media_type: str) -> bytes:
        return service_description("/sparql", graphs(), media_type)

    endpoint = (lambda: state["executor"], describe, lambda: set(graphs()))
    app.include_router(sparql_router(*endpoint))  # its OpenAPI description
    app.router.routes[0:0] = sparql_routes(*endpoint)  # the same endpoint, answering: matched first
    app.include_router(catalogue_router(lambda: state["executor"]))
    from peersupport.web.query_editor import query_editor_router
    app.include_router(query_editor_router())
    from peersupport.web.data_pages import data_pages_router
    from peersupport.web.roles import roles_router
    app.include_router(data_pages_router(lambda: state["executor"]))
    app.include_router(roles_router(lambda: state["executor"]))

    from peersupport.web.pages import pages_router
    from peersupport.web.sources import sources_router
    from peersupport.web.validator import validate_router
    from peersupport.web.downloads import downloads_router
    from peersupport.web.shapes_pages import shapes_router
    from peersupport.web.vocabulary import vocabulary_router

    app.include_router(validate_router(settings.validation_slots, (lambda: state["executor"], graphs),
                                       remote_batch=settings.remote_batch))
    app.include_router(sources_router())  # before the vocabulary: /peer-support/source/… is not a term
    app.include_router(shapes_router())  # before the vocabulary: /peer-support/shapes/ is not a term
    app.include_router(vocabulary_router())
    app.include_router(downloads_router())
    app.include_router(api_docs_router(app.title))  # before pages: its /static/swagger sits inside /static
    app.include_router(pages_router())

    @app.get("/healthz", summary="liveness and readiness: 503 when queries cannot be answered",
             description="With deep=1 also: engine {ok, ask_ms}, triples {graph: count or null when not "
                         "counted in time}, pool (embedded), memory {processes: [{pid, role, pss_mb, rss_mb}], "
                         "total_pss_mb, total_rss_mb} read from /proc/<pid>/smaps_rollup.")
    def healthz(deep: int = 0):
        executor = state.get("executor")
        health = dict(executor.health()) if hasattr(executor, "health") else {"ok": executor is not None}
        status = "ok" if health.pop("ok") else ("starting" if executor is None else "unavailable")
        body = {"status": status, "version": __version__, "store": "remote" if settings.sparql_endpoint else "embedded", **health}
        if deep and executor is not None:
            from peersupport.web.health import deep as deep_health

            body.update(deep_health(executor, remote=bool(settings.sparql_endpoint)))
        headers = {"Cache-Control": "no-store"}
        if status != "ok":  # as for a query the engine did not answer: a load balancer or a client waits, then asks again
            headers["Retry-After"] = str(EngineUnavailable.retry_after)
        return JSONResponse(body, status_code=200 if status == "ok" else 503, headers=headers)

    return app
