"""SHACL-SPARQL for the set-at-a-time engine (``shacl.engine``): the text of SPARQL-based
constraints and validators, rewritten so that one query checks every focus node at once.

The SHACL spec pre-binds ``$this`` (and ``$value``, the parameters) for each focus node in turn.
Here ``$this`` is instead joined, at the top of the query's WHERE group, with the set of focus
nodes, where that gives the same solutions as pre-binding; any other query is run per focus node
with the node written into its text (``prebind``), which is pre-binding. An ASK validator is
rewritten as ``FILTER NOT EXISTS { its group }`` over the (focus node, value node) pairs.

What is decided where, and why:

* on the parsed query (``shacl.prebinding``, rdflib's SPARQL parser): whether the join is
  pre-binding (``Analysis.joinable``), which top-level EXISTS can be run once
  (``exists_blocks``), whether an ASK can be wrapped, and what SHACL forbids. These depend on the
  nesting of groups, UNION, OPTIONAL, EXISTS and subqueries, which tokens cannot be trusted to
  show; a text rdflib cannot parse is ``Unsupported`` (pySHACL then validates);
* on the tokens (``sparql.tokens``, ``Layout``): the offsets where the text is cut (after the
  WHERE group's brace, after SELECT [DISTINCT]), the variables named, the substitution of
  variables (``substitute``, ``prebind``). Once the text parses, a brace, keyword or variable
  token cannot come from a string, an IRI or a comment, so the offsets hold; editing the text
  keeps the query as written (its prefixes, its literals' forms), which writing the parse tree
  back as SPARQL would not.
"""

from __future__ import annotations

import itertools
import re

from rdflib import OWL
from rdflib.namespace import SH

from peersupport.shacl.model import InvalidShapes, Unsupported
from peersupport.shacl.prebinding import read
from peersupport.sparql.tokens import Token, tokens

PRE_BOUND = ("this", "value", "currentShape", "shapesGraph")
_SYNTAX = frozenset("{}()*")  # the only punctuation the rewriting reads
_NOT_IN_IRIREF = frozenset('<>"{}|^`\\')  # SPARQL 1.1 grammar [139], besides white space and controls


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
            unwritable = {c for c in str(namespace) if c in _NOT_IN_IRIREF or c <= " "}
            if unwritable:  # pySHACL writes the prologue as text too: no SPARQL engine can read it
                raise InvalidShapes(f"the namespace <{namespace}> of prefix {prefix}: (on {node}) cannot be written "
                                    f"in SPARQL: it holds {', '.join(repr(c) for c in sorted(unwritable))}")
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(dict.fromkeys(lines)) + "\n"


class Layout:
    """Where the textual rewriting cuts a query, read from its tokens: the offsets of the WHERE
    group and of the SELECT keyword, the variables used, whether the projection holds ``*`` or
    ``$this``. Sound for a text that parses (``Analysis`` parses it first): no brace, keyword or
    variable token then comes from a string, an IRI or a comment, and in a projection only a
    variable or ``*`` stands outside parentheses. Reading no parse, it serves for the texts the
    engine derives from a parsed one (``set_at_a_time`` after ``exists_blocks``)."""

    def __init__(self, text: str):
        self.text = text
        self.where_open = None  # offset just after the WHERE group's "{"
        self.where_token = None  # index of that "{" among _tokens(text)
        self.select_start = 0  # offset of the first SELECT (what precedes it is the prologue)
        self.select_end = None  # offset just after SELECT [DISTINCT|REDUCED]
        self.projects_this = False  # SELECT * or $this among the projected variables
        self.uses = set()
        self.where_uses = set()  # the variables used in the WHERE group (not only projected)
        found = _tokens(text)
        parens = 0
        for index, (kind, token, start, end) in enumerate(found):
            in_projection = self.select_end is not None and self.where_open is None and parens == 0
            if kind == "variable":
                self.uses.add(token[1:])
                if self.where_open is not None:
                    self.where_uses.add(token[1:])
                elif in_projection and token[1:] == "this":
                    self.projects_this = True
            elif kind == "word" and token.upper() == "SELECT" and self.select_end is None:
                self.select_start, self.select_end = start, end
                if index + 1 < len(found) and found[index + 1].text.upper() in ("DISTINCT", "REDUCED"):
                    self.select_end = found[index + 1].end
            elif token == "*" and in_projection:
                self.projects_this = True
            elif token == "(":
                parens += 1
            elif token == ")":
                parens -= 1
            elif token == "{" and parens == 0 and self.where_open is None:
                # the first brace outside parentheses: a projected (EXISTS {...} AS ?v) is in parentheses
                self.where_open, self.where_token = end, index
        if self.where_open is None:
            raise InvalidShapes("a SPARQL query without a WHERE group")


class Analysis(Layout):
    """What the rewriting needs to know of a query: its ``Layout``, and what is decided on the
    parsed query (``shacl.prebinding.read``, which raises ``InvalidShapes`` for what SHACL
    forbids and ``Unsupported`` for a text rdflib cannot parse): whether $this is only used where
    a join with the focus nodes gives the pre-binding's solutions (``joinable``), which top-level
    EXISTS filters can be run once (``separable``), whether an ASK can be wrapped (if not, it is
    ``Unsupported``)."""

    def __init__(self, text: str, pre_bound: tuple[str, ...]):
        reading = read(text, frozenset(pre_bound))
        super().__init__(text)
        self.form = reading.form
        self.joinable = reading.joinable
        self.separable = reading.separable
        if self.form == "AskQuery" and not reading.ask_safe:
            # an ASK is only ever run wrapped (ask_as_select): one that cannot be is refused when read
            raise Unsupported("an ASK validator using $this or $value where FILTER NOT EXISTS would not pre-bind "
                              "them (a subquery, GRAPH), or with a solution modifier or FROM")


def _closing(found: list[Token], opening: int) -> int:
    """The index of the token closing the brace at index ``opening``."""
    level = 0
    for index in range(opening, len(found)):
        level += {"{": 1, "}": -1}.get(found[index].text, 0)
        if level == 0:
            return index
    raise InvalidShapes("a SPARQL group that does not close")


def exists_blocks(text: str) -> list[tuple[int, int, str]]:
    """The top-level ``FILTER [NOT] EXISTS { P }`` whose P can be evaluated once for all focus
    nodes as a join: (start, end) of ``{ P }`` and P's text. Oxigraph evaluates a property path
    inside EXISTS without using the bound subject (18 ms a node for ``$this org:postIn/
    org:subOrganizationOf* ?base`` at 10^4 triples), so P is better run as one join and the
    EXISTS replaced by a membership test. Which filters qualify is read from the parsed query
    (``Reading.separable``); the k-th FILTER keyword at the top of the WHERE group is its k-th
    FILTER."""
    analysis = Analysis(text, PRE_BOUND)
    found = _tokens(text)
    filters, depth, index = [], 0, analysis.where_token
    while index < len(found):
        kind, token = found[index].kind, found[index].text
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth == 0:
            break
        if depth == 1 and kind == "word" and token.upper() == "FILTER":
            filters.append(index)
        index += 1
    if len(filters) != len(analysis.separable):
        return []  # not the filters the parser read: join nothing rather than the wrong block
    blocks = []
    for position, separable in zip(filters, analysis.separable):
        ahead = position + 1
        if ahead < len(found) and found[ahead].text.upper() == "NOT":
            ahead += 1
        if not separable or ahead + 1 >= len(found) or found[ahead].text.upper() != "EXISTS" \
                or found[ahead + 1].text != "{":
            continue
        close = _closing(found, ahead + 1)
        blocks.append((found[ahead + 1].start, found[close].end, text[found[ahead + 1].end:found[close].start]))
    return blocks


def set_at_a_time(text: str, focus_pattern: str) -> str:
    """The query with ``focus_pattern`` (binding ?this) joined at the top of its WHERE group and
    ?this projected. ``text``: a joinable query (``Analysis``), or one derived from it by
    ``exists_blocks``'s replacements, which is not parsed again (the engine's set names differ
    from one validation to the next: each would be a new parse)."""
    analysis = Layout(text)
    where = analysis.where_open
    rewritten = text[:where] + " " + focus_pattern + " " + text[where:]
    if not analysis.projects_this and analysis.select_end is not None:
        rewritten = rewritten[:analysis.select_end] + " ?this " + rewritten[analysis.select_end:]
    return rewritten


def _bound_is_true(text: str, name: str) -> str:
    """``BOUND($name)`` written as ``(true)``: a pre-bound variable is bound (read on tokens, so
    not in a string or a comment)."""
    found, out, last = _tokens(text), [], 0
    for index in range(len(found) - 3):
        word, open_, variable, close = found[index:index + 4]
        if word.kind == "word" and word.text.upper() == "BOUND" and open_.text == "(" \
                and variable.kind == "variable" and variable.text[1:] == name and close.text == ")" and word.start >= last:
            out += [text[last:word.start], "(true)"]
            last = close.end
    return "".join(out) + text[last:]


def prebind(text: str, name: str, value: str) -> str:
    """The query with the variable ``name`` replaced by the SPARQL text ``value`` everywhere (the
    spec's pre-binding for one focus node); dropped from SELECT clauses, where a constant cannot be."""
    text = _bound_is_true(text, name)
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
    """An ASK validator as a SELECT of the (?this, ?value) pairs for which it is false: its WHERE
    group inside FILTER NOT EXISTS, which substitutes each pair into it (``Analysis`` refuses an
    ASK where that would not be pre-binding: there is no per-pair path)."""
    analysis = Analysis(text, PRE_BOUND)
    if analysis.form != "AskQuery":
        raise InvalidShapes("an ASK validator whose query is not an ASK query")
    found = _tokens(text)
    opening = analysis.where_token
    close = _closing(found, opening)
    group = text[found[opening].start:found[close].end]
    # The prologue ends at the ASK keyword itself, not at "ask" inside an IRI (<http://e/ask/>).
    ask = next(t.start for t in found[:opening] if t.kind == "word" and t.text.upper() == "ASK")
    return f"{text[:ask]} SELECT ?this ?value WHERE {{ {pairs_pattern} FILTER NOT EXISTS {group} }}"


def fill_message(template: str, bindings: dict[str, str]) -> str:
    """``{$var}`` and ``{?var}`` in a message replaced by the solution's values."""
    return re.sub(r"\{[?$]([A-Za-z0-9_]+)\}", lambda m: bindings.get(m.group(1), m.group(0)), template)

