"""Headless Chromium for the browser tests (Debian's chromium and chromium-driver), driven by
Selenium against the service on 127.0.0.1: the ``browser`` fixture (a failure, not a skip, when
``PEERSUPPORT_REQUIRE_BROWSER=1`` and Chromium is missing) and ``screenshot``, which saves what the
browser shows in ``build/screenshots/`` for people to look at."""

import os
import shutil

import pytest

from ..conftest import REPO

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = REPO / "build" / "screenshots"


def screenshot(browser, name: str, whole: bool = True) -> None:
    """The page as ``build/screenshots/NAME.png``: the whole of it (up to 8,000 pixels) or the window."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if whole:
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1200, min(max(height + 150, 600), 8000))  # the window's own frame takes some
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    browser.set_window_size(1200, 900)


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
    options.add_argument("--window-size=1200,900")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()
