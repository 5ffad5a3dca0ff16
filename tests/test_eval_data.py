"""Sanity checks on the minimal-pair evaluation set, fidelity/data/perturbations.tsv."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "fidelity" / "data" / "perturbations.tsv"
COLUMNS = ["id", "lang", "kind", "is_control", "original", "rewrite"]
KINDS = [
    "negation", "antonym", "number", "date", "entity", "drop_phrase", "add_phrase",
    "hedge_removed", "hedge_added", "quote_words", "attribution_dropped", "loaded_word",
]
RUSSIAN_MINIMUM = {"negation": 5, "number": 5, "entity": 5, "drop_phrase": 5, "hedge_removed": 5}
# Double quotation marks only (’ is also the apostrophe in the seed texts).
QUOTE_RE = re.compile(r"“([^”]*)”|\"([^\"]*)\"|«([^»]*)»")


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        assert header == COLUMNS
        rows = []
        for n, fields in enumerate(reader, 2):
            assert len(fields) == len(COLUMNS), f"line {n}: {len(fields)} fields"
            rows.append(dict(zip(COLUMNS, fields)))
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _rows()


@pytest.fixture(scope="module")
def pairs(rows) -> list[tuple[dict[str, str], dict[str, str]]]:
    """(perturbed, control) for every perturbed row."""
    by_id = {r["id"]: r for r in rows}
    return [(r, by_id.get(r["id"] + "-c")) for r in rows if r["is_control"] == "0"]


def _quotes(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in QUOTE_RE.finditer(text)]


def test_fields_are_valid(rows):
    assert rows
    for r in rows:
        assert r["lang"] in {"en", "ru"}, r["id"]
        assert r["kind"] in KINDS, r["id"]
        assert r["is_control"] in {"0", "1"}, r["id"]
        assert r["original"].strip() and r["rewrite"].strip(), r["id"]
        assert r["original"] == r["original"].strip() and r["rewrite"] == r["rewrite"].strip(), r["id"]


def test_ids_unique(rows):
    counts = Counter(r["id"] for r in rows)
    assert not [i for i, c in counts.items() if c > 1]


def test_every_perturbed_pair_has_a_control_and_vice_versa(rows, pairs):
    for pert, ctrl in pairs:
        assert ctrl is not None, f"{pert['id']} has no control {pert['id']}-c"
        assert ctrl["is_control"] == "1"
        assert (ctrl["lang"], ctrl["kind"], ctrl["original"]) == (pert["lang"], pert["kind"], pert["original"])
    perturbed_ids = {p["id"] for p, _ in pairs}
    for r in rows:
        if r["is_control"] == "1":
            assert r["id"].endswith("-c") and r["id"][:-2] in perturbed_ids, r["id"]


def test_perturbations_change_the_text_and_differ_from_controls(pairs):
    for pert, ctrl in pairs:
        assert pert["rewrite"] != pert["original"], pert["id"]
        assert ctrl["rewrite"] != pert["rewrite"], pert["id"]


@pytest.mark.parametrize("kind", KINDS)
def test_at_least_20_english_pairs_per_kind(pairs, kind):
    n = sum(1 for p, c in pairs if p["lang"] == "en" and p["kind"] == kind and c is not None)
    assert n >= 20, f"{kind}: {n} English pairs with a control"


def test_russian_minimum_per_kind(pairs):
    counts = Counter(p["kind"] for p, c in pairs if p["lang"] == "ru" and c is not None)
    for kind, minimum in RUSSIAN_MINIMUM.items():
        assert counts[kind] >= minimum, f"ru {kind}: {counts[kind]}"


def test_at_least_half_of_controls_are_paraphrases(pairs):
    controls = [c for p, c in pairs if p["lang"] == "en"]
    paraphrases = sum(1 for c in controls if c["rewrite"] != c["original"])
    assert paraphrases * 2 >= len(controls), f"{paraphrases} paraphrases of {len(controls)} controls"


def test_quote_words_rows_have_quotation_marks(rows):
    quote_rows = [r for r in rows if r["kind"] == "quote_words"]
    assert quote_rows
    for r in quote_rows:
        assert _quotes(r["original"]), f"{r['id']}: no quotation in the original"
        assert _quotes(r["rewrite"]), f"{r['id']}: no quotation in the rewrite"


def test_quote_words_perturbations_alter_the_quoted_words(pairs):
    for pert, _ in pairs:
        if pert["kind"] == "quote_words":
            assert _quotes(pert["original"]) != _quotes(pert["rewrite"]), pert["id"]


def test_controls_keep_quotations_verbatim(pairs):
    """A control may move or re-punctuate a quotation but never change its words."""
    for _, ctrl in pairs:
        for quoted in _quotes(ctrl["original"]):
            words = quoted.strip().rstrip(",.;:").strip()
            assert words in ctrl["rewrite"], f"{ctrl['id']}: quotation “{words}” not kept verbatim"


def test_every_russian_original_has_its_english(rows):
    english = ROOT / "scripts" / "data" / "ru_originals_en.tsv"
    with english.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert next(reader) == ["ru", "en"]
        pairs = dict(reader)
    russian = {r["original"] for r in rows if r["lang"] == "ru"}
    assert russian == set(pairs)
    assert all(re.search(r"[A-Za-z]", en) and not re.search(r"[А-Яа-я]", en) for en in pairs.values())
