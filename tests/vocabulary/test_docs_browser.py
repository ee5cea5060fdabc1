"""The vocabulary page in a real browser (headless Chromium, see ``tests/web/browser.py``): the class
diagram as Chromium lays it out (every name inside its box, no two boxes overlapping, every box of
the vocabulary linking to its term's entry), the scheme trees opening, and the logic of a defined
class as links. Saves ``build/screenshots/vocabulary-diagram.png`` for people to look at."""

from ..service_fixtures import base  # noqa: F401 (a fixture)
from ..web.browser import SCREENSHOTS, browser  # noqa: F401 (the browser fixture)

MEASURE = """
const boxes = [...document.querySelectorAll('#class-diagram-svg .box')].map(g => {
  const r = g.querySelector('rect').getBBox(), t = g.querySelector('text').getBBox();
  return {id: g.dataset.id, href: g.getAttribute('href'), rect: [r.x, r.y, r.width, r.height], text: [t.x, t.y, t.width, t.height]};
});
return boxes;"""


def _inside(inner, outer) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return x >= ox and y >= oy and x + w <= ox + ow and y + h <= oy + oh


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_the_class_diagram_as_the_browser_draws_it(browser, base):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.set_window_size(1200, 1400)
    browser.get(base + "/peer-support/vocab.html")
    boxes = browser.execute_script(MEASURE)
    assert len(boxes) == 44  # the 41 classes of the vocabulary and org:Organization, org:Role, skos:Concept
    assert [b for b in boxes if not _inside(b["text"], b["rect"])] == []
    assert [(a["id"], b["id"]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a["rect"], b["rect"])] == []
    linked = [b for b in boxes if b["href"]]
    assert sorted(b["id"] for b in boxes if not b["href"]) == ["org:Organization", "org:Role", "skos:Concept"]
    for box in linked:
        assert box["href"] == "#" + box["id"] and browser.find_elements(By.ID, box["id"]), box["id"]
    figure = browser.find_element(By.CSS_SELECTOR, "figure.class-diagram")
    browser.execute_script("arguments[0].scrollIntoView()", figure)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    figure.screenshot(str(SCREENSHOTS / "vocabulary-diagram.png"))
    browser.find_element(By.CSS_SELECTOR, 'a.box[data-id="PeerSupportRole"]').click()
    assert browser.current_url.endswith("#PeerSupportRole")
    browser.set_window_size(1200, 900)


def test_a_scheme_tree_opens_and_links_its_concepts(browser, base):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(base + "/peer-support/vocab.html?lang=fr")
    tree = browser.find_element(By.ID, "tree-HistoryScheme")
    assert not tree.find_element(By.CSS_SELECTOR, "ul a").is_displayed()
    tree.find_element(By.TAG_NAME, "summary").click()
    nested = tree.find_element(By.CSS_SELECTOR, "ul ul ul a")
    assert nested.is_displayed() and nested.get_attribute("href").endswith("#CrashPads")


def test_the_logic_of_a_defined_class_links_its_terms(browser, base):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(base + "/peer-support/vocab.html#ImposedRole")
    section = browser.find_element(By.ID, "ImposedRole")
    row = next(r for r in section.find_elements(By.TAG_NAME, "tr") if r.find_element(By.TAG_NAME, "th").text == "Equivalent to")
    cell = row.find_element(By.TAG_NAME, "td")
    assert cell.text == "DescribedRole and ((canDecline value false) or (consentAsked value false))"
    assert [a.get_attribute("href").rsplit("/", 1)[1] for a in cell.find_elements(By.TAG_NAME, "a")] == [
        "vocab.html#DescribedRole", "vocab.html#canDecline", "vocab.html#consentAsked"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(str(SCREENSHOTS / "vocabulary-logic.png"))


def test_the_written_files_open_offline_and_pass_axe(browser, tmp_path):  # noqa: F811
    """The page peersupport docs writes, opened from the disk: nothing fetched, no serious or
    critical axe-core violation, and its language link leads to the other file."""
    from selenium.webdriver.common.by import By

    from peersupport.vocabulary.docs import shared_vocabulary
    from peersupport.web.documentation import write_docs

    from ..web.test_accessibility import _serious

    write_docs(shared_vocabulary(), tmp_path)
    browser.set_script_timeout(120)
    browser.get((tmp_path / "index.fr.html").as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Vocabulaire du soutien par les pairs"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert _serious(browser) == []
    browser.find_element(By.LINK_TEXT, "English").click()
    assert browser.current_url == (tmp_path / "index.html").as_uri()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
