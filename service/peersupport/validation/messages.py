"""What the spreadsheet reader says of a problem, in English and in French: one wording per
problem and language, filled with the problem's values (the cell as written, the column, what was
probably meant). The English wording is also the error's ``message`` for machine clients and the
command line; a French page shows the French one."""

from __future__ import annotations

LANGUAGES = ("en", "fr")

MESSAGES = {
    "unknown-value": {
        "en": "unknown value {value!r}; allowed: {allowed}",
        "fr": "valeur inconnue « {value} » ; valeurs permises : {allowed}"},
    "unknown-value-close": {
        "en": "unknown value {value!r}; did you mean {suggestion!r}? allowed: {allowed}",
        "fr": "valeur inconnue « {value} » ; vouliez-vous dire « {suggestion} » ? Valeurs permises : {allowed}"},
    "unknown-column": {
        "en": "unknown column",
        "fr": "colonne inconnue"},
    "unknown-column-close": {
        "en": "unknown column; did you mean `{suggestion}`?",
        "fr": "colonne inconnue ; vouliez-vous dire `{suggestion}` ?"},
    "unknown-column-listed": {
        "en": "unknown column; the template's columns are: {columns}",
        "fr": "colonne inconnue ; les colonnes du modèle sont : {columns}"},
    "column-twice": {
        "en": "the column `{name}` appears twice (also column {other})",
        "fr": "la colonne `{name}` apparaît deux fois (aussi en colonne {other})"},
    "role-id-required": {
        "en": "the role_id column is required (one row per role, each with its role_id)",
        "fr": "la colonne role_id est obligatoire (une ligne par rôle, chacune avec son role_id)"},
    "no-header": {
        "en": "the first row must name the columns (role_id, role_title, …); see the template",
        "fr": "la première ligne doit nommer les colonnes (role_id, role_title, …) ; voyez le modèle"},
    "too-many-cells": {
        "en": "{cells} cells but the header has {width} columns",
        "fr": "{cells} cellules, mais l’en-tête n’a que {width} colonnes"},
    "row-needs-id": {
        "en": "every row needs a role_id (or, for an organisation alone, an organisation_id)",
        "fr": "chaque ligne doit avoir un role_id (ou, pour une organisation seule, un organisation_id)"},
    "needs-id-in-row": {
        "en": "this column needs {article} {needed} in the same row",
        "fr": "cette colonne demande un {needed} sur la même ligne"},
    "not-yes-no": {
        "en": "{value!r} is not yes or no",
        "fr": "« {value} » n’est ni yes ni no (oui ou non)"},
    "not-a-share": {
        "en": "{value!r} is not a share (write 0.6 or 60%)",
        "fr": "« {value} » n’est pas une part (écrivez 0,6 ou 60 %)"},
    "share-out-of-range": {
        "en": "{value!r} is not between 0 and 1 (0% and 100%)",
        "fr": "« {value} » n’est pas entre 0 et 1 (0 % et 100 %)"},
    "bad-identifier": {
        "en": "{value!r} is not a valid identifier (letters, digits, - _ . only)",
        "fr": "« {value} » n’est pas un identifiant valide (lettres, chiffres, - _ . seulement)"},
    # an input with no role (validation/inputs.py), and what to do
    "no-role-in-sheet": {
        "en": "no role was found: no row below the header has a role_id",
        "fr": "aucun rôle trouvé : aucune ligne sous l’en-tête n’a de role_id"},
    "no-role-in-sheet-fix": {
        "en": "Fill in one row per role, each with its role_id (see the template), and send it again.",
        "fr": "Remplissez une ligne par rôle, chacune avec son role_id (voyez le modèle), et renvoyez-le."},
    "no-role-in-rdf": {
        "en": "no role was found: nothing in the data is an org:Post, org:Role, org:Membership or ps:DescribedRole",
        "fr": "aucun rôle trouvé : rien dans les données n’est un org:Post, org:Role, org:Membership ou ps:DescribedRole"},
    "no-role-in-rdf-fix": {
        "en": "Describe each role as an org:Post (or org:Role) with its evidence (see the examples), and send it again.",
        "fr": "Décrivez chaque rôle comme un org:Post (ou org:Role) avec ses éléments (voyez les exemples), et renvoyez-le."},
    # the error's hint, whatever the problems
    "fix-each-cell": {
        "en": "Correct each cell named (row and column as your spreadsheet program shows them) and send the file "
              "again: every problem found is listed.",
        "fr": "Corrigez chaque cellule nommée (ligne et colonne telles que votre tableur les montre) et renvoyez le "
              "fichier : tous les problèmes trouvés sont listés."},
}


def say(key: str, lang: str = "en", **values) -> str:
    """The wording of problem ``key`` in ``lang`` (English where the language is not one we have)."""
    wordings = MESSAGES[key]
    return wordings.get(lang, wordings["en"]).format(**values)


def both(key: str, **values) -> dict[str, str]:
    """The wording of problem ``key`` in every language: ``{"en": …, "fr": …}``."""
    return {lang: say(key, lang, **values) for lang in LANGUAGES}


def said_error(error_type, key: str, fix: str, **values):
    """An error whose message and hint are the wordings ``key`` and ``fix``: English in ``message``
    and ``hint``, every language in ``said`` and ``hints`` (for the pages)."""
    said, hints = both(key, **values), both(fix)
    error = error_type(said["en"], hint=hints["en"])
    error.said, error.hints = said, hints
    return error
