"""Bilingual files in and out: XLIFF 1.2, PO and TMX built from seed sentences, checked unit by unit
(no alignment step), and the findings written back as notes that translate-toolkit reads."""

import json
import re
from xml.sax.saxutils import escape

import pytest

pytest.importorskip("translate.storage", reason="translate-toolkit is an optional extra: pip install 'fidelity[bilingual]'")
from translate.storage import factory, pypo  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from fidelity.frontends.bilingual import check_file  # noqa: E402
from fidelity.frontends.cli import app  # noqa: E402
from fidelity.frontends.render import RenderOptions, ReportKind, render  # noqa: E402
from fidelity.types import Severity  # noqa: E402

from .conftest import CNN, DEFNET, FIRSTPOST, ROOT, read_exact  # noqa: E402

runner = CliRunner()
SERIOUS = {Severity.CRITICAL, Severity.MAJOR}


def _line_with(text: str, words: str) -> str:
    return next(line.strip() for line in text.splitlines() if words in line)


@pytest.fixture(scope="module")
def units():
    """(id, source, target): a faithful paraphrase, the finalized→ultimatum change, an untranslated unit."""
    cnn, defnet = read_exact(CNN), read_exact(DEFNET)
    faithful = _line_with(cnn, "Hayashi specifically cited")
    changed_source = _line_with(cnn, "no details (have been) finalized yet")
    changed_target = re.search(r"\"We're still discussing this\"[^.]*have not yet reached the ultimatum\.", defnet)[0]
    paraphrase = faithful.replace("specifically cited", "specifically pointed to").replace("repercussions", "consequences")
    assert paraphrase != faithful
    return [("faithful", faithful, paraphrase), ("changed", changed_source, changed_target),
            ("later", "Untranslated sentence.", "")]


def _write_xliff(path, units, target_language="en"):
    body = "".join(f'<trans-unit id="{uid}"><source>{escape(s)}</source>'
                   + (f"<target>{escape(t)}</target>" if t else "") + "</trans-unit>\n" for uid, s, t in units)
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
                    f'<file original="cnn.txt" source-language="en" target-language="{target_language}" '
                    'datatype="plaintext"><body>\n'
                    f"{body}</body></file></xliff>\n", encoding="utf-8")
    return path


@pytest.fixture
def xliff(tmp_path, units):
    return _write_xliff(tmp_path / "article.xlf", units)


@pytest.fixture
def po(tmp_path, units):
    store = pypo.pofile()
    store.settargetlanguage("en")
    for uid, source, target in units:
        unit = store.addsourceunit(source)
        unit.setcontext(uid)
        unit.target = target
    path = tmp_path / "article.po"
    store.savefile(str(path))
    return path


def _assert_changed_flagged_faithful_not(report):
    assert [u.unit.id for u in report.units] == ["faithful", "changed"]
    assert [(s.unit.id, s.reason) for s in report.skipped] == [("later", "untranslated")]
    by_id = {u.unit.id: u for u in report.units}
    assert not [f for f in by_id["faithful"].report.findings if f.severity in SERIOUS]
    serious = [f for f in by_id["changed"].report.findings if f.severity in SERIOUS]
    assert any("ultimatum" in f.rewrite.text for f in serious if f.rewrite)
    for u in report.units:  # one bead per unit: no alignment step; offsets index the unit's own texts
        assert len(u.report.alignment) == 1
        for f in u.report.findings:
            assert f.original is None or u.unit.source[f.original.start:f.original.end] == f.original.text
            assert f.rewrite is None or u.unit.target[f.rewrite.start:f.rewrite.end] == f.rewrite.text


@pytest.mark.parametrize("kind", ["xliff", "po"])
def test_each_unit_is_checked_as_a_pair(kind, request):
    report = check_file(request.getfixturevalue(kind))
    assert (report.source_language, report.target_language) == ("en", "en")
    _assert_changed_flagged_faithful_not(report)


def _notes(path) -> dict[str, list[str]]:
    store = factory.getobject(str(path))
    out = {}
    for unit in store.units:
        if unit.isheader():
            continue
        key = unit.getcontext() if path.suffix == ".po" else unit.xmlelement.get("id")
        text = unit.getnotes(origin="fidelity") if path.suffix == ".xlf" else unit.getnotes()
        out[key] = [line for line in text.splitlines() if line.strip()]
    return out


def test_annotated_xliff_reopens_with_the_notes_on_their_units(xliff, tmp_path):
    out = tmp_path / "annotated.xlf"
    result = runner.invoke(app, ["check", str(xliff), "--output", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    findings = {u["id"]: u["report"]["findings"] for u in data["units"]}
    assert data["summary"]["units"] == {"total": 3, "checked": 2, "skipped": 1,
                                        "with_findings": sum(1 for f in findings.values() if f)}
    notes = _notes(out)
    assert {uid: len(n) for uid, n in notes.items()} == {"faithful": len(findings["faithful"]),
                                                         "changed": len(findings["changed"]), "later": 0}
    assert any("ultimatum" in note and ("major" in note or "critical" in note) for note in notes["changed"])
    # Annotating the annotated file again replaces the notes, never repeats them.
    again = tmp_path / "again.xlf"
    assert runner.invoke(app, ["check", str(out), "--output", str(again)]).exit_code == 0
    assert _notes(again) == notes


def test_annotated_po_keeps_the_notes_as_translator_comments(po, tmp_path):
    out = tmp_path / "annotated.po"
    result = runner.invoke(app, ["check", str(po), "--output", str(out), "--min-severity", "major"])
    assert result.exit_code == 0, result.output
    assert "unit changed: changed" in result.stdout and "unit faithful: " in result.stdout
    notes = _notes(out)
    assert notes["changed"] and all(n.startswith("(fidelity) ") for n in notes["changed"])
    assert not notes["faithful"]  # nothing major or worse on the faithful unit


def test_tmx_smoke_languages_from_the_file(tmp_path):
    defnet = read_exact(DEFNET)
    russian = re.search(r"Япония откроет[^\n]*?России", defnet)[0]  # the Russian headline in DEFNET's sources
    english = _line_with(defnet, "Japan to Open the First NATO")
    path = tmp_path / "headline.tmx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="test" '
                    'creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="ru" '
                    'datatype="plaintext"/><body><tu tuid="headline">'
                    f'<tuv xml:lang="ru"><seg>{escape(russian)}</seg></tuv>'
                    f'<tuv xml:lang="en"><seg>{escape(english)}</seg></tuv></tu></body></tmx>\n', encoding="utf-8")
    report = check_file(path)
    assert (report.source_language, report.target_language) == ("ru", "en")
    [unit] = report.units
    assert unit.unit.id == "headline" and unit.report.original.language == "ru"
    assert unit.report.alignment[0].original == (0,) and unit.report.alignment[0].rewrite == (0,)


def test_bilingual_usage_errors_come_before_the_check(xliff, tmp_path):
    for args, message in (([str(CNN)], "give REWRITE"),
                          ([str(xliff), "--output", str(tmp_path / "out.po")], "written in its own format")):
        result = runner.invoke(app, ["check", *args])
        assert result.exit_code == 2 and message in result.output
    broken = tmp_path / "broken.xlf"
    broken.write_text("not xml", encoding="utf-8")
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 2 and "cannot read it as XLIFF" in result.output


def test_baseline_and_exit_codes_work_per_unit(xliff, tmp_path):
    report_json, baseline = tmp_path / "report.json", tmp_path / "baseline.jsonl"
    result = runner.invoke(app, ["check", str(xliff), "--format", "json", "--output", str(report_json),
                                 "--fail-on", "major"])
    assert result.exit_code == 1 and "--fail-on major" in result.output
    changed = next(u for u in json.loads(report_json.read_text(encoding="utf-8"))["units"] if u["id"] == "changed")
    ids = [f"changed:{f['id']}" for f in changed["report"]["findings"]]
    assert runner.invoke(app, ["accept", str(report_json), "--ids", ",".join(ids), "--baseline", str(baseline)]).exit_code == 0
    result = runner.invoke(app, ["check", str(xliff), "--format", "json", "--baseline", str(baseline), "--fail-on", "major"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["summary"]["suppressed"] == {"findings": len(ids)}
    assert next(u for u in data["units"] if u["id"] == "changed")["report"]["findings"] == []


# ----------------------------------------------------------------------------- every pair format, unit by unit

@pytest.fixture(scope="module")
def checked(tmp_path_factory, units):
    """The XLIFF file and its report, checked once for the format tests."""
    path = _write_xliff(tmp_path_factory.mktemp("formats") / "article.xlf", units)
    report = check_file(path)
    assert any(u.report.findings for u in report.units)
    return path, report


def _listed(report):
    return [(u, f) for u in report.units for f in u.report.findings]


def test_brief_is_one_line_per_finding_named_by_file_and_unit(checked):
    path, report = checked
    lines = render(ReportKind.BILINGUAL, "brief", report).splitlines()
    assert len(lines) == len(_listed(report))
    pattern = re.compile(rf"^{re.escape(str(path))}:(faithful|changed): (critical|major|minor) [a-z_]+: \S.*$")
    assert all(pattern.match(line) for line in lines), lines
    assert any(line.startswith(f"{path}:changed: ") and "ultimatum" in line and (": major " in line or ": critical " in line)
               for line in lines)
    serious = render(ReportKind.BILINGUAL, "brief", report, RenderOptions(min_severity=Severity.MAJOR)).splitlines()
    assert len(serious) == sum(1 for _u, f in _listed(report) if f.severity in SERIOUS)


def test_markdown_has_a_section_per_unit_with_findings(checked):
    path, report = checked
    md = render(ReportKind.BILINGUAL, "md", report)
    for u in report.units:
        heading = f"### Unit {u.unit.id}: {u.report.alignment[0].verdict.value}"
        assert (heading in md) == bool(u.report.findings), u.unit.id
        for f in u.report.findings:
            assert f"({f.id})" in md
    assert "ultimatum" in md and "Skipped: later (untranslated)." in md
    assert f"fidelity score {report.score:.1f}" in md


def test_sarif_is_one_run_located_in_the_file_by_unit(checked):
    path, report = checked
    data = json.loads(render(ReportKind.BILINGUAL, "sarif", report))
    [run] = data["runs"]
    results = run["results"]
    assert len(results) == len(_listed(report))
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    lines = path.read_text(encoding="utf-8").splitlines()
    for result, (u, f) in zip(results, _listed(report), strict=True):
        location = result["locations"][0]
        assert location["logicalLocations"] == [{"name": u.unit.id, "kind": "element"}]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == path.as_uri()
        line = location["physicalLocation"]["region"]["startLine"]
        assert f'<trans-unit id="{u.unit.id}">' in lines[line - 1]
        assert rules[result["ruleIndex"]] == result["ruleId"] == f.category.value
        assert result["properties"]["unit"] == u.unit.id and result["properties"]["id"] == f.id
        if f.rewrite is not None:
            assert result["properties"]["snippet"] == u.unit.target[f.rewrite.start:f.rewrite.end]


def test_diff_is_a_word_diff_per_unit_with_findings(checked):
    path, report = checked
    diff = render(ReportKind.BILINGUAL, "diff", report)
    heads = [line for line in diff.splitlines() if line.startswith("@@ ")]
    assert heads == [f"@@ unit {u.unit.id}: {u.report.alignment[0].verdict.value} {u.report.alignment[0].score:.2f} @@"
                     for u in report.units if u.report.findings]
    changed = diff.split("@@ unit changed:")[1]
    assert "{+" in changed and "ultimatum" in changed and "[-" in changed
    assert sum(1 for line in diff.splitlines() if re.match(r"# F\d+ ", line)) == len(_listed(report))
    every = render(ReportKind.BILINGUAL, "diff", report, RenderOptions(show_all=True))
    assert every.count("\n@@ unit ") == len(report.units)


def test_html_is_one_page_with_a_section_per_unit(checked):
    import lxml.html

    path, report = checked
    tree = lxml.html.fromstring(render(ReportKind.BILINGUAL, "html", report))
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))  # the units' findings share ids (F001...): the page keeps them apart
    sections = tree.xpath("//section[contains(@class, 'unit')]")
    assert [s.get("id") for s in sections] == [f"unit-{u.unit.index}" for u in report.units if u.report.findings]
    for u in report.units:
        if not u.report.findings:
            continue
        section = tree.get_element_by_id(f"unit-{u.unit.index}")
        assert u.unit.id in section.xpath("h2")[0].text_content()
        assert sorted(li.get("data-finding") for li in section.xpath(".//li[@data-finding]")) == sorted(
            f"u{u.unit.index}-{f.id}" for f in u.report.findings)
        for f in u.report.findings:  # each span highlighted with exactly its text in the unit's source or target
            for side, text, span in (("original", u.unit.source, f.original), ("rewrite", u.unit.target, f.rewrite)):
                if span is None or span.start == span.end:
                    continue
                marks = section.xpath(f".//mark[@data-finding='u{u.unit.index}-{f.id}'][@data-side='{side}']")
                assert "".join(m.text_content() for m in marks) == text[span.start:span.end]
    header = tree.xpath("//header")[0].text_content()
    assert f"{report.score:.1f}" in header and "3 in all: 2 checked, 1 skipped" in header
    shown = tree.xpath("//form[@id='filters']//*[@data-count='shown']")[0]
    assert shown.text_content() == str(len(_listed(report)))


def test_output_suffix_chooses_the_format_and_brief_works(xliff, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["check", str(xliff), "--output", str(out), "--fail-on", "critical"])
    assert result.exit_code in (0, 1), result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'id="unit-2"' in html and "ultimatum" in html
    result = runner.invoke(app, ["check", str(xliff), "--brief", "--min-severity", "major"])
    assert result.exit_code == 0, result.output
    assert result.stdout and all(line.startswith(f"{xliff}:changed: ") for line in result.stdout.splitlines())


# ----------------------------------------------------------------------------- a glossary, unit by unit and file-wide

def _sentence_with(text: str, words: str) -> str:
    return next(s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if words in s)


def test_glossary_findings_are_notes_on_their_units(tmp_path):
    """DEFNET's "the DPRK" and "Peking" against CNN's sentences, with the house style: each unit gets its own
    term_forbidden note at the word's offsets in its target; CNN's own sentence as the target gets none."""
    cnn, defnet = read_exact(CNN), read_exact(DEFNET)
    threats = _line_with(cnn, "such as North Korea and China")
    dprk = _sentence_with(defnet, "the DPRK that is building up")
    peking = _sentence_with(defnet, "Peking has accused the US")
    path = _write_xliff(tmp_path / "defnet.xlf", [("dprk", threats, dprk),
                                                  ("peking", _line_with(cnn, "China, which has previously warned"), peking),
                                                  ("kept", threats, threats)])
    out = tmp_path / "annotated.xlf"
    result = runner.invoke(app, ["check", str(path), "--glossary", str(ROOT / "tests/data/house_style.csv"),
                                 "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    units = {u["id"]: u["report"]["findings"] for u in json.loads(result.stdout)["units"]}
    terms = {uid: [(f["category"], f["rewrite"]["start"], f["rewrite"]["text"]) for f in found
                   if f["detector"] == "terminology"] for uid, found in units.items()}
    assert terms == {"dprk": [("term_forbidden", dprk.index("DPRK"), "DPRK")],
                     "peking": [("term_forbidden", peking.index("Peking"), "Peking")], "kept": []}
    notes = {uid: [n for n in found if "term_" in n] for uid, found in _notes(out).items()}
    assert [n.split(" ", 1)[1] for n in notes["dprk"]] == [
        "major term_forbidden: forbidden term 'DPRK' (glossary: use 'North Korea' (never 'DPRK'))"]
    assert len(notes["peking"]) == 1 and "forbidden term 'Peking'" in notes["peking"][0] and not notes["kept"]


def test_a_term_rendered_two_ways_in_two_units_is_inconsistent(tmp_path):
    """A file is one translation: 'Tokyo' is 'Tokio' in two units and 'Tokyo' in a third (each unit alone is
    consistent); the third unit gets the term_inconsistent note."""
    cnn = read_exact(CNN)
    nikkei = _sentence_with(read_exact(FIRSTPOST), "The Nikkei Asia report said")
    units = [("headline", cnn.splitlines()[0].strip(),
              "Exklusiv: Japan verhandelt über ein NATO-Büro in Tokio, sagt der Außenminister"),
             ("office", _line_with(cnn, "An office in Tokyo would be"),
              "Ein Büro in Tokio hätte große Folgen, da der Krieg in der Ukraine und die wachsenden Gräben in Asien "
              "Länder wie Japan und Südkorea näher an ihre westlichen Partner gebracht haben – und sie gemeinsam gegen "
              "Bedrohungen nahe der Heimat wie Nordkorea und China auftreten lassen."),
             ("nikkei", nikkei, "Laut Nikkei Asia soll das geplante Büro nächstes Jahr in Tokyo eröffnen, doch "
                                "Einzelheiten, etwa ob Japan die Räume stellt oder die NATO es finanziert, wurden noch "
                                "verhandelt.")]
    path = _write_xliff(tmp_path / "de.xlf", units, target_language="de")
    glossary = tmp_path / "tokio.csv"
    glossary.write_text("source,target,allowed,source_lang,target_lang\nTokyo,Tokio,Tokyo,en,de\n", encoding="utf-8")
    out = tmp_path / "annotated.xlf"
    result = runner.invoke(app, ["check", str(path), "--glossary", str(glossary), "--output", str(out)])
    assert result.exit_code == 0, result.output
    notes = {uid: [n for n in found if "term_" in n] for uid, found in _notes(out).items()}
    assert notes["headline"] == notes["office"] == []
    [note] = notes["nikkei"]
    assert "minor term_inconsistent: term rendered inconsistently: 'Tokyo' is 'Tokio' in unit headline" in note
    report = check_file(path)  # without a glossary: no terminology finding anywhere
    assert not [f for u in report.units for f in u.report.findings if f.category.value.startswith("term_")]
