"""The pages in a real browser: headless Chromium from Debian (chromium, chromium-driver),
driven by Selenium against the service on 127.0.0.1."""

import os
import shutil

import pytest

from .conftest import REPO
from .service_fixtures import start_service, stop

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) and shutil.which("chromedriver")):
        if os.environ.get("PEERSUPPORT_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium and chromedriver are required (apt-get install chromium chromium-driver)")
        pytest.skip("no Chromium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url, process = start_service(tmp_path_factory.mktemp("store"))
    yield url
    stop(process)


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
    cells = [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows]
    assert "peer mentoring" in cells and "intentional peer support" in cells


def test_upload_an_invalid_role_and_see_the_violation(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(base + "/validate")
    browser.find_element(By.ID, "text").send_keys((REPO / "data/examples/invalid/one-way-help.ttl").read_text())
    Select(browser.find_element(By.ID, "format")).select_by_value("turtle")
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "li.violation"))
    (violation,) = browser.find_elements(By.CSS_SELECTOR, "li.violation")
    assert violation.text.startswith("violation Not reciprocal: this role claims peer support")
    assert browser.find_element(By.CSS_SELECTOR, "p.verdict").text == "does not conform (1 violations, 0 warnings, 0 infos)"


def test_api_docs_render_offline(browser, base):
    """Swagger UI comes from the service itself, so the operations show with no internet."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base + "/docs")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"))
    paths = {e.text.replace("\u200b", "") for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/sparql", "/validate", "/healthz"} <= paths
