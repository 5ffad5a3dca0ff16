"""The MQM item builder of scripts/eval_mqm.py on the shared en-de dev file: one item per system and
segment, the raters' <v>…</v> markers removed, every span pointing at the text that was marked."""

from __future__ import annotations

import pytest

from .conftest import ROOT, load_script

DATA = (ROOT / ".." / "shared" / "eval" / "mqm-ted" / "mqm_ted_ende.dev.tsv").resolve()


def _script():
    return load_script("eval_mqm")


def _rows() -> list[list[str]]:
    lines = DATA.read_text(encoding="utf-8").split("\n")
    return [line.split("\t") for line in lines[1:] if line.strip()]


@pytest.fixture(scope="module")
def mqm():
    if not DATA.is_file():
        pytest.skip(f"MQM TED data not found at {DATA} (the shared eval folder is absent)")
    module = _script()
    return module, module.read_items(DATA)


def test_one_item_per_segment_with_every_row(mqm):
    _, items = mqm
    rows = _rows()
    assert len(items) == len({(r[0], r[2], r[3]) for r in rows})
    assert sum(len(i.errors) for i in items) == len(rows)
    for item in items:
        assert "<v>" not in item.source + item.target and "</v>" not in item.source + item.target


def test_spans_point_at_the_marked_text(mqm):
    _, items = mqm
    by_id = {i.id: i for i in items}
    seen: dict[str, int] = {}  # an item's errors are its rows in file order
    marked = 0
    for system, _doc, doc_id, seg_id, rater, source, target, category, _sev, _comment in _rows():
        item = by_id[f"{system}/{doc_id}/{seg_id}"]
        error = item.errors[seen.get(item.id, 0)]
        seen[item.id] = seen.get(item.id, 0) + 1
        assert (error.rater, error.category) == (rater, category)
        for raw, clean, spans in ((source, item.source, error.source_spans), (target, item.target, error.target_spans)):
            inner = [part.split("</v>")[0] for part in raw.split("<v>")[1:]]
            assert [clean[start:end] for start, end in spans] == inner
            marked += len(inner)
    assert marked > 1000  # the file marks a span on nearly every error row


def test_gold_follows_the_rows(mqm):
    _, items = mqm
    for item in items:
        categories = {(e.category, e.severity) for e in item.errors}
        major_accuracy = any(c.startswith("Accuracy/") and s == "Major" for c, s in categories)
        only_no_error = {c for c, _ in categories} == {"No-error"}
        assert item.gold is (True if major_accuracy else False if only_no_error else None)
    # an omission is marked in the source: its span is there, the target has none
    omissions = [e for i in items for e in i.errors if e.category == "Accuracy/Omission"]
    assert omissions and all(e.source_spans and not e.target_spans for e in omissions)


def test_unbalanced_markers_are_refused():
    mqm = _script()
    assert mqm.strip_marks("ein <v>roter</v> Hund <v>bellt</v>.") == ("ein roter Hund bellt.", [(4, 9), (15, 20)])
    for broken in ("ein <v>roter Hund", "ein roter</v> Hund", "<v>ein <v>roter</v></v>"):
        with pytest.raises(ValueError):
            mqm.strip_marks(broken)
