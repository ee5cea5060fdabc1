"""SHACL-SPARQL for the set-at-a-time engine (``shacl.engine``): the text of SPARQL-based
constraints and validators, rewritten so that one query checks every focus node at once.

The SHACL spec pre-binds ``$this`` (and ``$value``, the parameters) for each focus node in turn.
Here ``$this`` is instead joined, at the top of the query's WHERE group, with the set of focus
nodes; that gives the same solutions as pre-binding wherever ``$this`` is used at the top level,
in a top-level OPTIONAL, or inside FILTER EXISTS / NOT EXISTS (whose patterns SPARQL evaluates by
substitution). Any other use (a nested group or UNION branch, a subquery, an aggregate) is run
per focus node with Oxigraph's variable substitution, which is pre-binding. An ASK validator is
rewritten as ``FILTER NOT EXISTS { its pattern }`` over the (focus node, value node) pairs.
"""

from __future__ import annotations

import itertools
import re

from rdflib import OWL
from rdflib.namespace import SH

from peersupport.shacl.model import InvalidShapes
from peersupport.sparql.tokens import Token, tokens

PRE_BOUND = ("this", "value", "currentShape", "shapesGraph")
_SYNTAX = frozenset("{}()*")  # the only punctuation the rewriting reads


def _tokens(text: str) -> list[Token]:
    """The tokens that matter to the rewriting: all but punctuation other than ``_SYNTAX``."""
    return [token for token in tokens(text) if token.kind != "other" or token.text in _SYNTAX]


def substitute(text: str, values: dict[str, str]) -> str:
    """``text`` with the variables named in ``values`` (as $name or ?name) replaced by SPARQL text."""
    out, last = [], 0
    for kind, token, start, end in _tokens(text):
        if kind == "variable" and token[1:] in values:
            out += [text[last:start], values[token[1:]]]
            last = end
    return "".join(out) + text[last:]


def prefixes(shapes, constraint) -> str:
    """The PREFIX declarations of the constraint's sh:prefixes."""
    lines, todo, seen = [], list(shapes.objects(constraint, SH.prefixes)), set()
    while todo:  # the declarations of the nodes named, and of the ontologies they owl:import
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo += list(shapes.objects(node, OWL.imports))
        for declaration in shapes.objects(node, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise InvalidShapes(f"sh:declare without sh:prefix and sh:namespace on {node}")
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(dict.fromkeys(lines)) + "\n"


class Analysis:
    """What the rewriting needs to know of a query: where its WHERE group opens, whether $this is
    only used where a join with the focus nodes gives the pre-binding's solutions, and whether it
    uses what SHACL forbids."""

    def __init__(self, text: str, pre_bound: tuple[str, ...]):
        self.text = text
        self.where_open = None  # offset just after the top-level WHERE "{"
        self.select_start = 0  # offset of the first SELECT (what precedes it is the prologue)
        self.select_end = None  # offset just after SELECT [DISTINCT|REDUCED]
        self.projects_this = False
        self.joinable = True
        self.uses = set()
        self.where_uses = set()  # the variables used in the WHERE group (not only projected)
        tokens = list(_tokens(text))
        stack: list[str] = []  # per open brace: "top", "optional", "exists", "other"
        parens = 0
        previous = ""
        in_projection = False
        selects = 0
        for index, (kind, token, start, end) in enumerate(tokens):
            upper = token.upper() if kind == "word" else token
            if kind == "word":
                if upper in ("MINUS", "SERVICE", "VALUES"):
                    raise InvalidShapes(f"SHACL forbids {upper} in SPARQL-based constraints")
                if upper == "SELECT":
                    selects += 1
                    if selects == 1:
                        in_projection = True
                        self.select_start, self.select_end = start, end
                        if index + 1 < len(tokens) and tokens[index + 1][1].upper() in ("DISTINCT", "REDUCED"):
                            self.select_end = tokens[index + 1][3]
                    else:
                        self.joinable = False
                        self._check_subquery(tokens, index, pre_bound)
                elif upper in ("GROUP", "HAVING", "LIMIT", "OFFSET", "ORDER"):
                    self.joinable = False
                elif upper == "AS" and index + 1 < len(tokens) and tokens[index + 1][0] == "variable" \
                        and tokens[index + 1][1][1:] in pre_bound:
                    raise InvalidShapes(f"SHACL forbids binding the pre-bound variable {tokens[index + 1][1]} with AS")
            elif kind == "variable":
                name = token[1:]
                self.uses.add(name)
                if self.where_open is not None:
                    self.where_uses.add(name)
                if in_projection and name == "this":
                    self.projects_this = True
                if name == "this" and stack and not self._transparent(stack):
                    self.joinable = False
            elif token == "*" and in_projection and previous.upper() in ("SELECT", "DISTINCT", "REDUCED"):
                self.projects_this = True
            elif token == "(":
                parens += 1
            elif token == ")":
                parens -= 1
            elif token == "{":
                if not stack:
                    in_projection = False
                    if self.where_open is None:
                        self.where_open = end
                    stack.append("top")
                else:
                    stack.append({"OPTIONAL": "optional", "EXISTS": "exists"}.get(previous.upper(), "other"))
            elif token == "}":
                if stack:
                    stack.pop()
            previous = token
        if self.where_open is None:
            raise InvalidShapes("a SPARQL query without a WHERE group")

    @staticmethod
    def _transparent(stack: list[str]) -> bool:
        """Whether $this at this nesting sees the join at the top. Inside EXISTS it does (SPARQL
        substitutes the solution's bindings into the pattern), but only where the EXISTS itself
        is at the top or in a top-level OPTIONAL: within a UNION branch or a nested group, the
        group is evaluated before the join, so $this is unbound there."""
        if "exists" in stack:
            stack = stack[:stack.index("exists")]
        return stack == ["top"] or stack == ["top", "optional"]

    @staticmethod
    def _check_subquery(tokens, index: int, pre_bound: tuple[str, ...]) -> None:
        """A subquery must return the pre-bound variables it could see (SHACL 1.1 §5.2.1)."""
        projection, position = [], index + 1
        while position < len(tokens) and tokens[position][1] != "{":
            projection.append(tokens[position][1])
            position += 1
        if "*" in projection:
            # SELECT * returns $this only if $this is in scope: used in a pattern, not only in a FILTER
            parens, braces = 0, 0
            for kind, token, _, _ in tokens[position:]:
                if token == "{":
                    braces += 1
                elif token == "}":
                    braces -= 1
                    if braces == 0:
                        break
                elif token == "(":
                    parens += 1
                elif token == ")":
                    parens -= 1
                elif kind == "variable" and token[1:] == "this" and parens == 0:
                    return
            raise InvalidShapes("a subquery with SELECT * that does not return $this")
        if "this" in pre_bound and not any(t[1:] == "this" for t in projection if t[:1] in "?$"):
            raise InvalidShapes("a subquery that does not return $this")


def exists_blocks(text: str) -> list[tuple[int, int, str]]:
    """The top-level ``FILTER [NOT] EXISTS { P }`` whose P can be evaluated once for all focus
    nodes as a join: (start, end) of ``{ P }`` and P's text. Oxigraph evaluates a property path
    inside EXISTS without using the bound subject (18 ms a node for ``$this org:postIn/
    org:subOrganizationOf* ?base`` at 10^4 triples), so P is better run as one join and the
    EXISTS replaced by a membership test. That holds when P shares no variable but $this with
    the rest of the query, and uses $this only where a join binds it as pre-binding would."""
    tokens = list(_tokens(text))
    blocks, depth, index = [], 0, 0
    while index < len(tokens):
        kind, token, start, end = tokens[index]
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 1 and kind == "word" and token.upper() == "FILTER":
            ahead = index + 1
            if ahead < len(tokens) and tokens[ahead][1].upper() == "NOT":
                ahead += 1
            if ahead + 1 < len(tokens) and tokens[ahead][1].upper() == "EXISTS" and tokens[ahead + 1][1] == "{":
                level, close = 0, ahead + 1
                for close in range(ahead + 1, len(tokens)):
                    level += {"{": 1, "}": -1}.get(tokens[close][1], 0)
                    if level == 0:
                        break
                open_token, close_token = tokens[ahead + 1], tokens[close]
                inner = text[open_token[3]:close_token[2]]
                inside = {t[1][1:] for t in tokens[ahead + 2:close] if t[0] == "variable"}
                outside = {t[1][1:] for t in tokens[:ahead] + tokens[close + 1:] if t[0] == "variable"}
                try:
                    joinable = Analysis("SELECT * WHERE {" + inner + "}", PRE_BOUND).joinable
                except InvalidShapes:
                    joinable = False
                if joinable and not (inside & outside) - {"this"}:
                    blocks.append((open_token[2], close_token[3], inner))
                index = close
        index += 1
    return blocks


def set_at_a_time(text: str, focus_pattern: str) -> str:
    """The query with ``focus_pattern`` (binding ?this) joined at the top of its WHERE group and
    ?this projected."""
    analysis = Analysis(text, PRE_BOUND)
    where = analysis.where_open
    rewritten = text[:where] + " " + focus_pattern + " " + text[where:]
    if not analysis.projects_this and analysis.select_end is not None:
        rewritten = rewritten[:analysis.select_end] + " ?this " + rewritten[analysis.select_end:]
    return rewritten


_BOUND = re.compile(r"\bBOUND\s*\(\s*[?$]([A-Za-z0-9_]+)\s*\)", re.IGNORECASE)


def prebind(text: str, name: str, value: str) -> str:
    """The query with the variable ``name`` replaced by the SPARQL text ``value`` everywhere (the
    spec's pre-binding for one focus node); dropped from SELECT clauses, where a constant cannot be."""
    text = _BOUND.sub(lambda m: "(true)" if m.group(1) == name else m.group(0), text)
    out, last, parens, in_projection, kept, fresh = [], 0, 0, False, 0, itertools.count()
    for kind, token, start, end in _tokens(text):
        upper = token.upper()
        if kind == "word" and upper == "SELECT":
            in_projection, kept = True, 0
            continue
        if in_projection and parens == 0 and (token == "{" or upper in ("WHERE", "FROM")):
            if kept == 0:
                out += [text[last:start], f" (1 AS ?_one{next(fresh)}) "]
                last = start
            in_projection = False
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        if kind == "variable" and token[1:] == name:
            out += [text[last:start], "" if in_projection and parens == 0 else value]
            last = end
        elif in_projection and parens <= 1 and upper not in ("DISTINCT", "REDUCED"):
            kept += 1
    return "".join(out) + text[last:]


def ask_as_select(text: str, pairs_pattern: str) -> str:
    """An ASK validator as a SELECT of the (?this, ?value) pairs for which it is false."""
    analysis = Analysis(text, PRE_BOUND)
    start = analysis.where_open - 1
    depth = 0
    for kind, token, offset, end in _tokens(text[start:]):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                group = text[start:start + end]
                break
    else:
        raise InvalidShapes("an ASK query whose WHERE group does not close")
    # The prologue ends at the ASK keyword itself, not at "ask" inside an IRI (<http://e/ask/>).
    ask = next((offset for kind, token, offset, _ in _tokens(text[:start]) if kind == "word" and token.upper() == "ASK"), None)
    if ask is None:
        raise InvalidShapes("an ASK validator without ASK")
    return f"{text[:ask]} SELECT ?this ?value WHERE {{ {pairs_pattern} FILTER NOT EXISTS {group} }}"


def fill_message(template: str, bindings: dict[str, str]) -> str:
    """``{$var}`` and ``{?var}`` in a message replaced by the solution's values."""
    return re.sub(r"\{[?$]([A-Za-z0-9_]+)\}", lambda m: bindings.get(m.group(1), m.group(0)), template)

