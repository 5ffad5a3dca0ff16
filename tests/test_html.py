"""The HTML report (``--format html``): every finding highlighted with exactly its span's text on each
side, input text escaped, filters that hide and show; parsed with lxml, then driven in headless Chromium."""

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

import fidelity
from fidelity.checking.report import Report
from fidelity.frontends.render import RenderOptions, ReportKind, render
from fidelity.types import Bead, Category, Document, Finding, Sentence, Severity, Span, Verdict

from .conftest import CNN, DEFNET
from .tiny_mt import RUSSIAN, build_tiny_marian

PAYLOAD = '<script>alert(1)</script><img src=x onerror="window.__xss = 1">'
ESCAPE_ORIGINAL = "The minister said the deal was agreed on Monday in Tokyo. Talks went on for three days."
ESCAPE_REWRITE = f"The minister said the deal {PAYLOAD} was rejected on Friday in Paris. Talks went on for three days."


@pytest.fixture(scope="module")
def seed():
    """The seed check (CNN→DEFNET), its JSON contract and its HTML report."""
    report = fidelity.check(CNN, DEFNET, original_date=datetime.date(2023, 5, 10))
    return report, report.to_dict(), render(ReportKind.PAIR, "html", report)


@pytest.fixture(scope="module")
def escaped(tmp_path_factory):
    """The HTML report of a rewrite that carries markup, written by the CLI."""
    folder = tmp_path_factory.mktemp("escape")
    (folder / "original.txt").write_text(ESCAPE_ORIGINAL, encoding="utf-8")
    (folder / "rewrite.txt").write_text(ESCAPE_REWRITE, encoding="utf-8")
    out = folder / "report.html"
    run = subprocess.run([sys.executable, "-m", "fidelity.frontends.cli", "check", str(folder / "original.txt"),
                          str(folder / "rewrite.txt"), "--format", "html", "--output", str(out)],
                         capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode()
    return out


def _highlights(html: str) -> dict[tuple[str, str], list[tuple[int, int, str, dict]]]:
    """(side, finding id) -> the highlight elements' (start, end, text, attributes), in text order."""
    out: dict[tuple[str, str], list[tuple[int, int, str, dict]]] = {}
    for el in lxml.html.fromstring(html).xpath("//mark[@data-finding]"):
        key = (el.get("data-side"), el.get("data-finding"))
        out.setdefault(key, []).append((int(el.get("data-start")), int(el.get("data-end")), el.text_content(),
                                        dict(el.attrib)))
    return {k: sorted(v, key=lambda x: x[0]) for k, v in out.items()}


def _check_highlights(data: dict, html: str) -> None:
    """Every listed finding has, on each side where it has a span, highlight elements whose text is exactly
    the span's text (one element unless it had to be split), and no highlight names another finding."""
    marks = _highlights(html)
    texts = {side: Path(data[side]["path"]).read_bytes().decode("utf-8") if data[side]["path"] else None
             for side in ("original", "rewrite")}
    expected = set()
    for f in data["findings"]:
        for side in ("original", "rewrite"):
            span = f[side]
            if span is None or span["start"] == span["end"]:
                continue
            expected.add((side, f["id"]))
            parts = marks.get((side, f["id"]))
            assert parts, f"{f['id']} has no highlight on the {side} side"
            assert "".join(p[2] for p in parts) == span["text"], (f["id"], side)
            assert (parts[0][0], parts[-1][1]) == (span["start"], span["end"]), (f["id"], side)
            for start, end, text, attrs in parts:
                assert attrs["data-severity"] == f["severity"] and attrs["data-category"] == f["category"]
                if texts[side] is not None:
                    assert texts[side][start:end] == text
            assert parts[0][3].get("id") == f"{side[0]}-{f['id']}"  # the link target for the findings list
    assert set(marks) == expected


def test_every_finding_is_highlighted_with_its_exact_text(seed):
    report, data, html = seed
    assert data["findings"]
    _check_highlights(data, html)
    tree = lxml.html.fromstring(html)
    # each finding is listed once, under its bead, with links to its highlights
    items = tree.xpath("//li[@data-finding]")
    assert sorted(li.get("data-finding") for li in items) == sorted(f["id"] for f in data["findings"])
    for f in data["findings"]:
        li = tree.get_element_by_id(f"f-{f['id']}")
        links = {a.get("href") for a in li.xpath(".//a")}
        assert links == {f"#{side[0]}-{f['id']}" for side in ("original", "rewrite") if f[side]}
        if f["bead"] is not None:
            assert li.xpath("ancestor::tr")[0].get("id") == f"bead-{f['bead']}"


def test_header_filters_and_structure(seed):
    report, data, html = seed
    tree = lxml.html.fromstring(html)
    header = tree.xpath("//header")[0].text_content()
    assert f"{report.score:.1f}" in header and report.settings["signature"] in header
    assert report.settings["encoder"] in header
    for sev, n in data["summary"]["counts"]["severity"].items():
        assert f"{n} {sev}" in header
    # real form controls: one checkbox per severity and per category listed
    boxes = {(b.get("name"), b.get("value")) for b in tree.xpath("//form[@id='filters']//input[@type='checkbox']")}
    assert boxes == {("severity", s.value) for s in Severity} | {("category", f["category"]) for f in data["findings"]}
    # the category legend explains each category with its Category's description
    for box in tree.xpath("//form[@id='filters']//input[@name='category']"):
        assert box.getparent().get("title") == Category(box.get("value")).description
    # a row per bead; text cells set their direction from their text
    assert len(tree.xpath("//tr[contains(@class, 'bead ')]")) == len(data["alignment"])
    cells = tree.xpath("//td[contains(@class, 'side')]/div[@class='text']")
    assert cells and all(c.get("dir") == "auto" for c in cells)
    # set-aside text collapsed
    details = tree.xpath("//details[contains(@class, 'set-aside')]")[0]
    assert all(" ".join(s["text"].split()) in " ".join(details.text_content().split()) for s in data["set_aside"])
    # self-contained: nothing to fetch
    assert not tree.xpath("//@src | //link | //script[@src]")
    assert "default-src 'none'" in tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]


def test_header_counts_accepted_and_listed_findings(seed):
    from fidelity.frontends.baseline import accept, apply_baseline

    report, data, _html = seed
    minor = [f["id"] for f in data["findings"] if f["severity"] == "minor"]
    entries, _new = accept(data, minor, [])
    accepted = apply_baseline(report, entries)
    n = len(accepted.suppressed)
    assert n and accepted.to_dict()["summary"]["suppressed"]["findings"] == n
    tree = lxml.html.fromstring(render(ReportKind.PAIR, "html", accepted))
    baseline = " ".join(tree.xpath("//header//p[@class='baseline']")[0].text_content().split())
    assert baseline.startswith(f"{n} findings accepted in baseline") and f"{report.score:.1f}" in baseline
    assert not lxml.html.fromstring(_html).xpath("//header//p[@class='baseline']")  # no baseline: nothing said
    # --min-severity: the counts shown are of the findings listed
    major = render(ReportKind.PAIR, "html", report, RenderOptions(min_severity=Severity.MAJOR))
    listed = [f for f in data["findings"] if f["severity"] in ("critical", "major")]
    tree = lxml.html.fromstring(major)
    assert [c.text_content() for c in tree.xpath("//*[@data-count='shown']")] == [str(len(listed))] * 2
    assert len(tree.xpath("//li[@data-finding]")) == len(listed)


def test_word_changes_and_moved_beads(seed):
    report, data, html = seed
    tree = lxml.html.fromstring(html)
    n = next(n for n, b in enumerate(report.alignment)
             if any("ultimatum" in report.rewrite.sentences[j].text for j in b.rewrite))
    row = tree.get_element_by_id(f"bead-{n}")
    removed = " ".join(d.text_content() for d in row.xpath(".//td[contains(@class, 'original')]//del"))
    added = " ".join(i.text_content() for i in row.xpath(".//td[contains(@class, 'rewrite')]//ins"))
    assert "finalized yet" in removed and "ultimatum" in added
    assert not tree.xpath("//td[contains(@class, 'original')]//ins | //td[contains(@class, 'rewrite')]//del")
    moved = [n for n, b in enumerate(report.alignment) if b.moved and b.original]
    assert moved  # the seed rewrite moves sentences
    for n in moved:
        back = tree.get_element_by_id(f"moved-from-{n}")
        assert back.xpath(f".//a[@href='#bead-{n}']")
        assert tree.get_element_by_id(f"bead-{n}").xpath(f".//a[@href='#moved-from-{n}']")
        # the placeholder stands before the first in-place bead that follows the moved sentences in the original
        following = back.getnext()
        first = report.alignment[n].original[0]
        while following is not None and not following.get("id", "").startswith("bead-"):
            following = following.getnext()
        if following is not None:
            assert report.alignment[int(following.get("id")[5:])].original[0] > first


def test_crossing_spans_are_split_into_parts():
    text = "Alpha beta gamma delta epsilon."
    original = Document(text, None, "en", [Sentence(0, 0, len(text), text, "en")])
    rewrite = Document(text, None, "en", [Sentence(0, 0, len(text), text, "en")])
    a, b = Span(0, 16, text[0:16]), Span(6, 22, text[6:22])  # 'Alpha beta gamma' crosses 'beta gamma delta'
    findings = [Finding(id="F001", category=Category.OMISSION, severity=Severity.MAJOR, confidence=0.5, original=a,
                        rewrite=a, message="a", bead=0),
                Finding(id="F002", category=Category.ADDITION, severity=Severity.MINOR, confidence=0.5, original=b,
                        rewrite=b, message="b", bead=0)]
    report = Report(original, rewrite, [Bead((0,), (0,), 1.0, Verdict.EQUIVALENT)], findings)
    html = render(ReportKind.PAIR, "html", report)
    marks = _highlights(html)
    assert len(marks[("rewrite", "F001")]) == 1 and len(marks[("rewrite", "F002")]) == 2
    assert [m[3]["data-part"] for m in marks[("rewrite", "F002")]] == ["1/2", "2/2"]
    for f in findings:
        assert "".join(m[2] for m in marks[("rewrite", f.id)]) == f.rewrite.text


def test_input_text_is_escaped(escaped):
    html = escaped.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img" not in html
    tree = lxml.html.fromstring(html)
    assert len(tree.xpath("//script")) == 1 and not tree.xpath("//img")  # only the report's own script
    assert PAYLOAD in " ".join(td.text_content() for td in tree.xpath("//td[contains(@class, 'rewrite')]"))


def test_back_translations_under_their_sentences(tmp_path):
    original = ("Japan is in talks to open a NATO liaison office in Tokyo, the first in Asia.\n"
                "Foreign Minister Yoshimasa Hayashi told CNN on Wednesday.\n"
                "He said Russia's invasion of Ukraine made the world less stable.\n")
    tiny = build_tiny_marian(tmp_path / "opus-mt-ru-en-tiny")
    report = fidelity.check(original, RUSSIAN, rewrite_lang="ru", translator=str(tiny), offline=True)
    translated = [s for s in report.rewrite.sentences if s.back_translation]
    assert translated
    html = render(ReportKind.PAIR, "html", report)
    _check_highlights(report.to_dict(), html)
    tree = lxml.html.fromstring(html)
    for s in translated:
        row = next(n for n, b in enumerate(report.alignment) if s.index in b.rewrite)
        notes = tree.get_element_by_id(f"bead-{row}").xpath(
            ".//td[contains(@class, 'rewrite')]/p[@class='back-translation']")
        assert any(s.back_translation in p.text_content() and f"sentence {s.index}:" in p.text_content()
                   for p in notes)


# ----------------------------------------------------------------------------- in a browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("headless Chromium is not installed (apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1800"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _coloured(driver, element) -> bool:
    """A finding's span is marked by an underline in its severity's colour (word changes own the fills)."""
    return "underline" in driver.execute_script("return getComputedStyle(arguments[0]).textDecorationLine", element)


def _shown_counts(driver) -> list[int]:
    from selenium.webdriver.common.by import By

    return [int(el.text) for el in driver.find_elements(By.CSS_SELECTOR, "[data-count=shown]") if el.is_displayed()]


def test_browser_highlights_and_severity_filter(seed, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    report, data, html = seed
    page = tmp_path / "seed.html"
    page.write_text(html, encoding="utf-8")
    browser.get(page.as_uri())
    for f in data["findings"]:
        for side in ("original", "rewrite"):
            if f[side] is None:
                continue
            parts = browser.find_elements(By.CSS_SELECTOR, f'mark[data-finding="{f["id"]}"][data-side="{side}"]')
            assert "".join(p.get_attribute("textContent") for p in parts) == f[side]["text"], (f["id"], side)
            assert all(p.is_displayed() and _coloured(browser, p) for p in parts), (f["id"], side)
    for severity in ("major", "minor"):
        marks = browser.find_elements(By.CSS_SELECTOR, f'mark[data-severity="{severity}"]')
        items = browser.find_elements(By.CSS_SELECTOR, f'li.finding[data-severity="{severity}"]')
        others = browser.find_elements(By.CSS_SELECTOR, f'li.finding:not([data-severity="{severity}"])')
        box = browser.find_element(By.CSS_SELECTOR, f'input[name="severity"][value="{severity}"]')
        box.click()  # untick: those findings are hidden, the others stay
        assert not box.is_selected()
        assert not any(li.is_displayed() for li in items) and not any(_coloured(browser, m) for m in marks)
        assert all(li.is_displayed() for li in others)
        box.send_keys(Keys.SPACE)  # tick again, from the keyboard
        assert box.is_selected()
        assert all(li.is_displayed() for li in items) and all(_coloured(browser, m) for m in marks)
    # the counts of findings follow the filters: the filter bar's and the findings column's
    total = len(data["findings"])
    assert _shown_counts(browser) == [total, total]
    minor = browser.find_element(By.CSS_SELECTOR, 'input[name="severity"][value="minor"]')
    minor.click()
    no_minor = sum(1 for f in data["findings"] if f["severity"] != "minor")
    assert _shown_counts(browser) == [no_minor, no_minor]
    category = next(f["category"] for f in data["findings"] if f["severity"] != "minor")
    browser.find_element(By.CSS_SELECTOR, f'input[name="category"][value="{category}"]').click()
    left = sum(1 for f in data["findings"] if f["severity"] != "minor" and f["category"] != category)
    assert _shown_counts(browser) == [left, left]
    assert "of" in browser.find_element(By.ID, "shown").text and str(total) in browser.find_element(By.ID, "shown").text
    browser.find_element(By.CSS_SELECTOR, f'input[name="category"][value="{category}"]').click()
    minor.click()
    assert _shown_counts(browser) == [total, total]
    # a highlight is keyboard-usable: Enter on it focuses its finding's link in the list
    first = data["findings"][0]["id"]
    mark = browser.find_element(By.CSS_SELECTOR, f'mark[data-finding="{first}"]')
    mark.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.find_element(By.XPATH, "ancestor::li").get_attribute("id") == f"f-{first}"


def test_browser_runs_nothing_from_the_input(escaped, browser):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.get(escaped.as_uri())
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.execute_script("return window.__xss") is None
    shown = " ".join(td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.rewrite"))
    assert "<script>alert(1)</script>" in shown
