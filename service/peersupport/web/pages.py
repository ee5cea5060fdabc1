"""The site's pages for people: the home page, the query page (an editor over ``/sparql`` with
the catalogue of research questions) and the static files they use."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

from peersupport.web.templating import render

STATIC = Path(__file__).resolve().parent / "static"


def _queries() -> list[dict]:
    """The catalogue for the query page; each query's text has its parameters bound to their
    defaults, so it runs as shown."""
    from peersupport.sparql.catalogue import catalogue

    return [{"name": q.name, "title": q.title, "description": q.description, "text": q.with_defaults(),
             "parameters": q.parameters} for q in catalogue()]


def pages_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.routes.append(Mount("/static", app=StaticFiles(directory=STATIC), name="static"))

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return render(request, "home.html")

    @router.get("/query", response_class=HTMLResponse)
    def query_page(request: Request):
        return render(request, "query.html", queries=_queries())

    return router
