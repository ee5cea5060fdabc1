"""The query editor (YASGUI on ``/query``) in headless Chromium, as a researcher uses it: it
completes prefixes and the vocabulary's terms from the service itself, its share link reopens the
same query and results, it marks a syntax error at its line, and its results table links IRIs to
the service's pages and sorts by a column. No request leaves 127.0.0.1: each test checks what the
page fetched. Screenshots go to ``build/screenshots/query-*.png``."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from ..service_fixtures import base  # noqa: F401 (fixture)
from .browser import browser, screenshot  # noqa: F401 (the browser fixture)

PS = "PREFIX ps: <https://w3id.org/peer-support/>\n"
# The IRIs of practice-types' first column, in the catalogue's order (by group, then label).
PRACTICES = ["ps:ClinicalTreatment", "ps:LivedExperienceCoaching", "ps:PeerMentoring", "ps:PeersWhoProvideSupport",
             "ps:RoleModelling", "ps:FormalMutualPeerSupport", "ps:FormalPeerSupportWithClearDistinction",
             "ps:InformalPeerSupport", "ps:IntentionalPeerSupport", "ps:MutualSupport",
             "ps:NaturallyOccurringPeerSupport", "ps:PeerRunSupport"]

# ``yasgui`` is query.js's top-level binding: the page's own editor, read as the page reads it.
EDITOR = "return yasgui.getTab().getYasqe()"
# The completion list CodeMirror shows, once it is the list for the text before the cursor.
HINTS = """const yasqe = yasgui.getTab().getYasqe(), active = yasqe.state.completionActive;
const shown = active && active.widget && active.widget.data, cursor = yasqe.getCursor();
if (!shown || shown.to.line !== cursor.line || shown.to.ch !== cursor.ch) return null;
return [...document.querySelectorAll(".CodeMirror-hints li")].map((li) => li.textContent);"""


def _wait(driver, condition, what: str = "the state awaited", seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition, f"{what} not reached within {seconds:g} s")


def _open_editor(driver, address: str) -> None:
    """The page at ``address``, once its completers hold the vocabulary (completions.json read)."""
    driver.get(address)
    _wait(driver, lambda d: d.execute_script(
        "const a = window.yasgui && yasgui.getTab().getYasqe().autocompleters;"
        " return !!(a && a.prefixes && a.prefixes.trie && a.class && a.class.trie && a.property && a.property.trie)"))


def _write(driver, text: str) -> None:
    """``text`` as the whole query, the cursor at its end and the editor focused, to type on."""
    driver.execute_script("const y = yasgui.getTab().getYasqe(); y.setValue(arguments[0]); y.focus(); y.execCommand('goDocEnd')", text)


def _type(driver, *keys) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "#yasgui .CodeMirror textarea").send_keys(*keys)


def _hints(driver) -> list[str]:
    return _wait(driver, lambda d: d.execute_script(HINTS), "a completion list for the text before the cursor")


def _query(driver) -> str:
    return driver.execute_script(EDITOR + ".getValue()")


def _rows(driver) -> list[list[str]]:
    """The results table's cells, row by row (YASR's row number first), once the page says the
    answer came and the table holds all of it (on one page); the cells' text whatever their width
    (YASR cuts long cells short on screen)."""
    cells = """const status = document.getElementById("status").textContent.match(/^(\\d+) (rows?|lignes?)$/);
    const rows = [...document.querySelectorAll("#yasgui table.results tbody tr")];
    if (!status || rows.length !== Number(status[1])) return null;
    return rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent));"""
    from selenium.common.exceptions import TimeoutException

    try:
        return _wait(driver, lambda d: d.execute_script(cells), "the whole answer drawn")
    except TimeoutException:
        said = driver.execute_script("return ['status', 'query-error'].map((id) => document.getElementById(id).textContent).join(' ')")
        raise AssertionError("no answer drawn; the page says: " + said) from None


def _fetched_only_from(driver, base: str) -> None:
    """Everything the page asked for came from the service under test."""
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert fetched and [f for f in fetched if not f.startswith(base + "/")] == []


def _statuses(driver, path: str) -> list[int]:
    return driver.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === arguments[0])"
        ".map((e) => e.responseStatus)", path)


def _run_practice_types(driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "catalogue")).select_by_value("practice-types")
    driver.find_element(By.ID, "run").click()


def test_autocompletion_offers_the_vocabularys_terms(browser, base):
    from selenium.webdriver.common.keys import Keys

    _open_editor(browser, base + "/query")
    _write(browser, "")
    _type(browser, "PREFIX p")
    assert _hints(browser) == ["prov: <http://www.w3.org/ns/prov#>", "ps: <https://w3id.org/peer-support/>",
                               "pss: <https://w3id.org/peer-support/source/>", "pssh: <https://w3id.org/peer-support/shapes/>"]

    _write(browser, PS + "SELECT * WHERE { ?s a ")
    _type(browser, "ps:Pe")  # a class after "a": shown as it is typed
    assert _hints(browser) == ["ps:PeerMentoringRole", "ps:PeerSupportRole", "ps:PeersWhoProvideSupportRole"]
    screenshot(browser, "query-autocompletion", whole=False)
    _type(browser, Keys.ESCAPE)
    _type(browser, Keys.CONTROL, " ")  # asked for again with Ctrl+Space
    assert _hints(browser) == ["ps:PeerMentoringRole", "ps:PeerSupportRole", "ps:PeersWhoProvideSupportRole"]
    _type(browser, Keys.DOWN, Keys.ENTER)
    assert _query(browser) == PS + "SELECT * WHERE { ?s a ps:PeerSupportRole"

    _write(browser, PS + "SELECT * WHERE { ?s ")
    _type(browser, "ps:peer")  # a property in a predicate's place
    assert _hints(browser) == ["ps:peerBoardShare", "ps:peerSupervision"]

    _write(browser, "SELECT * WHERE { ?s a ")
    _type(browser, "skos:")  # an undeclared prefix: YASQE declares it from the service's list
    assert _hints(browser) == ["skos:Collection", "skos:Concept", "skos:ConceptScheme"]
    assert _query(browser) == "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT * WHERE { ?s a skos:"
    _fetched_only_from(browser, base)


def test_completion_typed_before_the_vocabulary_arrives_is_still_right(browser, base):
    """YASQE asks ``get(yasqe, token)`` while its store of terms is empty (the first keys typed
    as the page opens); emptying the store shows what such a researcher sees."""
    _open_editor(browser, base + "/query")
    browser.execute_script(EDITOR + ".autocompleters['class'].trie = undefined")
    _write(browser, PS + "SELECT * WHERE { ?s a ")
    _type(browser, "ps:Pe")
    hints = _hints(browser)
    screenshot(browser, "query-autocompletion-early", whole=False)
    assert hints == ["ps:PeerMentoringRole", "ps:PeerSupportRole", "ps:PeersWhoProvideSupportRole"]


def test_a_shared_link_reopens_the_query_and_its_results(browser, base):
    from selenium.webdriver.common.by import By

    _open_editor(browser, base + "/query")
    _run_practice_types(browser)
    rows = _rows(browser)
    assert [row[1] for row in rows] == PRACTICES
    query = _query(browser)
    share = browser.find_element(By.ID, "share").get_attribute("href")
    assert share.startswith(base + "/query?") and parse_qs(urlsplit(share).query) == {"query": [query]}

    browser.get(share)  # a new page load: only the address carries the query
    assert _rows(browser) == rows
    assert _query(browser) == query
    assert browser.find_element(By.ID, "status").text == "12 rows"
    screenshot(browser, "query-shared-link")
    _fetched_only_from(browser, base)

    browser.get(base + "/sparql?" + urlencode({"query": query}))  # the endpoint's address, opened in a browser
    assert browser.current_url == share
    assert _rows(browser) == rows and _query(browser) == query

    # edited on the reopened page, the query's first three rows: both share links must say so
    fewer = query + "LIMIT 3"
    _write(browser, fewer)
    assert parse_qs(urlsplit(browser.find_element(By.ID, "share").get_attribute("href")).query) == {"query": [fewer]}
    browser.find_element(By.CSS_SELECTOR, "#yasgui button.yasqe_share").click()  # YASGUI's own share button
    own = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".yasqe_sharePopup input").get_attribute("value"))
    assert parse_qs(urlsplit(own).fragment)["query"] == [fewer]
    browser.get(base + "/")  # away first: a link differing only by its fragment would not load the page again
    browser.get(own)
    assert _query(browser) == fewer
    assert _rows(browser) == rows[:3]
    _fetched_only_from(browser, base)


def test_a_shared_link_runs_its_query_once_and_shows_no_error(browser, base):
    from selenium.webdriver.common.by import By

    browser.get(base + "/query?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"}))
    assert len(_rows(browser)) == 2
    problem = browser.find_element(By.ID, "query-error")
    screenshot(browser, "query-shared-link-twice")  # the error box is below the table
    assert (problem.is_displayed(), problem.text) == (False, "")
    assert _statuses(browser, "/sparql") == [200]


def test_a_syntax_error_is_marked_at_its_line_and_is_not_a_500(browser, base):
    from selenium.webdriver.common.by import By

    _open_editor(browser, base + "/query")
    _write(browser, "")
    _type(browser, "SELECT * WHERE {\n?s ?p }")  # the editor indents the second line by two spaces
    assert _query(browser) == "SELECT * WHERE {\n  ?s ?p }"
    # YASQE's own check, as it is typed: an error marker in the gutter of line 2 only
    markers = EDITOR + ".lineInfo(arguments[0]).gutterMarkers"
    _wait(browser, lambda d: d.execute_script(markers, 1))
    assert browser.execute_script(markers, 1).keys() == {"gutterErrorBar"} and browser.execute_script(markers, 0) is None
    assert len(browser.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror-code .parseErrorIcon")) == 1

    browser.find_element(By.ID, "run").click()
    problem = browser.find_element(By.ID, "query-error")
    _wait(browser, lambda d: problem.is_displayed(), "the page's error message shown")
    assert problem.text == ("SPARQL syntax error: line 2, column 10: the query cannot be read from here (near “?s ?p }”)\n"
                            "Correct the query at the line and column named (a missing term, brace, dot or keyword) and run it again.")
    assert _statuses(browser, "/sparql") == [400]
    status = browser.find_element(By.ID, "status")
    assert (status.get_attribute("class"), status.text) == ("error", "error")  # YASQE keeps only the message of a failed answer
    # the server's line and column, in the editor: line 2 shaded, the cursor where reading stopped
    assert browser.execute_script(EDITOR + ".lineInfo(1).bgClass") == "syntax-error-line"
    assert browser.execute_script("const c = yasgui.getTab().getYasqe().getCursor(); return [c.line, c.ch]") == [1, 9]
    screenshot(browser, "query-syntax-error", whole=False)

    _write(browser, "SELECT * WHERE {\n  ?s ?p ?o }\nLIMIT 1")  # corrected and run again: the marks go
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_element(By.ID, "status").text == "1 row")
    assert not problem.is_displayed() and browser.execute_script(EDITOR + ".lineInfo(1).bgClass") is None
    assert _statuses(browser, "/sparql") == [400, 200]
    _fetched_only_from(browser, base)


def test_results_link_to_the_services_pages_and_sort_by_a_column(browser, base):
    from selenium.webdriver.common.by import By

    _open_editor(browser, base + "/query")
    _run_practice_types(browser)
    assert [row[1] for row in _rows(browser)] == PRACTICES
    link = browser.find_element(By.LINK_TEXT, "ps:PeerMentoring")
    assert link.get_attribute("href") == base + "/peer-support/PeerMentoring"
    assert link.get_attribute("class") == "iri"

    header = browser.find_element(By.XPATH, "//div[@id='yasgui']//table[contains(@class, 'results')]"
                                            "//th[.//span[@class='dt-column-title' and text()='practice']]")
    header.click()
    _wait(browser, lambda d: header.get_attribute("aria-sort") == "ascending")
    ascending = _rows(browser)
    assert [row[1] for row in ascending] == sorted(PRACTICES)
    assert ascending[0] == ["1", "ps:ClinicalTreatment", '"clinical treatment"@en', '"neighbouring practice that is not peer support"@en']
    assert ascending[1][:2] == ["6", "ps:FormalMutualPeerSupport"]  # a row keeps its number
    header.click()
    _wait(browser, lambda d: header.get_attribute("aria-sort") == "descending")
    descending = _rows(browser)
    assert [row[1] for row in descending] == sorted(PRACTICES, reverse=True)
    assert descending[0][:2] == ["5", "ps:RoleModelling"]
    screenshot(browser, "query-results-sorted")
    _fetched_only_from(browser, base)

    browser.get(browser.find_element(By.LINK_TEXT, "ps:PeerMentoring").get_attribute("href"))  # the link's page
    assert browser.current_url == base + "/peer-support/vocab.html#PeerMentoring"
    assert browser.find_element(By.ID, "PeerMentoring").find_element(By.TAG_NAME, "h3").text == "peer mentoring"

    # a data IRI links to its page here, an IRI of another vocabulary to the page about it in this graph
    _open_editor(browser, base + "/query")
    _write(browser, PS + "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX c12: <https://w3id.org/peer-support/data/consultation-2012/>\n"
                    "SELECT ?organisation ?kind WHERE {\n  VALUES ?organisation { <https://w3id.org/peer-support/data/consultation-2012/org/sound-minds> }\n"
                    "  ?organisation a ?kind\n} ORDER BY ?kind")
    browser.find_element(By.ID, "run").click()
    assert [row[2] for row in _rows(browser)] == ["org:Organization", "ps:UserLedOrganisation"]
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#yasgui table.results a.iri")}
    # YASR names an IRI by the first declared namespace it starts with: ps:, before c12:
    assert links == {"ps:data/consultation-2012/org/sound-minds": base + "/peer-support/data/consultation-2012/org/sound-minds",
                     "org:Organization": base + "/resource?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Organization",
                     "ps:UserLedOrganisation": base + "/peer-support/UserLedOrganisation"}
    _fetched_only_from(browser, base)
    browser.get(links["ps:data/consultation-2012/org/sound-minds"])
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sound Minds"



def test_the_status_line_speaks_french_on_the_french_page(browser, base):
    from selenium.webdriver.common.by import By

    browser.get(base + "/query?" + urlencode({"lang": "fr", "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"}))
    _wait(browser, lambda d: d.find_element(By.ID, "status").text == "2 lignes")
    assert len(_rows(browser)) == 2
