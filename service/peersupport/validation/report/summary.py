"""The report's summary in plain words, English and French: how many roles were checked and how
many claim peer support, then how many are peer support as the sources describe it, need more
information, are not, or have evidence that contradicts itself ("3 roles are peer support as the
sources describe it; 1 needs more information; 1 is not")."""

from __future__ import annotations

from peersupport.validation.validate import Report

# Per outcome: (singular, plural) after the number; the first part names the roles.
_PHRASES = {
    "en": {"first": ("role is", "roles are"), "peer-support": ("peer support as the sources describe it",) * 2,
           "undetermined": ("needs more information", "need more information"), "not-peer-support": ("is not", "are not"),
           "inconsistent": ("has evidence that contradicts itself", "have evidence that contradicts itself"),
           "checked": ("role checked", "roles checked"), "claim": ("claims peer support", "claim peer support"),
           "none": "No role was found in what was sent, so nothing was checked.", "zero": "No role is",
           "claim_none": "none claims peer support"},
    "fr": {"first": ("rôle est", "rôles sont"), "peer-support": ("du soutien par les pairs au sens des sources",) * 2,
           "undetermined": ("demande plus d’informations", "demandent plus d’informations"),
           "not-peer-support": ("n’en est pas", "n’en sont pas"),
           "inconsistent": ("a des éléments qui se contredisent", "ont des éléments qui se contredisent"),
           "checked": ("rôle vérifié", "rôles vérifiés"), "claim": ("se dit soutien par les pairs", "se disent soutien par les pairs"),
           "none": "Aucun rôle n’a été trouvé dans ce qui a été envoyé : rien n’a été vérifié.", "zero": "Aucun rôle n’est",
           "claim_none": "aucun ne se dit soutien par les pairs"},
}
ORDER = ("peer-support", "undetermined", "not-peer-support", "inconsistent")


def outcomes(report: Report) -> dict[str, int]:
    """How many roles have each verdict, and how many roles there are and claim peer support."""
    return tally(report.verdicts.values(), len(report.roles()))


def tally(verdicts, roles: int) -> dict[str, int]:
    """``outcomes`` of ``roles`` roles with these verdicts (for a report, or a batch of one)."""
    found = {outcome: 0 for outcome in ORDER}
    claims = 0
    for verdict in verdicts:
        found[verdict.outcome] = found.get(verdict.outcome, 0) + 1
        claims += bool(verdict.claims_peer_support)
    return {"roles": roles, "claims": claims, **found}


def _say(number: int, pair: tuple) -> str:
    return f"{number} {pair[0] if number == 1 else pair[1]}"


def checked_sentence(tally: dict, lang: str = "en") -> str:
    """"5 roles checked; 4 of them claim peer support." (French: "5 rôles vérifiés, dont 4 …")."""
    words = _PHRASES[lang]
    if not tally["roles"]:
        return words["none"]
    head = _say(tally["roles"], words["checked"])
    if not tally["claims"]:
        return f"{head}; {words['claim_none']}." if lang == "en" else f"{head} ; {words['claim_none']}."
    verb = words["claim"][0 if tally["claims"] == 1 else 1]
    if lang == "en":
        return f"{head}; {tally['claims']} of them {verb}."
    return f"{head}, dont {tally['claims']} {verb}."


def outcome_sentence(tally: dict, lang: str = "en") -> str:
    """"3 roles are peer support as the sources describe it; 1 needs more information; 1 is not."
    Outcomes no role has are left out, but for the first ("No role is …")."""
    words = _PHRASES[lang]
    if not tally["roles"]:
        return ""
    number = tally.get("peer-support", 0)
    first = words["zero"] if not number else _say(number, words["first"])
    parts = [f"{first} {words['peer-support'][0]}"]
    parts += [_say(tally[o], words[o]) for o in ORDER[1:] if tally.get(o)]
    return ("; " if lang == "en" else " ; ").join(parts) + "."


def summary(report: Report, lang: str = "en") -> dict:
    """The two sentences and their figures, for every rendering."""
    return said(outcomes(report), lang)


def said(figures: dict, lang: str = "en") -> dict:
    """``summary`` from the figures ``outcomes`` gives."""
    return {"checked": checked_sentence(figures, lang), "outcomes": outcome_sentence(figures, lang), "tally": figures}
