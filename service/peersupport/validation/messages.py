"""What the validator says of input it cannot use, in English and in French: one wording per
message and language, filled with the message's values (the cell as written, the row, the column,
what was probably meant, the byte or line where reading stopped).

An error or a spreadsheet problem carries its wording's key and values (``InputError.key`` and
``values``, ``hint_key`` for what to do; ``Problem.key`` and ``values``); its English text is also
its ``message``, for machine clients and the command line. A page says it in its own language
with ``error_text`` and ``problem_text``. Values a library wrote (a parser's ``detail``) stay as
the library wrote them; allowed values are the ones the template takes, in the vocabulary's words.
"""

from __future__ import annotations

import string

from peersupport.errors import BadRequest, InputError

LANGUAGES = ("en", "fr")

MESSAGES = {
    # where a message is, when the reader gives its line (and column)
    "at-line": {
        "en": "line {line}: ",
        "fr": "ligne {line} : "},
    "at-line-column": {
        "en": "line {line}, column {column}: ",
        "fr": "ligne {line}, colonne {column} : "},
    # what to do, when nothing more precise can be said
    "fix-at-place": {
        "en": "Correct the data at the place named and send it again.",
        "fr": "Corrigez les données à l’endroit indiqué et renvoyez-les."},

    # the cells of a spreadsheet (validation/sheet.py)
    "unknown-value": {
        "en": "unknown value {value!r}; allowed: {allowed}",
        "fr": "valeur inconnue « {value} » ; valeurs permises : {allowed_fr}"},
    "unknown-value-close": {
        "en": "unknown value {value!r}; did you mean {suggestion!r}? allowed: {allowed}",
        "fr": "valeur inconnue « {value} » ; vouliez-vous dire « {suggestion} » ? Valeurs permises : {allowed_fr}"},
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
    # the error holding them all (its English message lists them; a page lists them one by one)
    "problems-in-sheet": {
        "en": "{count} problems in the spreadsheet",
        "fr": "{count} problèmes dans le tableau"},
    "fix-each-cell": {
        "en": "Correct each cell named (row and column as your spreadsheet program shows them) and send the file "
              "again: every problem found is listed.",
        "fr": "Corrigez chaque cellule nommée (ligne et colonne telles que votre tableur les montre) et renvoyez le "
              "fichier : tous les problèmes trouvés sont listés."},

    # reading a spreadsheet's file (validation/tables.py)
    "bad-declared-encoding": {
        "en": "the file says it is {encoding} text but byte {byte} is not {encoding}",
        "fr": "le fichier se dit en texte {encoding}, mais son octet {byte} n’est pas du {encoding}"},
    "save-as-csv-utf8": {
        "en": "Save the spreadsheet again as CSV UTF-8, or as .xlsx.",
        "fr": "Enregistrez à nouveau le tableau en CSV UTF-8, ou en .xlsx."},
    "bad-csv": {
        "en": "row {row}: not valid CSV: {detail}",
        "fr": "ligne {row} : CSV non valide : {detail}"},
    "save-again-as-csv": {
        "en": "Save the spreadsheet again as CSV, or send the .xlsx file.",
        "fr": "Enregistrez à nouveau le tableau en CSV, ou envoyez le fichier .xlsx."},
    "unreadable-xlsx": {
        "en": "not a readable .xlsx workbook: {detail}",
        "fr": "ce classeur .xlsx ne peut pas être lu : {detail}"},
    "resave-xlsx": {
        "en": "Open the file in your spreadsheet program and save it again as .xlsx (Excel workbook).",
        "fr": "Ouvrez le fichier dans votre tableur et enregistrez-le à nouveau en .xlsx (classeur Excel)."},
    "unreadable-ods": {
        "en": "not a readable .ods spreadsheet: {detail}",
        "fr": "ce tableau .ods ne peut pas être lu : {detail}"},
    "resave-ods": {
        "en": "Open the file in your spreadsheet program and save it again as .ods or .xlsx.",
        "fr": "Ouvrez le fichier dans votre tableur et enregistrez-le à nouveau en .ods ou en .xlsx."},
    "not-a-zip-xlsx": {
        "en": "not a readable .xlsx workbook (it is not a zip archive)",
        "fr": "ce classeur .xlsx ne peut pas être lu (ce n’est pas une archive zip)"},
    "not-a-zip-ods": {
        "en": "not a readable .ods spreadsheet (it is not a zip archive)",
        "fr": "ce tableau .ods ne peut pas être lu (ce n’est pas une archive zip)"},
    "save-as-xlsx-or-csv": {
        "en": "Save the spreadsheet as .xlsx (Excel workbook) or as CSV.",
        "fr": "Enregistrez le tableau en .xlsx (classeur Excel) ou en CSV."},
    "save-as-ods-or-csv": {
        "en": "Save the spreadsheet as .ods (OpenDocument) or .xlsx, or as CSV.",
        "fr": "Enregistrez le tableau en .ods (OpenDocument) ou en .xlsx, ou en CSV."},
    "expands-too-much-xlsx": {
        "en": "the workbook expands to more than {mib} MiB; send fewer rows at a time",
        "fr": "le classeur décompressé dépasse {mib} Mio ; envoyez moins de lignes à la fois"},
    "expands-too-much-ods": {
        "en": "the spreadsheet expands to more than {mib} MiB; send fewer rows at a time",
        "fr": "le tableau décompressé dépasse {mib} Mio ; envoyez moins de lignes à la fois"},
    "member-damaged-xlsx": {
        "en": "not a readable .xlsx workbook: {member} is damaged",
        "fr": "ce classeur .xlsx ne peut pas être lu : {member} est endommagé"},
    "member-damaged-ods": {
        "en": "not a readable .ods spreadsheet: {member} is damaged",
        "fr": "ce tableau .ods ne peut pas être lu : {member} est endommagé"},
    "book-doctype-xlsx": {
        "en": "a workbook with a DOCTYPE or ENTITY declaration is refused (entities could read files or expand without bound)",
        "fr": "un classeur contenant une déclaration DOCTYPE ou ENTITY est refusé (ces entités pourraient lire des "
              "fichiers ou grossir sans limite)"},
    "book-doctype-ods": {
        "en": "a spreadsheet with a DOCTYPE or ENTITY declaration is refused (entities could read files or expand without bound)",
        "fr": "un tableau contenant une déclaration DOCTYPE ou ENTITY est refusé (ces entités pourraient lire des "
              "fichiers ou grossir sans limite)"},
    "too-many-ods-cells": {
        "en": "the spreadsheet holds more than {cells:,} cells once its repeated rows and cells are counted; "
              "send fewer rows at a time",
        "fr": "le tableau compte plus de {cells:,} cellules, lignes et cellules répétées comprises ; envoyez moins de "
              "lignes à la fois"},
    "ods-without-content": {
        "en": "not a readable .ods spreadsheet: it has no content.xml",
        "fr": "ce tableau .ods ne peut pas être lu : il n’a pas de content.xml"},
    "ods-content-damaged": {
        "en": "not a readable .ods spreadsheet: content.xml is damaged ({detail})",
        "fr": "ce tableau .ods ne peut pas être lu : son content.xml est endommagé ({detail})"},

    # reading any input (validation/inputs.py)
    "input-too-large": {
        "en": "input is {size} bytes; the limit is {limit} bytes",
        "fr": "les données font {size:,} octets ; la limite est de {limit:,} octets"},
    "not-utf8": {
        "en": "input is not UTF-8 text",
        "fr": "les données ne sont pas du texte UTF-8"},
    "relative-iri": {
        "en": "relative IRI {iri!r}: the data gives no base address to resolve it against",
        "fr": "IRI relative « {iri} » : les données ne donnent aucune adresse de base pour la résoudre"},
    "relative-iris": {
        "en": "relative IRI {iri!r} (and {more} more): the data gives no base address to resolve it against",
        "fr": "IRI relative « {iri} » (et {more} autres) : les données ne donnent aucune adresse de base pour les résoudre"},
    "relative-iri-fix": {
        "en": "Write every IRI in full (https://…), or give the document a base: xml:base in RDF/XML, "
              "@base in Turtle, @base in the JSON-LD @context.",
        "fr": "Écrivez chaque IRI en entier (https://…), ou donnez une base au document : xml:base en RDF/XML, "
              "@base en Turtle, @base dans le @context JSON-LD."},
    "turtle-syntax": {
        "en": "Turtle syntax error: {detail}",
        "fr": "erreur de syntaxe Turtle : {detail}"},
    "rdfxml-syntax": {
        "en": "RDF/XML syntax error: {detail}",
        "fr": "erreur de syntaxe RDF/XML : {detail}"},
    "ntriples-syntax": {
        "en": "N-Triples syntax error: {detail}",
        "fr": "erreur de syntaxe N-Triples : {detail}"},
    "json-syntax": {
        "en": "JSON syntax error: {detail}",
        "fr": "erreur de syntaxe JSON : {detail}"},
    "jsonld-error": {
        "en": "JSON-LD error: {detail}",
        "fr": "erreur JSON-LD : {detail}"},
    "jsonld-refused": {
        "en": "{detail}",
        "fr": "contexte JSON-LD refusé : {detail}"},
    "unreadable-rdf": {
        "en": "{detail}",
        "fr": "les données ne peuvent pas être lues : {detail}"},
    "unfinished-statement": {
        "en": "syntax error: the data ends in the middle of a statement (a term or a final '.' is missing)",
        "fr": "erreur de syntaxe : les données s’arrêtent au milieu d’un énoncé (il manque un terme ou le « . » final)"},
    "rdfxml-doctype": {
        "en": "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entities could read files or expand without bound)",
        "fr": "du RDF/XML contenant une déclaration DOCTYPE ou ENTITY est refusé (ces entités pourraient lire des "
              "fichiers ou grossir sans limite)"},
    "lone-surrogate": {
        "en": "the data holds an escaped lone surrogate (\\u{code}), which is not a Unicode character",
        "fr": "les données contiennent un demi-caractère UTF-16 échappé (\\u{code}), qui n’est pas un caractère Unicode"},
    "too-deep": {
        "en": "the data is nested too deeply (blank nodes, collections or JSON objects hundreds of levels deep); "
              "write the nested parts as separate resources",
        "fr": "les données sont imbriquées trop profondément (nœuds anonymes, collections ou objets JSON sur des "
              "centaines de niveaux) ; écrivez les parties imbriquées comme des ressources séparées"},
    "unknown-format": {
        "en": "unknown format {format!r}; use one of: {formats}",
        "fr": "format inconnu « {format} » ; utilisez l’un de ceux-ci : {formats}"},
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
    # the validator's form (web/validator.py)
    "unknown-language": {
        "en": "unknown language {language!r}; use en or fr",
        "fr": "langue inconnue « {language} » ; choisissez en ou fr"},
    "send-lang": {
        "en": "Send lang=en or lang=fr.",
        "fr": "Envoyez lang=en ou lang=fr."},
    "nothing-sent": {
        "en": "no file was chosen and nothing was pasted",
        "fr": "aucun fichier n’a été choisi et rien n’a été collé"},
    "choose-or-paste": {
        "en": "Choose a file, or paste your role descriptions in the box, then press Validate.",
        "fr": "Choisissez un fichier, ou collez la description de vos rôles dans la zone, puis appuyez sur Vérifier."},
    "format-unknown": {
        "en": "cannot tell the format: choose one (Turtle, N-Triples, RDF/XML, JSON-LD, CSV, .xlsx or .ods)",
        "fr": "impossible de reconnaître le format : choisissez-en un (Turtle, N-Triples, RDF/XML, JSON-LD, CSV, .xlsx ou .ods)"},
    "choose-format": {
        "en": "Choose the format in the list, or give the file a name ending .ttl, .csv, .xlsx, .ods, .jsonld, .rdf or .nt.",
        "fr": "Choisissez le format dans la liste, ou donnez au fichier un nom finissant par .ttl, .csv, .xlsx, .ods, .jsonld, .rdf ou .nt."},
    "unknown-report": {
        "en": "no report as {report!r}; ask for one of: {reports}",
        "fr": "pas de rapport « {report} » ; demandez l’un de : {reports}"},
    "send-report": {
        "en": "Send report=json, report=turtle, report=html, report=csv or report=input.",
        "fr": "Envoyez report=json, report=turtle, report=html, report=csv ou report=input."},
    "kept-not-base64": {
        "en": "the kept file is not base64",
        "fr": "le fichier gardé n’est pas en base64"},
    "choose-file-again": {
        "en": "Choose the file again.",
        "fr": "Choisissez le fichier à nouveau."},
    "no-role-in-rdf-fix": {
        "en": "Describe each role as an org:Post (or org:Role) with its evidence (see the examples), and send it again.",
        "fr": "Décrivez chaque rôle comme un org:Post (ou org:Role) avec ses éléments (voyez les exemples), et renvoyez-le."},
}


class _French(string.Formatter):
    def format_field(self, value, format_spec):
        # "{n:,}" groups digits; French groups them with a narrow no-break space (1 000 000).
        return super().format_field(value, format_spec).replace(",", "\u202f") if format_spec == "," \
            else super().format_field(value, format_spec)


_FORMATTERS = {"fr": _French()}


def say(key: str, lang: str = "en", **values) -> str:
    """The wording of ``key`` in ``lang`` (English where the language is not one we have)."""
    wordings = MESSAGES[key]
    if lang not in wordings:
        lang = "en"
    formatter = _FORMATTERS.get(lang)
    return formatter.format(wordings[lang], **values) if formatter else wordings[lang].format(**values)


def input_error(key: str, fix: str = "fix-at-place", line: int | None = None, column: int | None = None,
                **values) -> InputError:
    """An InputError said by ``key`` filled with ``values``, ``fix`` saying what to do: the English
    in ``message`` and ``hint``, the key and values kept for a page to say it in its language."""
    return InputError(say(key, **values), line, column, hint=say(fix), key=key, values=values, hint_key=fix)


def request_error(key: str, fix: str, title: str | None = None, **values) -> BadRequest:
    """A BadRequest said by ``key`` (what is wrong) and ``fix`` (what to do), as ``input_error``."""
    error = BadRequest(say(key, **values), say(fix), title=title)
    error.key, error.values, error.hint_key = key, values, fix
    return error


def _where(line: int | None, column: int | None, lang: str) -> str:
    if not line:
        return ""
    return say("at-line-column", lang, line=line, column=column) if column is not None else say("at-line", lang, line=line)


def error_text(error, lang: str) -> tuple[str, str]:
    """The message and the hint of ``error`` in ``lang``; as written (English) for an error that
    carries no wording's key."""
    message, hint = error.message, error.hint
    if getattr(error, "key", None):
        located = getattr(error, "located", False)
        message = (_where(error.line, error.column, lang) if located else "") + say(error.key, lang, **(error.values or {}))
    if getattr(error, "hint_key", None):
        hint = say(error.hint_key, lang)
    return message, hint


def problem_text(problem: dict, lang: str) -> str:
    """What a spreadsheet problem (``sheet.Problem`` as a dict) says, in ``lang``."""
    if problem.get("key"):
        return say(problem["key"], lang, **(problem.get("values") or {}))
    return problem["message"]
