"""Problems with the data sent, said in the page's language (issue 15): a French validator page
lists each spreadsheet problem in French with its row and column; the error page of a non-form
request says its message and hint in French; a JSON answer keeps its English fields and adds the
wording's key and values; the command line stays English."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from peersupport.settings import Settings
from peersupport.web.app import create_app

from ..conftest import REPO

# Three different mistakes: a misspelt column (row 1, E), a yes/no cell and an unknown value (row 6).
SHEET = ("role_id,role_title,can_decline,remuneration,participation_mod\n"
         "r1,Peer supporter,yes,paid,\n"
         "r2,Befriender,yes,volunteer,\n"
         "r3,Listener,no,volunteer,\n"
         "r4,Facilitator,yes,paid,\n"
         "r5,Mentor,peut-être,payed,\n").encode()
TURTLE_ERROR = b"@prefix ex: <http://e/> .\nex:a ex:b .\n"


@pytest.fixture(scope="module")
def client():
    # Not entered as a context manager: reading fails before any store is needed.
    return TestClient(create_app(Settings(store=Path("unused"))), raise_server_exceptions=False)


def _problems(page: str) -> list[str]:
    """Each listed problem as a person reads it (tags removed)."""
    items = re.findall(r"<li>(.*?)</li>", page[page.index('<ol class="problems">'):page.index("</ol>")], re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).replace("\n", " ").strip() for item in items]


def _send(client, lang: str):
    return client.post("/validate", files={"file": ("roles.csv", SHEET, "text/csv")}, data={"lang": lang},
                       headers={"Accept": "text/html"})


def test_a_french_page_says_each_spreadsheet_problem_in_french_with_its_row_and_column(client):
    answer = _send(client, "fr")
    assert answer.status_code == 400
    page = answer.text
    assert '<h2 id="problem-title">Données illisibles</h2>' in page
    assert '<p class="message">3 problèmes trouvés dans vos données ; tous sont listés.</p>' in page
    assert _problems(page) == [
        "Ligne 1, colonne E participation_mod : colonne inconnue ; vouliez-vous dire participation_mode ? "
        "Écrivez participation_mode au lieu de participation_mod.",
        "Ligne 6, colonne C can_decline : « peut-être » n’est ni yes ni no (oui ou non)",
        "Ligne 6, colonne D remuneration : valeur inconnue « payed » ; vouliez-vous dire « paid » ? "
        "Valeurs permises : membre mutuel, rémunéré, bénévole (non rémunéré) Écrivez paid au lieu de payed.",
    ]
    assert ('<p class="hint"><strong>Que faire :</strong> Corrigez chaque cellule nommée (ligne et colonne telles que '
            'votre tableur les montre) et renvoyez le fichier : tous les problèmes trouvés sont listés.</p>') in page
    assert "did you mean" not in page and "unknown" not in page


def test_the_english_page_says_the_same_problems_in_english(client):
    page = _send(client, "en").text
    assert _problems(page) == [
        "Row 1, column E participation_mod: unknown column; did you mean participation_mode? "
        "Write participation_mode instead of participation_mod.",
        "Row 6, column C can_decline: 'peut-être' is not yes or no",
        "Row 6, column D remuneration: unknown value 'payed'; did you mean 'paid'? "
        "allowed: mutual member, paid, volunteer (unpaid) Write paid instead of payed.",
    ]
    assert '<h2 id="problem-title">Cannot read the data</h2>' in page


def test_the_error_page_of_a_request_in_french_says_the_message_and_hint_in_french(client):
    answer = client.post("/validate?lang=fr", content=TURTLE_ERROR, headers={"Content-Type": "text/turtle", "Accept": "text/html"})
    assert answer.status_code == 400
    page = answer.text
    assert "<h1>Données illisibles</h1>" in page
    assert '<p class="message">Ligne 2, colonne 10 : erreur de syntaxe Turtle : objectList expected</p>' in page
    assert '<p class="hint"><strong>Que faire :</strong> Corrigez les données à l’endroit indiqué et renvoyez-les.</p>' in page
    english = client.post("/validate", content=TURTLE_ERROR, headers={"Content-Type": "text/turtle", "Accept": "text/html"}).text
    assert '<p class="message">Line 2, column 10: Turtle syntax error: objectList expected</p>' in english
    assert '<p class="hint"><strong>What to do:</strong> Correct the data at the place named and send it again.</p>' in english


def test_a_json_error_keeps_its_english_fields_and_adds_the_key_and_values(client):
    answer = client.post("/validate?lang=fr", content=TURTLE_ERROR,
                         headers={"Content-Type": "text/turtle", "Accept": "application/json", "X-Request-Id": "r-7"})
    assert answer.status_code == 400
    assert answer.json() == {"error": {
        "status": 400, "title": "Cannot read the data", "message": "line 2, column 10: Turtle syntax error: objectList expected",
        "hint": "Correct the data at the place named and send it again.", "request_id": "r-7", "line": 2, "column": 10,
        "key": "turtle-syntax", "values": {"detail": "objectList expected"}, "hint_key": "fix-at-place"}}


def test_a_json_error_for_a_spreadsheet_gives_each_problem_with_its_key_and_values(client):
    error = client.post("/validate", files={"file": ("roles.csv", SHEET, "text/csv")}, data={"lang": "fr"},
                        headers={"Accept": "application/json"}).json()["error"]
    assert error["message"].startswith("3 problems in the spreadsheet:\n- row 1, column E `participation_mod`: unknown column")
    assert (error["key"], error["values"], error["hint_key"]) == ("problems-in-sheet", {"count": 3}, "fix-each-cell")
    assert [(p["row"], p["column"], p["key"], p["values"]) for p in error["problems"]] == [
        (1, "E", "unknown-column-close", {"suggestion": "participation_mode", "columns": error["problems"][0]["values"]["columns"]}),
        (6, "C", "not-yes-no", {"value": "peut-être"}),
        (6, "D", "unknown-value-close", {"value": "payed", "suggestion": "paid", "allowed": "mutual member, paid, volunteer (unpaid)",
                                         "allowed_fr": "membre mutuel, rémunéré, bénévole (non rémunéré)"}),
    ]
    assert error["problems"][2]["message"] == "unknown value 'payed'; did you mean 'paid'? allowed: mutual member, paid, volunteer (unpaid)"


def test_the_command_line_says_the_problems_in_english(tmp_path):
    (tmp_path / "roles.csv").write_bytes(SHEET)
    result = subprocess.run([sys.executable, "-m", "peersupport.cli", "validate", str(tmp_path / "roles.csv")],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2
    assert "row 6, column D `remuneration`: unknown value 'payed'; did you mean 'paid'?" in result.stderr
    assert "valeur" not in result.stderr + result.stdout


def _shown(page: str) -> tuple[str, str, str]:
    """The title, message and hint shown above the validator's form."""
    def text(pattern):
        return html.unescape(re.sub(r"<[^>]+>", "", re.search(pattern, page, re.S).group(1))).strip()
    return (text(r'<h2 id="problem-title">(.*?)</h2>'), text(r'<p class="message">(.*?)</p>'),
            text(r'<p class="hint">(.*?)</p>'))


@pytest.mark.parametrize("data, files, shown", [
    ({"lang": "fr"}, None,
     ("Rien à vérifier", "Aucun fichier n’a été choisi et rien n’a été collé",
      "Que faire : Choisissez un fichier, ou collez la description de vos rôles dans la zone, puis appuyez sur Vérifier.")),
    ({"lang": "fr", "text": "\x00\x01"}, None,
     ("Quel est ce format ?",
      "Impossible de reconnaître le format : choisissez-en un (Turtle, N-Triples, RDF/XML, JSON-LD, CSV, .xlsx ou .ods)",
      "Que faire : Choisissez le format dans la liste, ou donnez au fichier un nom finissant par "
      ".ttl, .csv, .xlsx, .ods, .jsonld, .rdf ou .nt.")),
    ({"lang": "fr", "report": "pdf"}, {"file": ("roles.csv", b"role_id\nr1\n", "text/csv")},
     ("Requête incorrecte", "Pas de rapport « pdf » ; demandez l’un de : json, turtle, html, csv, input",
      "Que faire : Envoyez report=json, report=turtle, report=html, report=csv ou report=input.")),
    ({"lang": "fr", "kept": "%%%", "keep": "on"}, None,
     ("Requête incorrecte", "Le fichier gardé n’est pas en base64", "Que faire : Choisissez le fichier à nouveau.")),
])
def test_the_validator_form_says_what_is_missing_in_french(client, data, files, shown):
    answer = client.post("/validate", data=data, files=files, headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert _shown(answer.text) == shown
    assert 'lang="fr"' in answer.text


def test_a_json_error_of_the_form_names_its_wording(client):
    error = client.post("/validate", data={"lang": "fr"}, headers={"Accept": "application/json"}).json()["error"]
    assert (error["title"], error["message"], error["key"], error["values"], error["hint_key"]) == (
        "Nothing to validate", "no file was chosen and nothing was pasted", "nothing-sent", {}, "choose-or-paste")
