"""The report page as a coordinator meets it, over HTTP and in headless Chromium: the summary
first, each problem with its row and column and what to write there, sources cited by title and
linked to their pages, downloads (CSV with one row per problem, HTML, JSON, Turtle), and "check
another file" keeping the language and options."""

import csv
import html
import io
import re

import httpx
import pytest

from ..conftest import REPO
from ..service_fixtures import base, client  # noqa: F401 (base, client: fixtures)
from ..validation.report_cases import mixed_csv
from .test_browser import browser, screenshot  # noqa: F401 (the browser fixture)


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
