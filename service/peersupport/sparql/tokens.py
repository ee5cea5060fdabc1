"""The SPARQL tokenizer shared by everything that reads a query's text without running it:
checking a request (``sparql.text``) and rewriting SHACL-SPARQL constraints (``shacl.rewriting``).

It knows only what those readers need: comments, strings, IRIs, variables, prefixed names and
bare words; any other character is a token of its own (``other``). Comments and white space are
left out. It never fails: any text gives tokens, in linear time.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

# Strings may be left unclosed (the closing quote is optional): an unclosed string then runs to
# the end of its line (or of the text, for a long string) instead of being rescanned from every
# later quote, which made hostile texts such as '"\\"\\"\\…' take quadratic time.
_TOKEN = re.compile(
    r'''(?P<comment>\#[^\n\r]*)
      | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)|\'\'\'(?:[^'\\]|\\.|'(?!''))*(?:\'\'\'|\Z)|"(?:[^"\\\n\r]|\\.)*"?|'(?:[^'\\\n\r]|\\.)*'?)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<variable>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
      | (?P<prefixed>[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*)
      | (?P<word>[A-Za-z_]+)
      | (?P<space>\s+)
      | (?P<other>.)''',
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    kind: str  # string, iri, variable, prefixed, word or other
    text: str
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text in order, without its comments and white space."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "comment" and kind != "space":
            yield Token(kind, match.group(), match.start(), match.end())

