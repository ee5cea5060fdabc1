"""Where a result is in the input, and what to change there, in the input's own terms.

On a spreadsheet the place is a column and a row as the spreadsheet shows them ("column
``mutual_agreement`` (F), row 3") and the fix a value to write there ("write yes in column
``mutual_agreement`` (F) of row 3"); on RDF it is the property, and the fix a Turtle line to add
(``ps:mutualAgreement true ;``). ``origin`` is how the input was read (``inputs.Parsed``: its
``spreadsheet``, ``rows`` and ``columns``), or None when that is not known: then the column is
named and the property too.
"""

from __future__ import annotations

import json
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from peersupport.validation.report.common import column_of, result_grounds
from peersupport.validation.validate import Report, Result
from peersupport.vocabulary import docs
from peersupport.vocabulary.graph import ORG, PS

_YES = {"en": ("yes", "no"), "fr": ("oui", "non")}
# Results about a property no column holds, and the column where the fix goes.
_LOCATED = {ORG.postIn: "organisation_kind"}
_SAY = {
    "en": {"write_yes_no": "If it is so, write {yes} in {where}; if not, write {no}.",
           "write_one": "Write one of {values} in {where}.",
           "says": "{where} says {value}. If that is wrong, write {other} there.",
           "says_value": "{where} says {value}. If that is wrong, change it there.",
           "concern_says": "{where} says {value}; once that changes, write {other} there.",
           "unreadable": "{where} holds “{value}”, which cannot be read: write {allowed}.",
           "follows": "This follows from {grounds}. If that is wrong, change it there.",
           "look": "See {where}.",
           "clash": "{where} says {value}, but {grounds} means {implied}: correct the one that is wrong.",
           "add": "Add to {role}: {turtle}", "add_one": "Add to {role}: {turtle}, where X is one of {options}.",
           "replace_one": "Replace {stated} with {turtle}, where X is one of {options}.", "or_false": "(or false)",
           "rdf_concern": "The data states {stated}; once that changes, write {turtle} instead.",
           "states": "The data states {stated}. If that is wrong, write {turtle} instead.",
           "states_value": "The data states {stated}. If that is wrong, change or remove that statement.",
           "replace": "Replace {stated} with {turtle}.",
           "rdf_follows": "This follows from {grounds}. If that is wrong, change or remove that statement.",
           "property": "See property {path} of {role}.",
           "where": "column {name}{letter} of row {row}", "where_no_row": "column {name}{letter}",
           "or": " or ", "absent": " (a column to add)"},
    "fr": {"write_yes_no": "Si c’est le cas, écrivez {yes} dans {where} ; sinon, écrivez {no}.",
           "write_one": "Écrivez l’une des valeurs {values} dans {where}.",
           "says": "{where} indique {value}. Si c’est faux, écrivez-y {other}.",
           "says_value": "{where} indique {value}. Si c’est faux, corrigez-la.",
           "concern_says": "{where} indique {value} ; quand cela change, écrivez-y {other}.",
           "unreadable": "{where} contient « {value} », illisible : écrivez {allowed}.",
           "follows": "Cela découle de {grounds}. Si c’est faux, corrigez-le là.",
           "look": "Voir {where}.",
           "clash": "{where} indique {value}, mais {grounds} veut dire {implied} : corrigez celle qui est fausse.",
           "add": "Ajoutez à {role} : {turtle}", "add_one": "Ajoutez à {role} : {turtle}, où X est l’une de {options}.",
           "replace_one": "Remplacez {stated} par {turtle}, où X est l’une de {options}.", "or_false": "(ou false)",
           "rdf_concern": "Les données indiquent {stated} ; quand cela change, écrivez {turtle} à la place.",
           "states": "Les données indiquent {stated}. Si c’est faux, écrivez {turtle} à la place.",
           "states_value": "Les données indiquent {stated}. Si c’est faux, corrigez ou retirez cette déclaration.",
           "replace": "Remplacez {stated} par {turtle}.",
           "rdf_follows": "Cela découle de {grounds}. Si c’est faux, corrigez ou retirez cette déclaration.",
           "property": "Voir la propriété {path} de {role}.",
           "where": "la colonne {name}{letter} de la ligne {row}", "where_no_row": "la colonne {name}{letter}",
           "or": " ou ", "absent": " (une colonne à ajouter)"},
}


@lru_cache(maxsize=1)
def _columns() -> dict:
    from peersupport.validation.spreadsheet import COLUMNS

    return {c.name: c for c in COLUMNS}


def _prefixed(node) -> str:
    text = str(node)
    for prefix, namespace in (("ps", str(PS)), ("org", str(ORG))):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return f"<{text}>"


def _literal(value) -> str:
    """A value as Turtle writes it."""
    if isinstance(value, Literal) and isinstance(value.toPython(), bool):
        return "true" if value.toPython() else "false"
    if isinstance(value, URIRef):
        return _prefixed(value)
    return json.dumps(str(value), ensure_ascii=False) if isinstance(value, Literal) and value.datatype is None else str(value)


def _members(scheme, lang: str) -> list[tuple[URIRef, str]]:
    vocabulary = docs.shared_vocabulary()
    members = sorted(set(vocabulary.subjects(SKOS.inScheme, scheme)) | set(vocabulary.subjects(RDF.type, scheme)), key=str)
    return [(m, docs.label(vocabulary, m, lang)) for m in members]


def _choices(scheme, lang: str) -> str:
    quote = ("“", "”") if lang == "en" else ("« ", " »")
    return ", ".join(f"{quote[0]}{label}{quote[1]}" for _, label in _members(scheme, lang))


def where(origin, result_focus, name: str | None, lang: str) -> str | None:
    """ "column ``name`` (F) of row 3", or None when the result is about no column."""
    if name is None:
        return None
    words = _SAY[lang]
    columns = getattr(origin, "columns", {}) if origin is not None and getattr(origin, "spreadsheet", False) else None
    letter = "" if columns is None else f" ({columns[name]})" if name in columns else words["absent"]
    row = getattr(origin, "rows", {}).get(result_focus) if origin is not None else None
    key = "where" if row else "where_no_row"
    return words[key].format(name=f"`{name}`", letter=letter, row=row)


def row_of(origin, node) -> int | None:
    return getattr(origin, "rows", {}).get(node) if origin is not None and getattr(origin, "spreadsheet", False) else None


def _cell(value, lang: str) -> str:
    if isinstance(value, Literal) and isinstance(value.toPython(), bool):
        return _YES[lang][0 if value.toPython() else 1]
    if isinstance(value, URIRef):
        return docs.label(docs.shared_vocabulary(), value, lang)
    return f"“{value}”"


def _spreadsheet_fix(report: Report, origin, result: Result, lang: str) -> str | None:
    words = _SAY[lang]
    name = column_of(result.path) or _LOCATED.get(result.path)
    place = where(origin, result.focus, name, lang)
    if place is None:
        return None
    column = _columns().get(name)
    yes, no = _YES[lang]
    grounds = result_grounds(report, result)
    stated = next((v for v in report.data.objects(result.focus, result.path) if v != result.value), None) if grounds else None
    if stated is not None:
        places = [where(origin, s, column_of(p), lang) or _prefixed(p) for s, p, _ in grounds]
        return words["clash"].format(where=place[0].upper() + place[1:], value=_cell(stated, lang), implied=_cell(result.value, lang),
                                     grounds=", ".join(f"{w} ({_cell(o, lang)})" for w, (_, _, o) in zip(places, grounds)))
    if grounds:
        places = [where(origin, s, column_of(p), lang) or _prefixed(p) for s, p, _ in grounds]
        return words["follows"].format(grounds=", ".join(f"{w} ({_cell(o, lang)})" for w, (_, _, o) in zip(places, grounds)))
    boolean = column is not None and column.kind == "yes/no"
    if result.status == "not-recorded" or (result.status == "concern" and result.value is None):
        if boolean:
            return words["write_yes_no"].format(yes=yes, no=no, where=place)
        if column is not None and column.values is not None and result.status == "not-recorded":
            return words["write_one"].format(values=_choices(column.values, lang), where=place)
    if result.status in ("contradicted", "concern") and result.value is not None:
        if boolean and isinstance(result.value, Literal):
            other = no if result.value.toPython() else yes
            key = "concern_says" if result.status == "concern" else "says"
            return words[key].format(where=place[0].upper() + place[1:], value=_cell(result.value, lang), other=other)
        return words["says_value"].format(where=place[0].upper() + place[1:], value=_cell(result.value, lang))
    if result.status == "unreadable" and result.value is not None:
        allowed = f"{yes}{words['or']}{no}" if boolean else _choices(column.values, lang) \
            if column is not None and column.values is not None else "?"
        return words["unreadable"].format(where=place[0].upper() + place[1:], value=result.value, allowed=allowed)
    return words["look"].format(where=place)


def _rdf_fix(report: Report, result: Result, lang: str) -> tuple[str | None, str | None]:
    """The advice and the Turtle line to add, if the fix is a value."""
    words = _SAY[lang]
    if result.path is None or not isinstance(result.path, URIRef):
        return None, None
    role = report.label(result.focus)
    column = _columns().get(column_of(result.path) or "")
    boolean = column is not None and column.kind == "yes/no"
    scheme = column.values if column is not None and not boolean else None
    path = _prefixed(result.path)
    stated = f"`{path} {_literal(result.value)}`" if result.value is not None else None
    grounds = result_grounds(report, result)
    if grounds:
        return words["rdf_follows"].format(grounds=", ".join(f"`{_prefixed(p)} {_literal(o)}`" for _, p, o in grounds)), None
    missing = result.status == "not-recorded" or (result.status == "concern" and result.value is None)
    if (missing or result.status == "unreadable") and boolean:
        turtle = f"{path} true ;"
        text = words["add" if missing else "replace"].format(role=role, turtle=f"`{turtle}` {words['or_false']}", stated=stated)
        return text, turtle
    if (missing or result.status == "unreadable") and scheme is not None:
        options = ", ".join(_prefixed(m) for m, _ in _members(scheme, lang))
        key = "add_one" if missing else "replace_one"
        return words[key].format(role=role, turtle=f"`{path} X ;`", options=options, stated=stated), None
    if result.status in ("contradicted", "concern") and result.value is not None:
        if boolean and isinstance(result.value, Literal):
            turtle = f"{path} {'false' if result.value.toPython() else 'true'} ;"
            key = "rdf_concern" if result.status == "concern" else "states"
            return words[key].format(stated=stated, turtle=f"`{turtle}`"), turtle
        if result.status == "contradicted":
            return words["states_value"].format(stated=stated), None
    return words["property"].format(path=f"`{path}`", role=role), None


def fix(report: Report, origin, result: Result, lang: str = "en") -> dict:
    """Where the result is and what to change: ``{"row", "column", "letter", "text", "turtle"}``
    (None where it does not apply)."""
    name = column_of(result.path)
    spreadsheet = origin is not None and getattr(origin, "spreadsheet", False)
    letter = origin.columns.get(name) if spreadsheet and name else None
    if spreadsheet:
        return {"row": row_of(origin, result.focus), "column": name, "letter": letter,
                "text": _spreadsheet_fix(report, origin, result, lang), "turtle": None}
    text, turtle = _rdf_fix(report, result, lang) if origin is not None else (None, None)
    return {"row": None, "column": name, "letter": None, "text": text, "turtle": turtle}
