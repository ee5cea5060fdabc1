"""The diagram of the vocabulary's classes: its named classes by ``rdfs:subClassOf``, laid out as
layers from left (the most general) to right, with coordinates for an SVG template.

A class's parents are the named classes it is asserted a subclass of (``asserted``) and the named
classes its ``owl:equivalentClass`` intersection is made of (``defined``: ``ReciprocalRole ≡
DescribedRole and …`` puts ReciprocalRole under DescribedRole), and the classes of the vocabulary
whose equivalent union it is named in (``NotPeerSupportRole ≡ OneWayHelpRole or …`` puts
OneWayHelpRole under NotPeerSupportRole; outside classes in a union stay parents, not children:
``DescribedRole ≡ org:Role or …`` draws no edge); a parent that another parent
already lies under is left out (transitive reduction). Parents outside the vocabulary (org:Role,
skos:Concept) are shown once each. A class's layer is the longest chain of parents above it; in a
layer the boxes are stacked at fixed row height, so no two overlap, and each layer is as wide as
its longest name (text is drawn in a monospace font, so its width is known from its length).
The rows follow the layer with most boxes: layers left of it are centred on their children, layers
right of it on their parents.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

from peersupport.vocabulary.graph import is_term_iri, local_name
from peersupport.vocabulary.labels import label, sort_key

FONT_SIZE = 13
CHAR_WIDTH = 8  # a monospace character at 13px is 7.8px wide; rounded up
PADDING = 10
BOX_HEIGHT = 24
ROW = 32
GAP = 48
MARGIN = 8


def _named_members(graph: Graph, node: URIRef, connective) -> list[tuple[URIRef, URIRef]]:
    """``(class, member)`` for each named member of a ``connective`` equivalent to ``node``."""
    return [(node, m) for e in graph.objects(node, OWL.equivalentClass) if graph.value(e, connective) is not None
            for m in Collection(graph, graph.value(e, connective)) if isinstance(m, URIRef)]


def parents(graph: Graph, node: URIRef) -> dict[URIRef, str]:
    """The named classes directly above ``node``, each ``asserted`` or ``defined``."""
    found = {p: "asserted" for p in graph.objects(node, RDFS.subClassOf) if isinstance(p, URIRef) and p != node}
    for _, member in _named_members(graph, node, OWL.intersectionOf):
        found.setdefault(member, "defined")
    for union in graph.subjects(RDF.type, OWL.Class):
        if isinstance(union, URIRef) and any(m == node for _, m in _named_members(graph, union, OWL.unionOf)):
            found.setdefault(union, "defined")
    return found


def _hierarchy(graph: Graph) -> dict[URIRef, dict[URIRef, str]]:
    classes = {c for c in graph.subjects(RDF.type, OWL.Class) if is_term_iri(c)}
    above = {c: parents(graph, c) for c in classes}
    for outside in {p for ps in above.values() for p in ps} - classes:
        above[outside] = {}  # shown, its own parents not: the vocabulary's hierarchy stops there

    def ancestors(node, seen=()):
        return {a for p in above[node] if p not in seen for a in (p, *ancestors(p, (*seen, node)))}

    return {c: {p: how for p, how in ps.items() if not any(p in ancestors(q) for q in ps if q != p)}
            for c, ps in above.items()}


def _layers(above: dict) -> dict[URIRef, int]:
    layer: dict[URIRef, int] = {}

    def depth(node, path=()):
        if node not in layer:
            layer[node] = 1 + max((depth(p, (*path, node)) for p in above[node] if p not in path), default=-1)
        return layer[node]

    for node in above:
        depth(node)
    return layer


def _spread(wanted: list[float]) -> list[float]:
    """Positions as near ``wanted`` as rows allow, in the same order, at least ROW apart."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, placed[-1] + ROW) if placed else y)
    return placed


def layout(graph: Graph, lang: str = "en") -> dict:
    """``{"width", "height", "boxes", "edges"}``: a box is ``{"id", "text", "href", "outside",
    "x", "y", "width", "height", "text_x", "text_y"}``, an edge ``{"from", "to", "how", "path"}``
    (an SVG path from the child's left side to the parent's right side)."""
    above = _hierarchy(graph)
    layer = _layers(above)
    below = {n: [c for c in above if n in above[c]] for n in above}
    text = {n: label(graph, n, lang) if is_term_iri(n) else graph.namespace_manager.normalizeUri(n) for n in above}
    columns = [sorted((n for n in above if layer[n] == k), key=lambda n: (not is_term_iri(n), sort_key(text[n])))
               for k in range(max(layer.values()) + 1)]
    widest = max(range(len(columns)), key=lambda k: len(columns[k]))
    y: dict[URIRef, float] = {}

    def place(k, neighbours):
        def mean(n):
            known = [y[m] for m in neighbours[n] if m in y]
            return sum(known) / len(known) if known else float("inf")
        if k == widest:  # siblings together, under their parents' names
            columns[k].sort(key=lambda n: (sorted(sort_key(text[p]) for p in above[n]), sort_key(text[n])))
        else:
            columns[k].sort(key=lambda n: (mean(n), sort_key(text[n])))
        wanted, last = [], 0.0
        for n in columns[k]:
            last = mean(n) if mean(n) != float("inf") else last + ROW
            wanted.append(last)
        for n, position in zip(columns[k], _spread(wanted)):
            y[n] = position

    for k in range(widest, -1, -1):  # the widest layer first
        place(k, below)
    for k in range(widest + 1, len(columns)):
        place(k, above)
    top = min(y.values())
    x, boxes, box_of = MARGIN, [], {}
    for column in columns:
        width = round(max(len(text[n]) for n in column) * CHAR_WIDTH + 2 * PADDING)
        for n in column:
            box = {"id": local_name(n) if is_term_iri(n) else text[n], "text": text[n], "outside": not is_term_iri(n),
                   "href": "#" + local_name(n) if is_term_iri(n) else str(n),
                   "x": x, "y": round(y[n] - top + MARGIN), "width": width, "height": BOX_HEIGHT,
                   "text_x": x + PADDING, "text_y": round(y[n] - top + MARGIN + BOX_HEIGHT / 2 + FONT_SIZE * 0.35)}
            boxes.append(box)
            box_of[n] = box
        x += width + GAP
    edges = []
    for child, ps in sorted(above.items(), key=lambda item: text[item[0]]):
        for parent, how in sorted(ps.items(), key=lambda item: text[item[0]]):
            c, p = box_of[child], box_of[parent]
            x1, y1, x2, y2 = c["x"], c["y"] + BOX_HEIGHT / 2, p["x"] + p["width"], p["y"] + BOX_HEIGHT / 2
            middle = (x1 + x2) / 2
            edges.append({"from": c["id"], "to": p["id"], "how": how,
                          "path": f"M {x1:g} {y1:g} C {middle:g} {y1:g}, {middle:g} {y2:g}, {x2:g} {y2:g}"})
    height = max(b["y"] for b in boxes) + BOX_HEIGHT + MARGIN
    return {"width": x - GAP + MARGIN, "height": height, "boxes": boxes, "edges": edges, "font_size": FONT_SIZE}
