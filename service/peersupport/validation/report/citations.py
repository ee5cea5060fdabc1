"""The shapes' messages cite their sources as "(003, on voluntary participation)" or
"(004, section 3.2; 002)": a source's number, then the section. ``pieces`` cuts a text into plain
text and such citations, each with the source's short title, the section and the page it links
to (``/sources/003#voluntary``); ``spelled`` writes them with the short title for text output."""

from __future__ import annotations

import re

from peersupport.vocabulary.sources import anchor_for, sources

_ONE = r"\d{3}(?:_[0-9a-f]+\.txt)?(?:\s*,\s*[^;()]+?)?"
_GROUP = re.compile(rf"\((\s*{_ONE}\s*(?:;\s*{_ONE}\s*)*)\)")
_ITEM = re.compile(r"^\s*(\d{3})(?:_[0-9a-f]+\.txt)?(?:\s*,\s*(.+?))?\s*$")


def _citation(item: str) -> dict | None:
    found = _ITEM.match(item)
    source = sources().get(found[1]) if found else None
    if source is None:
        return None
    section = (found[2] or "").strip()
    anchor = anchor_for(source.id, section) if section else ""
    return {"id": source.id, "title": source.short_title, "by": source.by(), "year": source.year,
            "section": section, "href": f"/sources/{source.id}" + (f"#{anchor}" if anchor else "")}


def pieces(text: str) -> list[dict]:
    """``text`` as ``[{"text": …}, {"cites": [citation, …]}, …]``; a parenthesis that is not a
    citation of known sources stays text."""
    out, at = [], 0
    for group in _GROUP.finditer(text):
        cites = [_citation(item) for item in group[1].split(";")]
        if not cites or None in cites:
            continue
        if group.start() > at:
            out.append({"text": text[at:group.start()]})
        out.append({"cites": cites})
        at = group.end()
    if at < len(text):
        out.append({"text": text[at:]})
    return out


def _spell(cite: dict) -> str:
    return f"“{cite['title']}”" + (f", {cite['section']}" if cite["section"] else "")


def spelled(text: str) -> str:
    """``text`` with each citation's number replaced by the source's short title:
    "(“So, what's this thing called ‘Peer Support’?”, on voluntary participation)"."""
    return "".join(p["text"] if "text" in p else "(" + "; ".join(_spell(c) for c in p["cites"]) + ")" for p in pieces(text))
