"""The shapes described for people: each check with its name, what it means, which mark of peer
support it concerns, what it concludes (shown / contradicted / not recorded), its severity, the
property it reads and the sources it follows, in the reader's language (the shapes' page)."""

from __future__ import annotations

from rdflib import DCTERMS, RDF, RDFS, SH, Graph, URIRef

from peersupport.vocabulary.docs import label, shared_vocabulary, source_link
from peersupport.vocabulary.sources import SHAPES_NAMESPACE

MARK = URIRef(SHAPES_NAMESPACE + "mark")
STATUS = URIRef(SHAPES_NAMESPACE + "status")
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def _text(graph: Graph, node, predicate, lang: str) -> str | None:
    """The value in ``lang``, else the English one, else any (sorted, so always the same)."""
    values = sorted(graph.objects(node, predicate))
    for wanted in (lang, "en"):
        for value in values:
            if getattr(value, "language", None) == wanted:
                return str(value)
    return str(values[0]) if values else None


def _local(node) -> str:
    return str(node)[len(SHAPES_NAMESPACE):] if str(node).startswith(SHAPES_NAMESPACE) else str(node)


def shape_names(graph: Graph) -> list[str]:
    """The local names of every shape, group and target the shapes' namespace declares."""
    return sorted({_local(s) for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(SHAPES_NAMESPACE)} - {""})


def _target(graph: Graph, target, lang: str) -> dict:
    """What a shape applies to: a target the shapes declare (its anchor on the page), or a class."""
    if str(target).startswith(SHAPES_NAMESPACE):
        return {"href": "#" + _local(target), "text": label(graph, target, lang)}
    return {"href": str(target), "text": graph.namespace_manager.normalizeUri(target)}


def _declared_target(graph: Graph, node, lang: str) -> dict:
    return {"id": _local(node), "iri": str(node), "label": label(graph, node, lang), "comment": _text(graph, node, RDFS.comment, lang),
            "sources": [source_link(shared_vocabulary(), cited) for cited in sorted(graph.objects(node, DCTERMS.source))]}


def _shape(graph: Graph, node, lang: str) -> dict:
    vocabulary = shared_vocabulary()
    path = graph.value(node, SH.path)
    target = graph.value(node, SH.target) or graph.value(node, SH.targetClass)
    return {
        "id": _local(node),
        "iri": str(node),
        "name": _text(graph, node, SH.name, lang) or _text(graph, node, RDFS.label, lang) or _local(node),
        "description": _text(graph, node, SH.description, lang),
        "severity": SEVERITIES.get(graph.value(node, SH.severity), "violation"),
        "mark": str(graph.value(node, MARK) or ""),
        "status": str(graph.value(node, STATUS) or ""),
        "path": {"href": f"/peer-support/vocab.html#{str(path).rsplit('/', 1)[-1]}", "text": graph.namespace_manager.normalizeUri(path)}
        if isinstance(path, URIRef) else None,
        "target": _target(graph, target, lang) if target is not None else None,
        "sources": [source_link(vocabulary, cited) for cited in sorted(graph.objects(node, DCTERMS.source))],
        "order": float(graph.value(node, SH.order) or 0),
    }


def shapes_page(graph: Graph, lang: str = "en") -> dict:
    """The values of the shapes' page: the module's title and description, the targets the shapes
    declare, and the shapes by group (in the groups' ``sh:order``), each group's shapes in their own order."""
    module = URIRef(SHAPES_NAMESPACE)
    groups = sorted(graph.subjects(RDF.type, SH.PropertyGroup), key=lambda g: float(graph.value(g, SH.order) or 0))
    shapes = [s for kind in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, kind) if str(s).startswith(SHAPES_NAMESPACE)]
    by_group = [{"id": _local(group), "label": label(graph, group, lang),
                 "shapes": sorted((_shape(graph, s, lang) for s in shapes if graph.value(s, SH.group) == group), key=lambda v: (v["order"], v["id"]))}
                for group in groups]
    ungrouped = sorted((_shape(graph, s, lang) for s in shapes if graph.value(s, SH.group) is None), key=lambda v: v["id"])
    if ungrouped:
        by_group.append({"id": "other", "label": None, "shapes": ungrouped})  # the page names it
    return {"title": label(graph, module, lang), "description": _text(graph, module, DCTERMS.description, lang),
            "iri": SHAPES_NAMESPACE, "groups": [g for g in by_group if g["shapes"]], "count": len(shapes),
            "targets": [_declared_target(graph, t, lang) for t in sorted(graph.subjects(RDF.type, SH.SPARQLTarget))
                        if str(t).startswith(SHAPES_NAMESPACE)]}
