"""HTTP content negotiation: pick the offered media type an ``Accept`` header prefers, by
q-value, then by specificity, then by the server's order of preference."""

from __future__ import annotations


def _parse(accept: str) -> list[tuple[str, float, int]]:
    ranges = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def _match(media_range: str, offer: str) -> int:
    """How specifically ``media_range`` matches ``offer``: 2 exact, 1 type/*, 0 */*, -1 none."""
    if media_range == offer:
        return 2
    kind, _, sub = media_range.partition("/")
    if sub == "*" and offer.split("/", 1)[0] == kind:
        return 1
    if media_range == "*/*" or media_range == "*":
        return 0
    return -1


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The best of ``offers`` (in the server's order of preference) for ``accept``, or None
    when the client accepts none of them. No Accept header accepts the first offer."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse(accept)
    best, best_key = None, None
    for preference, offer in enumerate(offers):
        matches = [(specificity, q) for media, q, _ in ranges if (specificity := _match(media, offer)) >= 0]
        if not matches:
            continue
        specificity, q = max(matches)  # the most specific range decides the offer's q
        if q <= 0:
            continue
        key = (q, specificity, -preference)
        if best_key is None or key > best_key:
            best, best_key = offer, key
    return best
