"""End to end: fidelity.check and the CLI on the seed corpus."""

import json
import subprocess
import sys

import pytest

import fidelity

from .conftest import CNN, DEFNET, INSIDER, read_exact


@pytest.fixture(scope="module")
def defnet_report():
    return fidelity.check(CNN, DEFNET)


@pytest.fixture(scope="module")
def defnet_json(defnet_report):
    return json.loads(defnet_report.to_json())


def _sentence_with(side: dict, needle: str) -> int:
    hits = [s["index"] for s in side["sentences"] if needle in s["text"]]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def _bead_of(data: dict, side: str, index: int) -> dict:
    return next(b for b in data["alignment"] if index in b[side])


def test_every_offset_is_exact(defnet_json):
    texts = {"original": read_exact(CNN), "rewrite": read_exact(DEFNET)}
    for side in ("original", "rewrite"):
        for s in defnet_json[side]["sentences"]:
            assert texts[side][s["start"] : s["end"]] == s["text"]
    for piece in defnet_json["set_aside"]:
        assert texts[piece["side"]][piece["start"] : piece["end"]] == piece["text"]
    for finding in defnet_json["findings"]:
        for side in ("original", "rewrite"):
            span = finding[side]
            if span is not None:
                assert texts[side][span["start"] : span["end"]] == span["text"], finding


def test_contract_shape(defnet_json):
    assert set(defnet_json) == {"original", "rewrite", "alignment", "findings", "set_aside", "summary", "settings"}
    assert defnet_json["original"]["language"] == "en" and defnet_json["rewrite"]["language"] == "en"
    assert defnet_json["original"]["path"].endswith("001_77e8c4707eb41a8b.txt")
    for bead in defnet_json["alignment"]:
        assert set(bead) == {"original", "rewrite", "score", "verdict", "moved"}
    for finding in defnet_json["findings"]:
        assert finding["severity"] in {"critical", "major", "minor"}
        assert 0.0 <= finding["confidence"] <= 1.0
        assert finding["id"].startswith("F")
    assert 0 <= defnet_json["summary"]["score"] <= 100
    assert defnet_json["settings"]["encoder"] == "use-multilingual-v3"
    assert defnet_json["settings"]["version"] == fidelity.__version__
    # Every sentence on each side is in exactly one bead.
    for side in ("original", "rewrite"):
        seen = sorted(i for b in defnet_json["alignment"] for i in b[side])
        assert seen == list(range(len(defnet_json[side]["sentences"])))


def test_findings_carry_a_category_their_detector_declares(defnet_report, defnet_json):
    """Every registered detector declares the categories it emits; each finding on the seed check is one of
    its own detector's, numbered once by the pipeline (F001, F002... in order), and JSON shows the plain value."""
    from fidelity.checking.detectors import REGISTRY
    from fidelity.types import Category

    for name, registration in REGISTRY.items():
        assert registration.categories and all(isinstance(c, Category) for c in registration.categories), name
        assert len(set(registration.categories)) == len(registration.categories), name
    assert defnet_report.findings
    for f in defnet_report.findings:
        assert f.category in REGISTRY[f.detector].categories, (f.detector, f.category)
    assert [f.id for f in defnet_report.findings] == [f"F{n:03d}" for n in range(1, len(defnet_report.findings) + 1)]
    assert [f["category"] for f in defnet_json["findings"]] == [f.category.value for f in defnet_report.findings]
    data = defnet_report.to_dict()  # plain strings, not enum members, for a Python caller too
    assert all(type(f["category"]) is str for f in data["findings"])
    assert all(type(c) is str for c in data["summary"]["counts"]["category"])
    assert all(c.description and c.description.endswith(".") for c in Category)


def test_ultimatum_is_aligned_with_finalized_and_not_equivalent(defnet_json):
    rewrite_index = _sentence_with(defnet_json["rewrite"], "have not yet reached the ultimatum")
    original_index = _sentence_with(defnet_json["original"], "no details (have been) finalized yet")
    bead = _bead_of(defnet_json, "rewrite", rewrite_index)
    assert original_index in bead["original"]
    assert bead["verdict"] != "equivalent"


@pytest.mark.parametrize(
    "needle",
    ["a NATO spokesperson said", "Finland and Sweden", "Mao Ning"],
)
def test_dropped_cnn_paragraphs_are_omissions(defnet_json, needle):
    index = _sentence_with(defnet_json["original"], needle)
    sentence = defnet_json["original"]["sentences"][index]
    omissions = [
        f for f in defnet_json["findings"]
        if f["category"] == "omission" and f["original"]
        and f["original"]["start"] < sentence["end"] and f["original"]["end"] > sentence["start"]
    ]
    assert omissions, needle


@pytest.mark.parametrize("needle", ["Tomahawk", "Kishida"])
def test_added_passages_are_additions(defnet_json, needle):
    index = _sentence_with(defnet_json["rewrite"], needle)
    bead = _bead_of(defnet_json, "rewrite", index)
    assert bead["original"] == [] and bead["verdict"] == "added"
    assert any(f["category"] == "addition" and f["rewrite"] and needle in f["rewrite"]["text"]
               for f in defnet_json["findings"])


def test_moved_paraphrase_is_found_out_of_order(defnet_json):
    # DEFNET paraphrases CNN's "Something happening in East Europe..." quotation nine
    # paragraphs later; the in-order pass had merged it into the Mao Ning bead instead.
    o = _sentence_with(defnet_json["original"], "Something happening in East Europe")
    r = _sentence_with(defnet_json["rewrite"], "What is happening now in Eastern Europe")
    bead = _bead_of(defnet_json, "original", o)
    assert bead["rewrite"] == [r] and bead["moved"] and bead["score"] >= 0.8, bead
    mao = _sentence_with(defnet_json["original"], "Asia is a promising land for cooperation")
    assert _bead_of(defnet_json, "original", mao)["verdict"] == "omitted"


def test_boilerplate_is_set_aside(defnet_json):
    by_side = {(p["side"], p["reason"]): p["text"] for p in defnet_json["set_aside"]}
    assert by_side[("rewrite", "date line")] == "11/05/2023"
    assert by_side[("rewrite", "translator credit")].startswith("Translated and arranged by")
    assert "moscowtimes" in by_side[("rewrite", "source list")]
    assert by_side[("original", "view counter")] == "by -605 Views"
    assert by_side[("original", "source credit")] == "Sumber: www.cnn.com"
    assert "No more pages to load." in by_side[("original", "page furniture")]
    rules = [p for p in defnet_json["set_aside"] if p["reason"] == "rule line"]
    assert len(rules) == 3


def test_identical_texts_have_no_findings():
    report = fidelity.check(INSIDER, INSIDER)
    assert report.findings == []
    assert report.score == 100.0
    assert all(b.verdict.value == "equivalent" and not b.moved for b in report.alignment)


def test_sentence_pair_as_strings():
    report = fidelity.check(
        "Japan is in talks to open a NATO office in Tokyo.",
        "Япония ведёт переговоры об открытии офиса НАТО в Токио.",
    )
    assert report.original.language == "en" and report.rewrite.language == "ru"
    assert len(report.alignment) == 1 and report.alignment[0].verdict.value == "equivalent"
    assert report.original.path is None
    assert "cross-lingual" in report.settings["back_translation"]


def test_reordered_paragraphs_are_marked_moved():
    paragraphs = [p for p in read_exact(INSIDER).split("\n\n") if p.strip()][:8]
    moved = paragraphs[:1] + paragraphs[4:6] + paragraphs[1:4] + paragraphs[6:]
    report = fidelity.check("\n\n".join(paragraphs), "\n\n".join(moved))
    assert any(b.moved for b in report.alignment)
    assert not [f for f in report.findings if f.category in {"omission", "addition"}]


def test_unsupported_language_is_a_clear_error():
    with pytest.raises(fidelity.UnsupportedLanguageError, match="covers"):
        fidelity.check("Japan is in talks to open a NATO office.", "Japan is in talks.", rewrite_lang="xx",
                       original_lang="en")


# ----------------------------------------------------------------------------- CLI


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fidelity.frontends.cli", *args], capture_output=True, input=stdin,
                          timeout=300)


def test_cli_text_report_on_seeds():
    result = _cli("check", str(CNN), str(DEFNET))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "have not yet reached the ultimatum" in out and "finalized yet" in out
    assert "Fidelity score" in out and "Set aside" in out


def test_cli_json_to_file_and_fail_on(tmp_path):
    target = tmp_path / "report.json"
    result = _cli("check", str(CNN), str(DEFNET), "--format", "json", "--output", str(target), "--fail-on", "major")
    assert result.returncode == 1  # the DEFNET rewrite has major findings
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["summary"]["counts"]["severity"]["major"] > 0


def test_cli_stdin(tmp_path):
    result = _cli("check", "-", str(INSIDER), "--format", "json", stdin=INSIDER.read_bytes())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: (p / "empty.txt").write_bytes(b"") and p / "empty.txt" or p / "empty.txt", "is empty"),
        (lambda p: (p / "bin.dat").write_bytes(b"\x00\x01\x02binary") and p / "bin.dat" or p / "bin.dat", "binary"),
        (lambda p: (p / "cp.txt").write_bytes("Привет, мир. Как дела?".encode("cp1251")) and p / "cp.txt"
         or p / "cp.txt", "not valid UTF-8"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, make, message):
    bad = make(tmp_path)
    result = _cli("check", str(CNN), str(bad))
    err = result.stderr.decode()
    assert result.returncode == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_unsupported_language_names_covered_languages():
    result = _cli("check", str(CNN), str(DEFNET), "--rewrite-lang", "xx")
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err and "en" in err


def test_cli_article_date_reads_relative_times(tmp_path):
    # CNN was published on Wednesday 10 May 2023: its "last Wednesday" is The Insider's "May 3".
    result = _cli("check", str(CNN), str(INSIDER), "--format", "json", "--original-date", "2023-05-10")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["original"]["date"] == {"day": "2023-05-10", "source": "given"}
    messages = [f["message"] for f in data["findings"] if f["category"] == "number_changed"]
    assert not [m for m in messages if "last Wednesday" in m], messages
    bad = _cli("check", str(CNN), str(INSIDER), "--original-date", "10/05/2023")
    err = bad.stderr.decode()
    assert bad.returncode == 2 and "YYYY-MM-DD" in err and "Traceback" not in err
