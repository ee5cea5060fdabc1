"""The pages in a real browser: headless Chromium from Debian (chromium, chromium-driver),
driven by Selenium against the service on 127.0.0.1. Each test saves what the browser shows in
``build/screenshots/`` (the whole page), for people to look at."""

from ..conftest import REPO
from ..service_fixtures import base  # noqa: F401 (a fixture)
from .browser import browser, screenshot  # noqa: F401 (the browser fixture)


def test_run_an_example_query_and_see_its_rows(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(base + "/query")
    Select(browser.find_element(By.ID, "catalogue")).select_by_visible_text("Practice types and whether they are peer support")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.results tbody tr"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert len(rows) == 12
    assert browser.find_element(By.ID, "status").text == "12 rows"
    # YASR's table: a row number first, then the cells; labels shown as literals ("…"@en)
    cells = [td.text for r in rows for td in r.find_elements(By.TAG_NAME, "td")]
    assert '"peer mentoring"@en' in cells and '"intentional peer support"@en' in cells
    screenshot(browser, "query")


def test_home_page_shows_the_menu_and_switches_language(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base + "/")
    menu = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav.top a")]
    assert menu == ["Home", "Query", "Validate", "Roles", "Vocabulary", "API"]
    screenshot(browser, "home")
    browser.find_element(By.LINK_TEXT, "Français").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Vocabulaire du soutien par les pairs"
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav.top a")][2] == "Vérifier"
    screenshot(browser, "home-fr")


def test_upload_an_invalid_role_and_see_the_violation(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(base + "/validate")
    browser.find_element(By.ID, "text").send_keys((REPO / "data/examples/invalid/one-way-help.ttl").read_text())
    Select(browser.find_element(By.ID, "format")).select_by_value("turtle")
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "li.violation"))
    (violation,) = browser.find_elements(By.CSS_SELECTOR, "li.violation")
    assert violation.text.startswith("to fix\nproperty ps:roleHolderReceivesSupport\nNot reciprocal: this role claims peer support")
    assert violation.text.endswith("What to do: The data states ps:roleHolderReceivesSupport false. "
                                   "If that is wrong, write ps:roleHolderReceivesSupport true ; instead.")
    marks = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "table.marks tbody tr")]
    assert marks == ["reciprocal contradicted", "voluntary shown", "lived experience shown", "non-clinical shown"]
    assert browser.find_element(By.CSS_SELECTOR, "section.summary p.said").text == "1 role checked; 1 of them claims peer support."
    assert not browser.find_elements(By.CSS_SELECTOR, "p.verdict")  # the plain-words summary says it
    assert browser.find_element(By.CSS_SELECTOR, 'nav.top a[aria-current="page"]').text == "Validate"
    assert browser.find_element(By.LINK_TEXT, "Check another file").get_attribute("href").endswith("/validate?lang=en&format=turtle&classify=on")
    screenshot(browser, "report")


def test_the_csv_template_report_in_french(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(base + "/validate?lang=fr")
    screenshot(browser, "validate-fr")
    browser.find_element(By.ID, "file").send_keys(str(REPO / "data/templates/roles.csv"))
    Select(browser.find_element(By.ID, "lang")).select_by_value("fr")
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.summary"))
    assert [p.text for p in browser.find_elements(By.CSS_SELECTOR, "section.summary p.said")] == [
        "4 rôles vérifiés, dont 3 se disent soutien par les pairs.",
        "3 rôles sont du soutien par les pairs au sens des sources ; 1 n’en est pas."]
    assert "ligne 2 · role_id ward-visitor" in [p.text for p in browser.find_elements(By.CSS_SELECTOR, "p.iri")]
    assert browser.find_element(By.CSS_SELECTOR, "section.organisation h2").text == "Organisation : Our Voices Peer Network"
    verdicts = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "p.role-verdict")]
    assert verdicts == ["verdict : soutien par les pairs (se dit soutien par les pairs)"] * 2 + [
        "verdict : pas du soutien par les pairs (ne se dit pas soutien par les pairs)",
        "verdict : soutien par les pairs (se dit soutien par les pairs)"]
    screenshot(browser, "report-csv-fr")


def test_validating_nothing_says_so_above_the_form(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base + "/validate")
    browser.find_element(By.ID, "validate-button").click()
    # the answer is a new page: wait for it rather than read the form page still shown
    problem = WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.problem"))[0]
    assert problem.find_element(By.TAG_NAME, "h2").text == "Nothing to validate"
    assert problem.find_element(By.CSS_SELECTOR, "p.message").text == "No file was chosen and nothing was pasted"
    assert browser.find_elements(By.CSS_SELECTOR, "nav.top a") and browser.find_element(By.TAG_NAME, "footer")
    assert browser.find_element(By.ID, "validate-form") and browser.title.startswith("Error: Nothing to validate")
    screenshot(browser, "error-nothing-to-validate")


def test_vocabulary_page_and_a_missing_term(browser, base):
    from selenium.webdriver.common.by import By

    browser.get(base + "/peer-support/PeerSupportRole")
    assert browser.current_url.endswith("/peer-support/vocab.html#PeerSupportRole")
    assert browser.find_element(By.ID, "PeerSupportRole").find_element(By.TAG_NAME, "h3").text == "peer support role"
    screenshot(browser, "vocabulary-term", whole=False)
    browser.get(base + "/peer-support/NoSuchTerm")
    assert browser.find_element(By.CSS_SELECTOR, "section.problem h1").text == "Not found"
    screenshot(browser, "error-no-such-term")


def test_api_docs_render_offline(browser, base):
    """Swagger UI comes from the service itself, so the operations show with no internet."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base + "/docs")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"))
    paths = {e.text.replace("\u200b", "") for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/sparql", "/validate", "/healthz"} <= paths
    screenshot(browser, "api-docs", whole=False)
