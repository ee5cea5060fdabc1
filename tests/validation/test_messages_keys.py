"""Every error the validator raises on unusable input carries the key and values of its wording
(validation/messages.py): its English message is that wording filled in, a French page says it in
French, and every key the readers raise is in the catalogue in both languages."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from peersupport.errors import InputError
from peersupport.validation.inputs import read_input, require_roles
from peersupport.validation.messages import MESSAGES, error_text, problem_text, say

from ..conftest import REPO

VALIDATION = REPO / "service" / "peersupport" / "validation"
_RAISED = re.compile(r"""(?:input_error|problems\.add)\(\s*f?"([\w{}-]+)"(?:,\s*"([\w-]+)")?""")


def _keys_raised() -> set[str]:
    """The wording keys named where the readers raise or collect a problem; ``{kind}`` is each
    workbook kind."""
    keys = set()
    for path in VALIDATION.glob("*.py"):
        for key, fix in _RAISED.findall(path.read_text(encoding="utf-8")):
            for name in (key, fix):
                keys.update(name.replace("{kind}", kind) for kind in ("xlsx", "ods")) if name else None
    return keys


def test_every_key_the_readers_raise_is_in_the_catalogue_in_both_languages():
    raised = _keys_raised()
    assert len(raised) >= 40  # the scan finds the calls (it would find none if they were renamed)
    assert raised - set(MESSAGES) == set()
    for key in raised:
        assert set(MESSAGES[key]) == {"en", "fr"}, key
    # "key" and "lang" name say()'s own arguments: no wording may take a value so named
    assert not [key for key, wordings in MESSAGES.items() for text in wordings.values() if re.search(r"\{(key|lang)\b", text)]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Input the readers refuse, and what a French page then says (message, hint).
REFUSED = [
    ("turtle", b"@prefix ex: <http://e/> .\nex:a ex:b .\n", "turtle-syntax",
     "ligne 2, colonne 10 : erreur de syntaxe Turtle : objectList expected",
     "Corrigez les données à l’endroit indiqué et renvoyez-les."),
    ("turtle", b"<a> <b> <\xff> .", "not-utf8", "ligne 1 : les données ne sont pas du texte UTF-8",
     "Corrigez les données à l’endroit indiqué et renvoyez-les."),
    ("turtle", b"<r1> a <http://www.w3.org/ns/org#Post> ; <http://e/p> <r2> .\n", "relative-iris",
     "ligne 1, colonne 1 : IRI relative « r1 » (et 1 autres) : les données ne donnent aucune adresse de base pour les résoudre",
     "Écrivez chaque IRI en entier (https://…), ou donnez une base au document : xml:base en RDF/XML, @base en Turtle, "
     "@base dans le @context JSON-LD."),
    ("csv", b"\xff\xferole_id\n\x00\xd8", "bad-declared-encoding",
     "le fichier se dit en texte UTF-16, mais son octet 11 n’est pas du UTF-16",
     "Enregistrez à nouveau le tableau en CSV UTF-8, ou en .xlsx."),
    ("xlsx", b"PK\x03\x04 not really a zip", "not-a-zip-xlsx",
     "ce classeur .xlsx ne peut pas être lu (ce n’est pas une archive zip)",
     "Enregistrez le tableau en .xlsx (classeur Excel) ou en CSV."),
    ("xlsx", _zip({"xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'}), "book-doctype-xlsx",
     "un classeur contenant une déclaration DOCTYPE ou ENTITY est refusé (ces entités pourraient lire des fichiers ou "
     "grossir sans limite)", "Corrigez les données à l’endroit indiqué et renvoyez-les."),
    ("ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "ods-without-content",
     "ce tableau .ods ne peut pas être lu : il n’a pas de content.xml",
     "Enregistrez le tableau en .ods (OpenDocument) ou en .xlsx, ou en CSV."),
    ("yaml", b"a: b", "unknown-format",
     "format inconnu « yaml » ; utilisez l’un de ceux-ci : turtle, nt, xml, json-ld, csv, xlsx, ods",
     "Corrigez les données à l’endroit indiqué et renvoyez-les."),
    ("csv", b"role_id\n", "no-role-in-sheet", "aucun rôle trouvé : aucune ligne sous l’en-tête n’a de role_id",
     "Remplissez une ligne par rôle, chacune avec son role_id (voyez le modèle), et renvoyez-le."),
]


@pytest.mark.parametrize("fmt, data, key, french, french_hint", REFUSED, ids=[case[2] for case in REFUSED])
def test_a_refused_input_is_said_in_french_and_its_english_is_unchanged(fmt, data, key, french, french_hint):
    with pytest.raises(InputError) as raised:
        require_roles(read_input(data, fmt))
    error = raised.value
    assert error.key == key
    english = say(key, **error.values)
    assert error.message in (english, f"line {error.line}: {english}", f"line {error.line}, column {error.column}: {english}")
    assert error.hint == say(error.hint_key)
    assert error_text(error, "en") == (error.message, error.hint)
    assert error_text(error, "fr") == (french, french_hint)


def test_a_number_in_french_is_grouped_with_narrow_spaces():
    assert say("too-many-ods-cells", "fr", cells=1_000_000) == (
        "le tableau compte plus de 1\u202f000\u202f000 cellules, lignes et cellules répétées comprises ; "
        "envoyez moins de lignes à la fois")
    assert say("too-many-ods-cells", "en", cells=1_000_000).startswith("the spreadsheet holds more than 1,000,000 cells")


def test_an_error_or_problem_without_a_key_is_shown_as_written():
    error = InputError("something a parser said", line=4)
    assert error_text(error, "fr") == ("line 4: something a parser said", InputError.hint)
    assert problem_text({"message": "as written"}, "fr") == "as written"
