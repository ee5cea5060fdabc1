"""Which roles HermiT reads together: roles in groups of about ``size``, each group with every
statement that can bear on its roles, so that a large graph costs one HermiT run per group
instead of one run whose time grows with the square of the roles.

Why the square: the vocabulary's classes are defined with nominals (``owl:hasValue
ps:FreelyChosen``), so HermiT classifies the vocabulary with the whole ABox in every test, and
realising each individual tests it against the whole ABox again. Measured on generated data
(one run): 45 roles 3.8 s, 195 roles 17 s, 1,067 roles 408 s; a run on the vocabulary alone
takes about 2.5 s, which is the fixed cost of a group.

A group holds whole connected components of the data: two resources are connected when a
statement links them, in either direction, except through the vocabulary's own terms (every role
links to ``ps:FreelyChosen`` or ``org:Post``). Disconnected parts of an ABox cannot change each
other's entailments unless the TBox relates them, and the vocabulary does so only through its
terms; so statements about those terms (the data describing ``ps:FreelyChosen``, or one of the
vocabulary's classes), and the components they link to, go into every group. A role's reading is
therefore the one a run on the whole graph gives.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, URIRef

_BUILT_IN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


def reach(graph: Graph, start) -> set:
    """``start`` and every resource described in ``graph`` that it links to, directly or not."""
    seen, todo = {start}, [start]
    while todo:
        for o in graph.objects(todo.pop(), None):
            if isinstance(o, (URIRef, BNode)) and o not in seen and (o, None, None) in graph:
                seen.add(o)
                todo.append(o)
    return seen


def subgraph(graph: Graph, subjects) -> Graph:
    """The statements of ``graph`` about ``subjects``."""
    out = Graph()
    for s in subjects:
        for p, o in graph.predicate_objects(s):
            out.add((s, p, o))
    return out


class _Components:
    """Union-find over resources."""

    def __init__(self):
        self.parent = {}

    def find(self, node):
        parent = self.parent.setdefault(node, node)
        while parent != node:
            grand = self.parent[parent]
            self.parent[node] = grand
            node, parent = parent, grand
        return node

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[b] = a


def groups(kept: Graph, roles: list, vocabulary: Graph, size: int) -> list[tuple[list, Graph]]:
    """``roles`` in groups of about ``size`` roles (a component's roles together, components in the
    order of their first role in ``roles``), each with the statements of ``kept`` its roles' components hold and those every
    group needs. A component with more than ``size`` roles is a group of its own."""
    terms = set(vocabulary.subjects())

    def shared_term(node) -> bool:
        return node in terms or (isinstance(node, URIRef) and str(node).startswith(_BUILT_IN))

    components, common, everywhere = _Components(), Graph(), []
    for s, p, o in kept:
        if shared_term(s):
            common.add((s, p, o))
            if isinstance(o, (URIRef, BNode)) and not shared_term(o):
                everywhere.append(o)
            continue
        components.find(s)
        if isinstance(o, (URIRef, BNode)) and not shared_term(o):
            components.union(s, o)
    for node in everywhere[1:]:
        components.union(everywhere[0], node)
    shared_root = components.find(everywhere[0]) if everywhere else None

    statements = defaultdict(list)
    for triple in kept:
        if not shared_term(triple[0]):
            root = components.find(triple[0])
            if root == shared_root:
                common.add(triple)
            else:
                statements[root].append(triple)

    by_component = defaultdict(list)  # in the order of the roles' first appearance
    for role in roles:
        by_component[components.find(role)].append(role)
    out, current, graph = [], [], Graph()
    for root, members in by_component.items():
        if current and len(current) + len(members) > size:
            out.append((current, graph))
            current, graph = [], Graph()
        if not current:
            graph += common
        current.extend(members)
        for triple in statements.get(root, ()):
            graph.add(triple)
    if current:
        out.append((current, graph))
    return out
