"""Accessibility of the five main pages, checked with axe-core (vendored in
``tests/resources/axe-core/``, injected into each page; nothing fetched) in headless Chromium:
no serious or critical violation on the home, validator, report, query and vocabulary pages, and
on the validator page showing a spreadsheet's problems above its form."""

import pytest

from ..conftest import REPO
from ..service_fixtures import start_service, stop
from .browser import browser, screenshot  # noqa: F401 (the browser fixture)

AXE = REPO / "tests/resources/axe-core/axe.min.js"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    url, process = start_service(tmp_path_factory.mktemp("store"))
    yield url
    stop(process)


def _serious(browser) -> list[str]:  # noqa: F811
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done({violations: r.violations, passes: r.passes.length}))"
        ".catch(e => done({violations: [{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}], passes: 0}));")
    assert found["passes"] > 10, "axe-core ran its rules"
    found = found["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n.get('target') for n in v['nodes']][:3]}"
            for v in found if v["impact"] in ("serious", "critical")]


def _report(browser, base):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base + "/validate")
    browser.find_element(By.ID, "text").send_keys((REPO / "data/examples/invalid/title-only.ttl").read_text())
    browser.find_element(By.CSS_SELECTOR, 'input[name="classify"]').click()
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.summary"))


def _validate_error(browser, base, folder):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    upload = folder / "roles.csv"
    upload.write_bytes(b"role_id;remuneraton;can_decline\nr1;paid;maybe\n")
    browser.get(base + "/validate?lang=fr")
    browser.find_element(By.ID, "file").send_keys(str(upload))
    browser.find_element(By.ID, "validate-button").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ol.problems li"))


@pytest.mark.parametrize("page", ["/", "/validate", "report", "validate-error", "/query", "/peer-support/",
                                  "/peer-support/vocab.html?lang=fr", "/sources/003"])
def test_no_serious_or_critical_violation(browser, base, page, tmp_path):  # noqa: F811
    browser.set_script_timeout(120)
    if page == "report":
        _report(browser, base)
    elif page == "validate-error":
        _validate_error(browser, base, tmp_path)
    else:
        browser.get(base + page)
    assert _serious(browser) == []
