"""Files to download: the ontology, shapes, JSON-LD context, mappings, and the spreadsheet
template in each form an organisation or a reuser may want (CSV, xlsx, Table Schema)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from peersupport.errors import NotFound
from peersupport.resources import context_file, data_dir
from peersupport.validation.inputs import ODS_TYPE, XLSX_TYPE
from peersupport.web.vocabulary import vocabulary_document


def _template(name: str) -> bytes:
    return (data_dir("data") / "templates" / name).read_bytes()


DOWNLOADS = {
    "ontology.ttl": lambda: (vocabulary_document("ttl"), "text/turtle"),
    "shapes.ttl": lambda: (b"".join(p.read_bytes() for p in sorted(data_dir("shapes").glob("*.ttl"))), "text/turtle"),
    "context.jsonld": lambda: (context_file().read_bytes(), "application/ld+json"),
    "mappings.sssom.tsv": lambda: ((data_dir("ontology") / "mappings.sssom.tsv").read_bytes(), "text/tab-separated-values"),
    "roles.csv": lambda: (_template("roles.csv"), "text/csv"),
    "roles.xlsx": lambda: (_template("roles.xlsx"), XLSX_TYPE),
    "roles.ods": lambda: (_template("roles.ods"), ODS_TYPE),
    # The template ships filled in with an example network's four roles: the example is the same file.
    "roles-example.xlsx": lambda: (_template("roles.xlsx"), XLSX_TYPE),
    "roles.schema.json": lambda: (_template("roles.schema.json"), "application/json"),
}


def downloads_router() -> APIRouter:
    router = APIRouter(tags=["vocabulary"])

    @router.get("/downloads/{name}", summary="download the ontology, shapes, JSON-LD context, mappings or the spreadsheet template (CSV, xlsx, ods, Table Schema)")
    def download(name: str):
        if name not in DOWNLOADS:
            raise NotFound(f"no download {name!r}; available: {', '.join(DOWNLOADS)}",
                           "Ask for one of the files named.")
        body, media_type = DOWNLOADS[name]()
        return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router
