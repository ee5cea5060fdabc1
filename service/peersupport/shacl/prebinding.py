"""Where a SHACL-SPARQL query uses its pre-bound variables, read from the query as rdflib's SPARQL
parser parses it (``parseQuery``). The parse tree keeps the query's groups, UNION branches,
OPTIONALs, EXISTS and subqueries as written (the algebra would already have moved the filters and
merged the groups), so every position of ``$this`` is found, whatever strings, comments or IRIs
the text holds.

``read`` decides, for ``shacl.rewriting``:

* whether a SELECT can be run once with ``$this`` joined at the top of its WHERE group
  (``joinable``): only when every occurrence of ``$this`` is in the top-level group's triples, a
  FILTER or BIND of that group, a triple or FILTER of a top-level OPTIONAL, or inside an EXISTS /
  NOT EXISTS of those filters (which SPARQL evaluates by substituting the solution's bindings).
  Any other position (a nested group, a UNION branch, an OPTIONAL within an OPTIONAL, a BIND in
  an OPTIONAL, a subquery, GRAPH), any construct the walk does not know, and any query with
  aggregates, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET or FROM is not joinable: it is run per
  focus node, which is pre-binding;
* which top-level ``FILTER [NOT] EXISTS { P }`` can be evaluated once for all focus nodes
  (``separable``): P joinable as a query of its own and sharing no variable but ``$this`` with
  the rest of the query;
* whether an ASK validator can be wrapped as ``FILTER NOT EXISTS { its group }`` over the (focus
  node, value node) pairs (``ask_safe``): ``$this`` and ``$value`` only where EXISTS substitutes
  them, and no solution modifier or FROM that the wrapping would drop;
* what SHACL forbids (``InvalidShapes``): MINUS, SERVICE, VALUES, binding a pre-bound variable
  with AS, a subquery that does not return ``$this``.

A text rdflib cannot parse is ``Unsupported`` (validation then falls back to pySHACL, which reads
it with the same parser): nothing about it can be proved.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from peersupport.shacl.model import InvalidShapes, Unsupported
from peersupport.sparql.tokens import tokens

TOP, OPTIONAL, EXISTS = "top", "optional", "exists"  # where a group is, for _safe_group
_PATH = "<urn:x-peersupport-shacl:PATH>"  # $PATH before substitution: a path, so an IRI where it stands
_FORBIDDEN = {"MinusGraphPattern": "MINUS", "ServiceGraphPattern": "SERVICE", "InlineData": "VALUES",
              "ValuesClause": "VALUES"}
_MODIFIERS = ("datasetClause", "groupby", "having", "orderby", "limitoffset")
_AGGREGATES = frozenset(f"Aggregate_{name}" for name in ("Count", "Sum", "Min", "Max", "Avg", "Sample", "GroupConcat"))


@dataclass(frozen=True)
class Reading:
    form: str  # "SelectQuery", "AskQuery", ...
    joinable: bool  # a SELECT whose $this can be joined at the top of its WHERE group
    separable: tuple  # per top-level FILTER of the WHERE group, in order: see the module's docstring
    ask_safe: bool  # an ASK that can be wrapped as FILTER NOT EXISTS over the pairs


def _fields(node: CompValue) -> list:
    return list(dict.values(node))  # CompValue's own accessors resolve values for evaluation


def _children(node) -> list:
    if isinstance(node, CompValue):
        return _fields(node)
    if isinstance(node, (ParseResults, list, tuple)):
        return list(node)
    return []


def variables(node) -> set[str]:
    """The names of the variables anywhere in a part of the parse tree."""
    found, todo = set(), [node]
    while todo:
        item = todo.pop()
        if isinstance(item, Variable):
            found.add(str(item))
        else:
            todo += _children(item)
    return found


def _nodes(node, names) -> list[CompValue]:
    """The CompValues named in ``names`` anywhere in a part of the parse tree."""
    found, todo = [], [node]
    while todo:
        item = todo.pop()
        if isinstance(item, CompValue) and item.name in names:
            found.append(item)
        todo += _children(item)
    return found


def _field(node: CompValue, key: str):
    return dict.get(node, key)


def _parts(group) -> list:
    return list(_field(group, "part") or [])


def _exists(expression) -> list[CompValue]:
    """The outermost EXISTS / NOT EXISTS of an expression (not those within their patterns)."""
    found, todo = [], [expression]
    while todo:
        item = todo.pop()
        if isinstance(item, CompValue) and item.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            found.append(item)
        else:
            todo += _children(item)
    return found


def _safe_expression(expression, names: set) -> bool:
    """An expression of a FILTER or BIND is evaluated on the solutions of the group around it, so a
    pre-bound variable used directly there sees the join; in an EXISTS, SPARQL substitutes it."""
    return all(_safe_group(_field(e, "graph"), EXISTS, names) for e in _exists(expression))


def _safe_group(group, level: str, names: set) -> bool:
    """Whether the variables ``names``, bound by a join at the top of the query, are bound wherever
    the group uses them, as pre-binding would have them. ``level``: the top-level group, a
    top-level OPTIONAL's group, or a pattern inside EXISTS."""
    if not isinstance(group, CompValue) or group.name != "GroupGraphPatternSub":
        return not variables(group) & names  # a subquery: its own scope
    for part in _parts(group):
        if not variables(part) & names:
            continue  # evaluated alike with or without the binding
        kind = part.name if isinstance(part, CompValue) else None
        if kind == "TriplesBlock":
            continue
        if kind == "Filter":
            safe = _safe_expression(_field(part, "expr"), names)
        elif kind == "Bind":  # evaluated on the solutions so far, which hold the join at the top (or in EXISTS)
            safe = level in (TOP, EXISTS) and _safe_expression(_field(part, "expr"), names)
        elif kind == "OptionalGraphPattern":  # a LeftJoin on the solutions so far; its FILTER is its condition
            safe = level in (TOP, EXISTS) and _safe_group(_field(part, "graph"), OPTIONAL if level == TOP else EXISTS, names)
        elif kind == "GroupOrUnionGraphPattern":  # a nested group or UNION is evaluated before the join
            safe = level == EXISTS and all(_safe_group(branch, EXISTS, names) for branch in _field(part, "graph"))
        else:  # GRAPH, and anything this walk does not know
            safe = False
        if not safe:
            return False
    return True


def _in_scope(group) -> set[str]:
    """The variables a group's solutions bind (SPARQL 1.1 §18.2.1), as far as SELECT * returns."""
    if not isinstance(group, CompValue):
        return set()
    if group.name == "SubSelect":
        projection = _field(group, "projection")
        if projection is None:
            return _in_scope(_field(group, "where"))
        return {str(_field(v, "var") or _field(v, "evar")) for v in projection}
    found = set()
    for part in _parts(group):
        kind = part.name if isinstance(part, CompValue) else None
        if kind == "TriplesBlock":
            found |= variables(part)
        elif kind == "Bind":
            found.add(str(_field(part, "var")))
        elif kind in ("OptionalGraphPattern", "GraphGraphPattern"):
            found |= _in_scope(_field(part, "graph")) | (variables(_field(part, "term")) if kind == "GraphGraphPattern" else set())
        elif kind == "GroupOrUnionGraphPattern":
            for branch in _field(part, "graph"):
                found |= _in_scope(branch)
    return found


def _check(query: CompValue, pre_bound: set) -> None:
    """What SHACL 1.1 (§5.3.1, pre-binding) forbids in a query with pre-bound variables."""
    for node in _nodes(query, _FORBIDDEN) + ([_field(query, "valuesClause")] if _field(query, "valuesClause") else []):
        raise InvalidShapes(f"SHACL forbids {_FORBIDDEN.get(node.name, 'VALUES')} in SPARQL-based constraints")
    bound = [_field(n, "var") for n in _nodes(query, ("Bind", "GroupAs"))] + \
        [_field(n, "evar") for n in _nodes(query, ("vars",))]
    for variable in bound:
        if variable is not None and str(variable) in pre_bound:
            raise InvalidShapes(f"SHACL forbids binding the pre-bound variable ${variable} with AS")
    # A subquery must return the variables that could be pre-bound (as pySHACL reads SHACL 1.1
    # §5.2.1: $this, $value in an ASK validator, the parameters), and SELECT * returns $this only
    # if $this is in the subquery's scope.
    required = pre_bound - {"currentShape", "shapesGraph"}
    for sub in _nodes(_field(query, "where"), ("SubSelect",)):
        projection = _field(sub, "projection")
        if projection is None:
            if "this" in required and "this" not in _in_scope(_field(sub, "where")):
                raise InvalidShapes("a subquery with SELECT * that does not return $this")
            continue
        missing = required - {str(_field(v, "var")) for v in projection if _field(v, "var") is not None}
        if missing:
            raise InvalidShapes(f"a subquery that does not return {', '.join('$' + name for name in sorted(missing))}")


def _joinable(query: CompValue) -> bool:
    if query.name != "SelectQuery" or any(_field(query, key) for key in _MODIFIERS):
        return False
    if _nodes([_field(query, "projection"), _field(query, "having")], _AGGREGATES):
        return False  # an implicit group: one solution for all focus nodes, not one for each
    return _safe_group(_field(query, "where"), TOP, {"this"})


def _separable(query: CompValue) -> tuple:
    where = _field(query, "where")
    if not isinstance(where, CompValue) or where.name != "GroupGraphPatternSub":
        return ()
    parts = _parts(where)
    out = []
    for index, part in enumerate(parts):
        if not (isinstance(part, CompValue) and part.name == "Filter"):
            continue
        expression = _field(part, "expr")
        pattern = _field(expression, "graph") if isinstance(expression, CompValue) and \
            expression.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS") else None
        if pattern is None:
            out.append(False)
            continue
        outside = variables(_field(query, "projection")) | variables(parts[:index] + parts[index + 1:])
        out.append(_safe_group(pattern, TOP, {"this"}) and not (variables(pattern) & outside) - {"this"})
    return tuple(out)


def _ask_safe(query: CompValue) -> bool:
    return query.name == "AskQuery" and not any(_field(query, key) for key in _MODIFIERS) \
        and _safe_group(_field(query, "where"), EXISTS, {"this", "value"})


def _placeholders(text: str) -> str:
    """The text with $PATH (substituted by a path later) written as an IRI, so that it parses."""
    out, last = [], 0
    for kind, token, start, end in tokens(text):
        if kind == "variable" and token[1:] == "PATH":
            out += [text[last:start], _PATH]
            last = end
    return "".join(out) + text[last:]


@lru_cache(maxsize=1024)
def read(text: str, pre_bound: frozenset = frozenset()) -> Reading:
    """What ``shacl.rewriting`` needs of a query (see the module's docstring). ``pre_bound``: the
    variables pre-bound for it (none for a SPARQL target, which is checked for nothing)."""
    try:
        tree = parseQuery(_placeholders(text) if pre_bound else text)
    except ParseBaseException as error:
        raise Unsupported(f"rdflib cannot parse a SPARQL query (line {error.lineno}, column {error.col}: "
                          f"{error.msg})") from None
    query = tree[1]
    if pre_bound:
        # $value is pre-bound in ASK validators only: a SELECT binds it as a result
        _check(query, set(pre_bound) - ({"value"} if query.name == "SelectQuery" else set()))
    return Reading(query.name, _joinable(query), _separable(query), _ask_safe(query))
