"""A cheap screen in front of ``sparql.text``'s readers, which tokenise the whole text (about
17 µs for a small query, each, on the path of every request): a keyword can only be read from a
text whose upper-cased form contains it (``str.upper`` maps character by character, so a token's
upper-cased text is part of the whole text's), so a text without any of the words is answered at
once, exactly as the reader would answer it."""

from __future__ import annotations


def may_contain(text: str, *words: str) -> bool:
    """False when none of ``words`` (upper-case) can be a keyword of ``text``; True when one may."""
    upper = text.upper()
    return any(word in upper for word in words)
