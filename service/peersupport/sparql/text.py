"""What a SPARQL request's text asks for, read without running it: its keywords outside
comments, strings and IRIs (``sparql.tokens``). Used to refuse ``SERVICE`` and updates before
anything runs, to see whether the query names its own dataset (``FROM``/``FROM NAMED``), to bind
catalogue parameters and to cap a SELECT query's rows."""

from __future__ import annotations

from peersupport.sparql.tokens import tokens

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased, in order."""
    return [token.text.upper() for token in tokens(text) if token.kind == "word"]


def uses_service(text: str) -> bool:
    """True when the text may call another endpoint. Oxigraph's parser reads a keyword glued to
    what follows (``SERVICEex:g`` is ``SERVICE ex:g``), so a prefixed name starting with SERVICE
    counts too."""
    return any(token.kind in ("word", "prefixed") and token.text.upper().startswith("SERVICE") for token in tokens(text))


def is_update(text: str) -> bool:
    """True when the first word after the prologue (BASE/PREFIX) is an update operation."""
    words = [w for w in keywords(text) if w not in ("BASE", "PREFIX")]
    return bool(words) and words[0] in UPDATE_KEYWORDS


def names_dataset(text: str) -> bool:
    """True when the query has a FROM or FROM NAMED clause."""
    return "FROM" in keywords(text)


def bind_values(text: str, bindings: dict[str, str]) -> str:
    """The query with a ``VALUES`` block opening its top-level ``WHERE`` group, binding each
    variable to a term given in N-Triples form (already parsed and serialised by the caller, so
    nothing a user typed is pasted in). Raises ValueError when the query has no ``WHERE {``."""
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(bindings.values())
    stream = tokens(text)
    for token in stream:
        if token.kind == "word" and token.text.upper() == "WHERE":
            following = next(stream, None)
            if following is not None and following.text == "{":
                at = following.end
                return f"{text[:at]}\n  VALUES ({names}) {{ ({terms}) }}{text[at:]}"
            break
    raise ValueError("the query has no 'WHERE {' to bind parameters in")


def dataset_iris(text: str) -> list[str]:
    """The IRIs a query's ``FROM`` and ``FROM NAMED`` clauses name, with prefixed names expanded
    by the query's own ``PREFIX`` declarations (a name whose prefix is undeclared is left to the
    query parser, which refuses it)."""
    prefixes: dict[str, str] = {}
    found: list[str] = []
    state, declaring = "idle", ""
    for kind, value, _, _ in tokens(text):
        if state == "prefix-name":
            state, declaring = ("prefix-iri", value[:-1]) if kind == "prefixed" else ("idle", "")
        elif state == "prefix-iri":
            if kind == "iri":
                prefixes[declaring] = value[1:-1]
            state = "idle"
        elif state == "graph" and kind == "word" and value.upper() == "NAMED":
            continue
        elif state == "graph":
            if kind == "iri":
                found.append(value[1:-1])
            elif kind == "prefixed" and value.partition(":")[0] in prefixes:
                prefix, _, local = value.partition(":")
                found.append(prefixes[prefix] + local)
            state = "idle"
        elif kind == "word" and value.upper() == "PREFIX":
            state = "prefix-name"
        elif kind == "word" and value.upper() == "FROM":
            state = "graph"
    return found


def with_row_limit(text: str, limit: int) -> str | None:
    """The SELECT query ``text`` answering at most ``limit`` rows: its own top-level ``LIMIT``
    lowered to ``limit``, or ``LIMIT limit`` added after its solution modifiers (before a trailing
    ``VALUES`` block). None when the text is not a SELECT query or its shape is not recognised;
    the caller then caps the rows itself. The first ``limit`` rows are unchanged: ``LIMIT``
    applies after ``ORDER BY`` and ``OFFSET``."""
    significant = list(tokens(text))
    index = 0
    while index < len(significant) and significant[index].text.upper() in ("BASE", "PREFIX"):
        index += 3 if significant[index].text.upper() == "PREFIX" else 2
    if index >= len(significant) or significant[index].text.upper() != "SELECT":
        return None
    braces = parentheses = 0
    group_closed = False
    limit_at = values_at = None
    for position in range(index + 1, len(significant)):
        token = significant[position]
        value = token.text
        if value == "{":
            braces += 1
        elif value == "}":
            braces -= 1
            group_closed = group_closed or braces == 0
        elif value == "(":
            parentheses += 1
        elif value == ")":
            parentheses -= 1
        elif group_closed and braces == 0 and parentheses == 0 and token.kind == "word":
            if value.upper() == "LIMIT":
                limit_at = position
            elif value.upper() == "VALUES" and values_at is None:
                values_at = position
    if not group_closed or braces != 0:
        return None
    if limit_at is not None:
        digits = significant[limit_at + 1:]
        end = 0
        while end < len(digits) and digits[end].text.isdigit() and (end == 0 or digits[end].start == digits[end - 1].end):
            end += 1
        if end == 0:
            return None
        start, stop = digits[0].start, digits[end - 1].end
        return f"{text[:start]}{min(int(text[start:stop]), limit)}{text[stop:]}"
    if values_at is not None:
        at = significant[values_at].start
        return f"{text[:at]}LIMIT {limit}\n{text[at:]}"
    return f"{text}\nLIMIT {limit}\n"  # on a line of its own: the text may end in a comment
