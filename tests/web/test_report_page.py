"""The report page as a coordinator meets it, over HTTP and in headless Chromium: the summary
first, each problem with its row and column and what to write there, sources cited by title and
linked to their pages, downloads (CSV with one row per problem, HTML, JSON, Turtle, the input as
Turtle; for .xlsx uploads too), "check another file" keeping the language and options; and input
that cannot be used shown above the validator's form, still filled in."""

import base64
import csv
import html
import io
import re

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from peersupport.validation.inputs import read_input

from ..conftest import REPO
from ..service_fixtures import base, client  # noqa: F401 (base, client: fixtures)
from ..validation.report_cases import mixed_csv
from .browser import browser, screenshot  # noqa: F401 (the browser fixture)


def _post(client, base, **fields):
    files = {"file": ("roles.csv", mixed_csv().encode(), "text/csv")}
    return client.post(base + "/validate", files=files, data={"lang": "en", **fields}, headers={"Accept": "text/html"})


def test_the_summary_comes_first_in_plain_words(base, client):
    page = _post(client, base).text
    summary = page[page.index('<section class="summary'):page.index("</section>")]
    assert '<p class="said">6 roles checked; 5 of them claim peer support.</p>' in summary
    assert ("<p class=\"said outcomes\">3 roles are peer support as the sources describe it; 1 needs more information; "
            "1 is not; 1 has evidence that contradicts itself.</p>") in summary
    assert page.index('<section class="summary') < page.index('<section class="organisation">')
    french = _post(client, base, lang="fr").text
    assert ("3 rôles sont du soutien par les pairs au sens des sources ; 1 demande plus d’informations ; 1 n’en est pas ; "
            "1 a des éléments qui se contredisent.") in html.unescape(french)


def test_each_problem_names_its_row_and_column_and_what_to_write(base, client):
    page = html.unescape(_post(client, base).text)
    assert re.search(r'<span class="where">row 6, spreadsheet column <code>role_holder_receives_support</code> \(L\)</span>', page)
    assert ("<strong>What to do:</strong> If it is so, write yes in column <code>role_holder_receives_support</code> (L) of row 6; "
            "if not, write no.") in page
    assert ("Column <code>can_decline</code> (S) of row 7 says no, but column <code>participation_mode</code> (R) of row 7 "
            "(freely chosen) means yes: correct the one that is wrong.") in page
    assert '<span class="row">row 6</span>' in page


def test_rdf_input_gets_the_property_and_the_turtle_to_add(base, client):
    body = (REPO / "data/examples/invalid/title-only.ttl").read_text()
    page = html.unescape(client.post(base + "/validate", data={"text": body, "format": "turtle"}, headers={"Accept": "text/html"}).text)
    assert "Add to Peer Support Lead: <code>ps:roleHolderReceivesSupport true ;</code> (or false)" in page
    assert '<span class="where">property <code>ps:roleHolderReceivesSupport</code>' in page
    as_json = client.post(base + "/validate", data={"text": body, "format": "turtle"}, headers={"Accept": "application/json"}).json()
    assert {r["turtle"] for r in as_json["results"]} >= {"ps:roleHolderReceivesSupport true ;", "ps:nonClinical true ;"}
    assert as_json["summary"]["text"] == ("1 role checked; 1 of them claims peer support. "
                                          "No role is peer support as the sources describe it; 1 needs more information.")


def test_sources_are_cited_by_title_and_linked_to_their_pages(base, client):
    page = _post(client, base).text
    link = re.search(r'<a class="cite" href="(/sources/003#voluntary)\?lang=en"><cite>So, what&#39;s this thing called ‘Peer Support’\?</cite></a>'
                     r", Vikki Price, Peer Hub CIC, on voluntary participation", page)
    assert link, "the voluntary-participation citation links to its section"
    assert "(003," not in page and "003_79078f418b60f57d.txt," not in page
    source = client.get(base + link[1].split("#")[0])
    assert source.status_code == 200 and '<section class="cited" id="voluntary">' in source.text
    assert "Vikki Price" in source.text and '<a href="/peer-support/vocab.html#canDecline">can be declined</a>' in source.text
    report = client.get(base + "/sources/004?lang=fr").text
    assert "Kalathil, J. and Faulkner, A. (2012)" in report and '<html lang="fr">' in report
    assert client.get(base + "/sources/999").status_code == 404
    iri = client.get(base + "/peer-support/source/004_eb6b9cd873e104b3.txt", follow_redirects=False)
    assert (iri.status_code, iri.headers["location"]) == (303, "/sources/004")
    listing = client.get(base + "/sources").text
    assert all(f'href="/sources/{n}"' in listing for n in ("000", "001", "002", "003", "004", "naps-2013"))


def test_the_report_downloads_as_csv_html_json_and_turtle(base, client):
    as_csv = _post(client, base, report="csv")
    assert as_csv.headers["content-disposition"] == 'attachment; filename="problems.csv"'
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["role", "role_label", "row", "column", "mark", "status", "severity", "message", "fix"]
    assert len(rows) == len(_post(client, base, report="json").json()["results"])
    lead = [r for r in rows if r["role"] == "https://example.org/roles/lead"]
    assert {(r["row"], r["column"], r["mark"], r["status"]) for r in lead} >= {("6", "non_clinical (X)", "non-clinical", "not-recorded")}
    assert all(r["fix"] for r in lead)
    as_html = _post(client, base, report="html")
    assert as_html.headers["content-disposition"] == 'attachment; filename="report.html"'
    assert "<style>" in as_html.text and 'href="/' not in as_html.text and "6 roles checked" in as_html.text
    assert "<cite>So, what&#39;s this thing called ‘Peer Support’?</cite>, Vikki Price" in as_html.text
    assert "sh:ValidationReport" in _post(client, base, report="turtle").text


def test_check_another_file_keeps_the_language_and_options(base, client):
    page = _post(client, base, lang="fr", format="csv").text
    again = re.search(r'<a class="button" href="([^"]+)">Vérifier un autre fichier</a>', page)[1]
    assert html.unescape(again) == "/validate?lang=fr&format=csv&classify=off"
    form = client.get(base + html.unescape(again)).text
    assert '<html lang="fr">' in form and '<option value="csv" selected>' in form
    assert re.search(r'<input type="checkbox" name="classify" value="on">', form)
    default = client.get(base + "/validate").text
    assert re.search(r'<input type="checkbox" name="classify" value="on" checked>', default)


def test_the_report_page_in_the_browser(browser, base, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    upload = tmp_path / "roles.csv"
    upload.write_text(mixed_csv(), encoding="utf-8")
    browser.get(base + "/validate")
    browser.find_element(By.ID, "file").send_keys(str(upload))
    browser.find_element(By.CSS_SELECTOR, 'input[name="classify"]').click()  # faster without the reasoner
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.summary"))
    said = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "section.summary p.said")]
    assert said == ["6 roles checked; 5 of them claim peer support.",
                    "3 roles are peer support as the sources describe it; 1 needs more information; 1 is not; "
                    "1 has evidence that contradicts itself."]
    fixes = [f.text for f in browser.find_elements(By.CSS_SELECTOR, "span.fix")]
    assert "What to do: If it is so, write yes in column non_clinical (X) of row 6; if not, write no." in fixes
    screenshot(browser, "report-spreadsheet")
    browser.find_element(By.PARTIAL_LINK_TEXT, "So, what's this thing called").click()
    assert "/sources/003" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "So, what's this thing called ‘Peer Support’?"
    screenshot(browser, "source-003")


FIVE_MISTAKES = (b"role_id;role_title;remuneraton;can_decline;participation_mode;peer_board_share\n"
                 b"r1;Peer supporter;paid;maybe;freely chosn;\n"
                 b"r 2;Befriender;volunteer;yes;;\n")


def _fields(page: str, form_start: str) -> dict:
    """The hidden fields of a form in ``page``, as a browser would send them."""
    form = page[page.index(form_start):]
    form = form[:form.index("</form>")]
    return {name: html.unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)}


def _problems(page: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", page[page.index('<ol class="problems">'):page.index("</ol>")], re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).replace("\n", " ").strip() for item in items]


def test_a_spreadsheet_that_cannot_be_read_comes_back_above_the_form_still_filled_in(base, client):
    answer = client.post(base + "/validate", files={"file": ("our roles.csv", FIVE_MISTAKES, "text/csv")},
                         data={"lang": "en", "format": "csv"}, headers={"Accept": "text/html"})
    assert answer.status_code == 400 and answer.headers["content-type"] == "text/html; charset=utf-8"
    page = answer.text
    assert page.index('<section class="problem" role="alert"') < page.index('<form id="validate-form"')
    assert '<h2 id="problem-title">Cannot read the data</h2>' in page
    assert '<p class="message">4 problems found in your data; every one is listed.</p>' in page
    assert _problems(page) == [
        "Row 1, column C remuneraton: unknown column; did you mean remuneration? Write remuneration instead of remuneraton.",
        "Row 2, column D can_decline: 'maybe' is not yes or no",
        "Row 2, column E participation_mode: unknown value 'freely chosn'; did you mean 'freely chosen'? allowed: assigned, "
        'freely chosen, mandated, "referred, free to decline" Write freely chosen instead of freely chosn.',
        "Row 3, column A role_id: 'r 2' is not a valid identifier (letters, digits, - _ . only)"]
    fields = _fields(page, '<form id="validate-form"')
    assert base64.b64decode(fields["kept"]) == FIVE_MISTAKES and fields["kept_name"] == "our roles.csv"
    assert '<input type="checkbox" name="keep" value="on" checked> Send again the file you sent: <strong>our roles.csv</strong>' in page
    assert '<option value="csv" selected>' in page and '<option value="en" selected>' in page
    assert '<input type="checkbox" name="classify" value="on">' in page  # not ticked: it was not sent
    # Sent again as kept, the file gives the same problems; unticked, the pasted text is read instead.
    again = client.post(base + "/validate", data={**fields, "keep": "on", "format": "csv"}, headers={"Accept": "text/html"})
    assert again.status_code == 400 and _problems(again.text) == _problems(page)
    pasted = "role_id,role_title\nr1,Peer supporter\n"
    fixed = client.post(base + "/validate", data={"kept": fields["kept"], "kept_name": "our roles.csv", "text": pasted},
                        headers={"Accept": "application/json"})
    assert fixed.status_code == 200 and fixed.json()["summary"]["roles"] == 1


def test_pasted_data_with_no_role_comes_back_in_the_text_box_in_french(base, client):
    pasted = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"
    answer = client.post(base + "/validate?lang=fr", data={"text": pasted, "lang": "fr", "format": "turtle", "classify": "on"},
                         headers={"Accept": "text/html"})
    page = html.unescape(answer.text)
    assert answer.status_code == 400 and '<html lang="fr">' in page
    assert '<h2 id="problem-title">Aucun rôle trouvé</h2>' in page
    assert "<p class=\"message\">Aucun rôle trouvé : rien dans les données n’est un org:Post" in page
    assert "Décrivez chaque rôle comme un org:Post (ou org:Role) avec ses éléments (voyez les exemples), et renvoyez-le." in page
    assert f'<textarea name="text" id="text" rows="12">\n{pasted}</textarea>' in page
    assert '<option value="turtle" selected>' in page and '<input type="checkbox" name="classify" value="on" checked>' in page
    assert 'name="kept"' not in page


def test_an_upload_too_large_to_keep_is_named_and_not_kept(base, client):
    large = b"role_id,role_title\n" + b"# padding\n" * 60_000  # 600 KB: above the 512 KB kept in a page
    page = client.post(base + "/validate", files={"file": ("big.csv", large, "text/csv")}, headers={"Accept": "text/html"}).text
    assert 'name="kept"' not in page
    assert "<strong>big.csv</strong> was too large to keep in this page (over 512 KB): choose it again." in page


def test_machine_clients_keep_their_error_answers(base, client):
    files = {"file": ("roles.csv", FIVE_MISTAKES, "text/csv")}
    as_json = client.post(base + "/validate", files=files, headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and as_json.json()["error"]["message"].startswith("4 problems in the spreadsheet:\n")
    assert set(as_json.json()["error"]) == {"status", "title", "message", "hint", "request_id", "line", "column", "key", "values",
                                            "hint_key", "problems"}
    as_text = client.post(base + "/validate", files=files, headers={"Accept": "*/*"})  # as curl sends
    assert as_text.status_code == 400 and as_text.headers["content-type"] == "text/plain; charset=utf-8"
    assert as_text.text.startswith("4 problems in the spreadsheet:\n- row 1, column C `remuneraton`: unknown column")


def test_an_xlsx_report_offers_the_downloads_and_the_input_as_turtle(base, client):
    workbook = (REPO / "data/templates/roles.xlsx").read_bytes()
    page = client.post(base + "/validate", files={"file": ("roles.xlsx", workbook, "application/octet-stream")},
                       data={"lang": "en"}, headers={"Accept": "text/html"}).text
    fields = _fields(page, '<form class="downloads"')
    assert base64.b64decode(fields["kept"]) == workbook
    assert (fields["kept_name"], fields["keep"], fields["format"]) == ("roles.xlsx", "on", "xlsx")
    buttons = re.findall(r'<button type="submit" name="report" value="(\w+)">([^<]+)</button>', page)
    assert buttons == [("csv", "Problems (CSV, one row per problem)"), ("html", "This page (HTML)"), ("json", "JSON"),
                       ("turtle", "Turtle (SHACL report)"), ("input", "Your data converted to Turtle")]
    as_csv = client.post(base + "/validate", data={**fields, "report": "csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [(r["row"], r["column"], r["severity"]) for r in rows] == [("5", "peer_supervision (AC)", "warning")]
    as_input = client.post(base + "/validate", data={**fields, "report": "input"})
    assert as_input.headers["content-disposition"] == 'attachment; filename="input.ttl"'
    assert as_input.headers["content-type"].startswith("text/turtle")
    assert "@prefix ps: <https://w3id.org/peer-support/> ." in as_input.text
    assert isomorphic(Graph().parse(data=as_input.text, format="turtle"), read_input(workbook, "xlsx").graph)


def test_the_input_as_turtle_from_pasted_csv(base, client):
    answer = _post(client, base, report="input")
    assert isomorphic(Graph().parse(data=answer.text, format="turtle"), read_input(mixed_csv().encode(), "csv").graph)
    spec = client.get(base + "/openapi.json").json()["paths"]["/validate"]["post"]
    report = spec["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["report"]
    assert report["enum"] == ["json", "turtle", "html", "csv", "input"] and "in Turtle" in report["description"]
    form = spec["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["format"]
    assert form["enum"] == ["csv", "xlsx", "ods", "turtle", "json-ld", "xml", "nt"]
    assert "application/vnd.oasis.opendocument.spreadsheet" in spec["requestBody"]["content"]
    page = client.get(base + "/validate").text
    assert '<option value="ods">OpenDocument (.ods)</option>' in page and 'accept=".csv,.tsv,.txt,.xlsx,.ttl,.nt,.rdf,.xml,.jsonld,.json,.ods"' in page


def test_the_report_page_speaks_plainly_and_names_roles_by_row_and_id(base, client):
    for lang in ("en", "fr"):
        page = _post(client, base, lang=lang).text
        assert 'class="verdict"' not in page and "does not conform" not in page and "non conforme" not in page
        assert "https://example.org/roles/" not in page.split('<form class="downloads"')[0]
        row = "row" if lang == "en" else "ligne"
        assert f'<p class="iri"><span class="row">{row} 6</span> · role_id <code>lead</code></p>' in page
    body = (REPO / "data/examples/invalid/title-only.ttl").read_text()
    rdf = client.post(base + "/validate", data={"text": body, "format": "turtle"}, headers={"Accept": "text/html"}).text
    assert re.search(r'<details class="iri"><summary>Address \(IRI\)</summary><code>[^<]+</code></details>', rdf)


def test_mistakes_shown_above_the_filled_form_in_the_browser_then_a_dropped_file(browser, base, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    upload = tmp_path / "our roles.csv"
    upload.write_bytes(FIVE_MISTAKES)
    browser.get(base + "/validate")
    browser.find_element(By.ID, "file").send_keys(str(upload))
    browser.find_element(By.CSS_SELECTOR, 'input[name="classify"]').click()
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ol.problems"))
    problem = browser.find_element(By.CSS_SELECTOR, "section.problem")
    assert problem.find_element(By.TAG_NAME, "h2").text == "Cannot read the data"
    items = [li.text for li in problem.find_elements(By.CSS_SELECTOR, "ol.problems li")]
    assert items[0] == "Row 1, column C remuneraton: unknown column; did you mean remuneration?\nWrite remuneration instead of remuneraton."
    assert items[2].startswith("Row 2, column E participation_mode: unknown value 'freely chosn'; did you mean 'freely chosen'?")
    assert items[2].endswith("\nWrite freely chosen instead of freely chosn.") and len(items) == 4
    assert browser.find_element(By.CSS_SELECTOR, "p.kept label").text == "Send again the file you sent: our roles.csv"
    assert not browser.find_element(By.CSS_SELECTOR, 'input[name="classify"]').is_selected()  # as it was chosen
    assert problem.location["y"] < browser.find_element(By.ID, "validate-form").location["y"]
    screenshot(browser, "validate-errors")
    # A corrected file dropped on the file area replaces the kept one.
    corrected = (b"role_id;role_title;remuneration;can_decline;participation_mode\n"
                 b"r1;Peer supporter;paid;yes;freely chosen\nr2;Befriender;volunteer;yes;\n").decode()
    name = browser.execute_script(
        "const dt = new DataTransfer(); dt.items.add(new File([arguments[0]], 'corrected.csv', {type: 'text/csv'}));"
        "const area = document.getElementById('drop');"
        "area.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));"
        "const over = area.classList.contains('over');"
        "area.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));"
        "return [over, area.classList.contains('over'), document.getElementById('file').files[0].name];", corrected)
    assert name == [True, False, "corrected.csv"]
    assert not browser.find_element(By.CSS_SELECTOR, 'input[name="keep"]').is_selected()
    Select(browser.find_element(By.ID, "format")).select_by_value("")
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.summary"))
    assert browser.find_element(By.CSS_SELECTOR, "section.summary p.said").text == "2 roles checked; 1 of them claims peer support."
    fixes = [f.text for f in browser.find_elements(By.CSS_SELECTOR, "span.fix")]
    assert "What to do: If it is so, write yes in column non_clinical (a column to add) of row 2; if not, write no." in fixes, fixes


FRENCH_PROBLEMS = [
    "Ligne 1, colonne C remuneraton : colonne inconnue ; vouliez-vous dire remuneration ? Écrivez remuneration au lieu de remuneraton.",
    "Ligne 2, colonne D can_decline : « maybe » n’est ni yes ni no (oui ou non)",
    "Ligne 2, colonne E participation_mode : valeur inconnue « freely chosn » ; vouliez-vous dire « freely chosen » ? Valeurs permises : "
    'assigné, librement choisi, imposé, "orienté, libre de refuser" Écrivez freely chosen au lieu de freely chosn.',
    "Ligne 3, colonne A role_id : « r 2 » n’est pas un identifiant valide (lettres, chiffres, - _ . seulement)"]


def test_a_french_page_says_each_spreadsheet_problem_in_french(base, client):
    """Issue 15: both languages throughout; the problems of a spreadsheet too (validation/messages.py)."""
    answer = client.post(base + "/validate?lang=fr", files={"file": ("nos rôles.csv", FIVE_MISTAKES, "text/csv")},
                         data={"lang": "fr", "format": "csv"}, headers={"Accept": "text/html"})
    page = answer.text
    assert answer.status_code == 400 and '<html lang="fr">' in page
    assert '<p class="message">4 problèmes trouvés dans vos données ; tous sont listés.</p>' in page
    assert _problems(page) == FRENCH_PROBLEMS
    assert ("Corrigez chaque cellule nommée (ligne et colonne telles que votre tableur les montre) et renvoyez le fichier : "
            "tous les problèmes trouvés sont listés.") in html.unescape(page)
    english = client.post(base + "/validate", files={"file": ("our roles.csv", FIVE_MISTAKES, "text/csv")},
                          headers={"Accept": "application/json"}).json()["error"]
    assert english["message"].startswith("4 problems in the spreadsheet:\n- row 1, column C `remuneraton`: unknown column")
