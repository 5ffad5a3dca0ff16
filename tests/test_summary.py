"""fidelity summarize / batch --summary --reports: pairs worst first, counts that add up, links that
resolve, every input escaped; the HTML page in headless Chromium when it is installed."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pytest
from typer.testing import CliRunner

from fidelity.frontends.batch import default_report_format
from fidelity.frontends.cli import app
from fidelity.frontends.summary import SEVERITIES, summarize

from .conftest import CNN, DEFNET, INSIDER, ROOT

WMT = ROOT.parent / "shared" / "eval" / "wmt21-ruen" / "newstest2021-ru-en.jsonl"
SCRIPT_ID = "<script>alert('id')</script>"


def _manifest(folder: Path) -> Path:
    """The two seed rewrites (one under an id that is a script tag), the original against itself,
    two WMT21 ru→en documents (when ../shared is there) and a missing file."""
    rows = [{"id": "defnet", "original": str(CNN), "rewrite": str(DEFNET), "outlet": "defnet", "original_date": "2023-05-10"},
            {"id": SCRIPT_ID, "original": str(CNN), "rewrite": str(INSIDER), "outlet": "<b>insider</b>",
             "original_date": "2023-05-10"},
            {"id": "same", "original": str(CNN), "rewrite": str(CNN), "outlet": "defnet"}]
    if WMT.exists():
        with WMT.open(encoding="utf-8") as handle:
            for n, line in zip(range(2), handle):
                doc = json.loads(line)
                (folder / f"wmt{n}.ru.txt").write_text("\n\n".join(doc["src_ru"][:5]) + "\n", encoding="utf-8")
                (folder / f"wmt{n}.en.txt").write_text("\n\n".join(doc["hyp_online_b_en"][:5]) + "\n", encoding="utf-8")
                rows.append({"id": f"wmt-{n}", "original": f"wmt{n}.ru.txt", "rewrite": f"wmt{n}.en.txt",
                             "outlet": "wmt21"})
    rows.append({"id": "missing", "original": str(CNN), "rewrite": "nowhere.txt", "outlet": "wmt21"})
    manifest = folder / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "original", "rewrite", "outlet", "original_date"])
        writer.writeheader()
        writer.writerows(rows)
    return manifest


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One batch run with --reports and --summary (HTML), then the same results summarized as md and csv."""
    folder = tmp_path_factory.mktemp("summary")
    manifest = _manifest(folder)
    results = folder / "results.jsonl"
    runner = CliRunner()
    batch = runner.invoke(app, ["batch", str(manifest), "-o", str(results), "--no-cache", "--no-progress",
                                "--reports", str(folder / "reports"), "--summary", str(folder / "out" / "summary.html")])
    assert batch.exit_code == 2 and "directory" in batch.output  # out/ does not exist: refused before any work
    assert not results.exists()
    (folder / "out").mkdir()
    batch = runner.invoke(app, ["batch", str(manifest), "-o", str(results), "--no-cache", "--no-progress",
                                "--reports", str(folder / "reports"), "--summary", str(folder / "out" / "summary.html")])
    assert batch.exit_code == 1, batch.output  # the missing file
    for form in ("md", "csv"):
        done = runner.invoke(app, ["summarize", str(results), "--output", str(folder / "out" / f"summary.{form}")])
        assert done.exit_code == 0, done.output
    records = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    return folder, records


def _rank_key(record: dict) -> tuple:
    severity = record["summary"]["counts"]["severity"]
    worst = next((n for n, s in enumerate(SEVERITIES) if severity[s]), len(SEVERITIES))
    return worst, -record["summary"]["counts"]["findings"], record["summary"]["score"]


def _md_rows(text: str, heading: str) -> list[list[str]]:
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")][2:]  # past the header and rule
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_markdown_ranks_worst_first_and_counts_add_up(run):
    folder, records = run
    text = (folder / "out" / "summary.md").read_text(encoding="utf-8")
    ok = [r for r in records if r["status"] == "ok"]
    rows = _md_rows(text, "Pairs, worst first")
    assert len(rows) == len(ok) >= 3
    by_id = {r["id"]: r for r in ok}
    # the ids as the table shows them (link text, Markdown-escaped) back to the records
    shown = [re.sub(r"^\[(.*)\]\(.*\)$", r"\1", row[1]) for row in rows]
    ranked = [next(i for i in by_id if i.replace("<", "&lt;").replace(">", "&gt;").replace("_", r"\_") == s) for s in shown]
    keys = [_rank_key(by_id[i]) for i in ranked]
    assert keys == sorted(keys) and keys[0] < keys[-1]
    # the original against itself has no finding: among the last, with any other pair that has none
    assert rows[-1][2] == "none" and "same" in [i for i, row in zip(ranked, rows) if row[2] == "none"]
    assert rows[0][2] == "critical"
    # findings by category: the sums over the records
    expected = Counter()
    for r in ok:
        expected.update(r["summary"]["counts"]["category"])
    shown_categories = {row[0].replace("\\_", "_"): int(row[1]) for row in _md_rows(text, "Findings by category")}
    assert shown_categories == dict(expected)
    outlets = {row[0]: (int(row[1]), int(row[2])) for row in _md_rows(text, "By outlet")}
    manifest_outlets = Counter(r["outlet"] for r in records)
    assert {k.replace("&lt;", "<").replace("&gt;", ">"): v[0] for k, v in outlets.items()} == dict(manifest_outlets)
    assert outlets["wmt21"][1] == 1  # the missing file is wmt21's failure
    failed = _md_rows(text, "Failed pairs")
    assert [row[0] for row in failed] == ["missing"] and failed[0][1].endswith("nowhere.txt: no such file")
    scores = sorted(r["summary"]["score"] for r in ok)
    assert f"min {scores[0]:.1f}" in text and f"max {scores[-1]:.1f}" in text
    histogram = _md_rows(text, "Scores")
    assert sum(int(row[1]) for row in histogram) == len(scores)


def test_links_point_to_the_pair_reports(run):
    folder, records = run
    out = folder / "out"
    fmt = default_report_format()
    ok = [r for r in records if r["status"] == "ok"]
    assert all(r["report"] and r["report"].endswith(f".{fmt}") for r in ok)
    assert all(r["report"] is None for r in records if r["status"] == "error")
    assert len({r["report"] for r in ok}) == len(ok)
    md_links = re.findall(r"\]\(([^)]+)\)", (out / "summary.md").read_text(encoding="utf-8"))
    html_links = re.findall(r'href="([^"]+)"', (out / "summary.html").read_text(encoding="utf-8"))
    table = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))
    csv_links = [row["report"] for row in table if row["report"]]
    for links in (md_links, html_links, csv_links):
        assert len(links) == len(ok)
        targets = {(out / unquote(link)).resolve() for link in links}
        assert targets == {(folder / r["report"]).resolve() for r in ok}
        assert all(t.is_file() and t.parent == folder / "reports" for t in targets)
    defnet = next(r for r in ok if r["id"] == "defnet")
    assert defnet["findings"][0]["message"].split("'")[0] in (folder / defnet["report"]).read_text(encoding="utf-8")
    # the CSV: ranked pairs, then the failed one with its error
    assert [row["id"] for row in table][-1] == "missing" and table[-1]["error"].endswith("nowhere.txt: no such file")
    assert [int(row["rank"]) for row in table[:-1]] == list(range(1, len(ok) + 1))


def test_every_input_is_escaped(run):
    folder, _ = run
    page = (folder / "out" / "summary.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;" in page and "&lt;b&gt;insider&lt;/b&gt;" in page
    md = (folder / "out" / "summary.md").read_text(encoding="utf-8")
    assert "<script" not in md and "&lt;script&gt;" in md
    names = sorted(p.name for p in (folder / "reports").iterdir())
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", name) for name in names)


def test_later_lines_supersede_and_partial_lines_are_skipped(run):
    folder, records = run
    lines = (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()
    missing = next(line for line in lines if json.loads(line)["id"] == "missing")
    retried = json.loads(next(line for line in lines if json.loads(line)["id"] == "defnet"))
    retried["id"] = "missing"  # as if --retry-errors had checked it after the file appeared
    summary = summarize([*lines, json.dumps(retried), missing[: len(missing) // 2]])
    assert summary.superseded == 1 and summary.unreadable == 1
    assert not summary.failed and len(summary.ranked) == len(records)


def test_a_story_gets_a_table_of_its_names(run):
    """CNN against DEFNET, The Insider and itself: one table of CNN's names, one column per rewrite (its
    outlet; two pairs of one outlet by their ids), in Markdown, HTML and JSON alike. CNN against itself
    renders every name as itself; a row differs only where two rewrites render the name differently."""
    folder, records = run
    ok = [r for r in records if r["status"] == "ok"]
    assert all(isinstance(r["names"], list) for r in ok)  # each result line: how its rewrite renders the names
    cnn = [r for r in ok if r["original_path"] == str(CNN)]
    done = CliRunner().invoke(app, ["summarize", str(folder / "results.jsonl"), "--output", str(folder / "out" / "summary.json")])
    assert done.exit_code == 0, done.output
    data = json.loads((folder / "out" / "summary.json").read_text(encoding="utf-8"))
    assert data["total"] == len(records) and [t["original"] for t in data["names"]] == [str(CNN)]  # WMT: one rewrite each
    [table] = data["names"]
    assert sorted(table["ids"]) == sorted(r["id"] for r in cnn)
    assert table["columns"][table["ids"].index("same")] == "defnet (same)"
    same = table["ids"].index("same")
    renderings = {(row["name"], table["ids"][k]): r for row in table["rows"] for k, r in enumerate(row["renderings"])}
    expected = {(n["name"], r["id"]): n["rendering"] for r in cnn for n in r["names"]}
    assert {key: value for key, value in renderings.items() if value is not None} == expected
    assert all(row["renderings"][same] in (None, row["name"]) for row in table["rows"])
    assert sum(1 for row in table["rows"] if row["renderings"][same] == row["name"]) >= 5
    for row in table["rows"]:
        shown = {r for r in row["renderings"] if r is not None}
        assert not row["differs"] or len(shown) >= 2
    assert any(row["differs"] for row in table["rows"])  # DEFNET renders some name of CNN's otherwise
    md = (folder / "out" / "summary.md").read_text(encoding="utf-8")
    rows = _md_rows(md, f"Names: {str(CNN).replace('_', chr(92) + '_')}")
    assert [row[0] for row in rows] == [row["name"] for row in table["rows"]][:len(rows)]
    assert [row[-1] == "yes" for row in rows] == [row["differs"] for row in table["rows"]][:len(rows)]
    page = (folder / "out" / "summary.html").read_text(encoding="utf-8")
    assert page.count('<table class="names">') == 1 and "&lt;b&gt;insider&lt;/b&gt;</th>" in page


def test_summarize_errors_are_one_line(tmp_path):
    runner = CliRunner()
    for args in ([str(tmp_path / "none.jsonl")], [str(tmp_path), "-o", str(tmp_path / "s.md")],
                 [str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "s.pdf")]):
        result = runner.invoke(app, ["summarize", *args])
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.fixture(scope="module")
def headless_chromium():
    """A Selenium driver for Debian's chromium (apt-get install chromium chromium-driver)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (the test extra)")
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not binary or not driver:
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver), options=options)
    yield browser
    browser.quit()


def test_html_summary_in_headless_chromium(run, headless_chromium):
    from selenium.webdriver.common.by import By

    folder, records = run
    browser = headless_chromium
    page = (folder / "out" / "summary.html").as_uri()
    browser.get(page)
    assert browser.find_elements(By.TAG_NAME, "script") == []  # the id's script tag is text
    assert browser.find_elements(By.CSS_SELECTOR, "link, img, iframe") == []  # self-contained
    rows = browser.find_elements(By.CSS_SELECTOR, "#pairs tr.pair")
    ok = {r["id"]: r for r in records if r["status"] == "ok"}
    shown = [row.get_attribute("data-id") for row in rows]
    assert sorted(shown) == sorted(ok)
    assert [_rank_key(ok[i]) for i in shown] == sorted(_rank_key(r) for r in ok.values())  # worst first
    assert SCRIPT_ID in [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows]
    hrefs = [(row.get_attribute("data-id"), row.find_element(By.TAG_NAME, "a").get_attribute("href")) for row in rows]
    for ident, href in hrefs:  # every link opens its pair's report
        browser.get(href)
        assert Path(url2pathname(urlparse(browser.current_url).path)) == (folder / ok[ident]["report"]).resolve()
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "Fidelity report" in body or "fidelity" in body.lower()
    browser.get(page)
    browser.find_element(By.CSS_SELECTOR, "#pairs tr.pair a").click()  # a click follows the first link
    assert browser.current_url == hrefs[0][1]


def test_report_files_html_when_registered_and_never_shared(monkeypatch):
    from fidelity.frontends.batch import report_file_name
    from fidelity.frontends.render import REGISTRY, ReportKind

    html = (ReportKind.PAIR, "html")
    monkeypatch.delitem(REGISTRY, html, raising=False)
    assert default_report_format() == "md"
    monkeypatch.setitem(REGISTRY, html, REGISTRY[(ReportKind.PAIR, "md")])  # the review issue's renderer, once merged
    assert default_report_format() == "html"
    names = {report_file_name(i, "html") for i in ("a/b", "a_b", "a b", "A_B", "../../etc/passwd", "", "…")}
    assert len(names) == 7 and all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.html", n) for n in names)
