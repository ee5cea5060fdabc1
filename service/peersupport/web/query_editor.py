"""What the query editor (YASGUI, vendored in ``static/yasgui/``) completes, served from here so
that nothing is fetched from prefix.cc or Linked Open Vocabularies: ``GET /query/completions.json``
gives the prefixes (the vocabulary's, the data's and those the catalogue's queries declare), the
properties and the classes and concepts of the vocabulary, and every other term it uses, as IRIs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from rdflib import OWL, RDF, RDFS, SKOS, URIRef

from peersupport.sparql.catalogue import PREFIXES as PARAMETER_PREFIXES
from peersupport.sparql.catalogue import catalogue
from peersupport.vocabulary import docs
from peersupport.web.store_reads import PREFIXES as DATA_PREFIXES

_DECLARED = re.compile(r"^PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
CLASS_TYPES = (OWL.Class, RDFS.Class, SKOS.Concept, SKOS.ConceptScheme)


def prefixes() -> dict[str, str]:
    found = {**DATA_PREFIXES, **PARAMETER_PREFIXES}
    for query in catalogue():
        for prefix, namespace in _DECLARED.findall(query.text):
            found.setdefault(prefix, namespace)
    return dict(sorted(found.items()))


@lru_cache(maxsize=1)
def completions() -> dict:
    graph = docs.shared_vocabulary()
    properties = {s for t in PROPERTY_TYPES for s in graph.subjects(RDF.type, t)} | set(graph.predicates())
    classes = {s for t in CLASS_TYPES for s in graph.subjects(RDF.type, t)} | set(graph.objects(None, RDF.type))
    return {"prefixes": prefixes(),
            "properties": sorted(str(p) for p in properties if isinstance(p, URIRef)),
            "classes": sorted(str(c) for c in classes if isinstance(c, URIRef))}


def query_editor_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/query/completions.json")
    def editor_completions():
        return JSONResponse(completions(), headers={"Cache-Control": "max-age=3600"})

    return router
