#!/usr/bin/env python
"""Measure the language-identification backends on tests/data/langid.tsv.

Prints, for each backend alone and for the pipeline in fidelity.text.langid (gate, script
rules, primary + fallback, both orders): accuracy overall, on short items (<= 40 chars),
on ru/uk items only, and sentences per second; then document-level accuracy; then the
configuration the module uses.

    python scripts/eval_langid.py [--data tests/data/langid.tsv] [--errors] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

from _common import ROOT, SEEDS, EvalParser, shown
from fidelity.text import langid

SHORT = 40


def load_set(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, text = line.split("\t", 1)
        rows.append((lang.strip(), text))
    return rows


def evaluate(name: str, fn, rows, repeats: int = 3) -> dict:
    fn(rows[0][1])  # load models outside the timing
    preds = [fn(text).language for _, text in rows]
    start = time.perf_counter()
    for _ in range(repeats):
        for _, text in rows:
            fn(text)
    per_sec = repeats * len(rows) / (time.perf_counter() - start)

    def acc(select):
        items = [(g, p) for (g, t), p in zip(rows, preds) if select(g, t)]
        return (sum(g == p for g, p in items) / len(items) if items else float("nan")), len(items)

    lingual = lambda g, t: g != langid.UND  # noqa: E731
    out = {
        "name": name,
        "overall": acc(lingual),
        "short": acc(lambda g, t: lingual(g, t) and len(t) <= SHORT),
        "ru_uk": acc(lambda g, t: g in ("ru", "uk")),
        "ru_uk_short": acc(lambda g, t: g in ("ru", "uk") and len(t) <= SHORT),
        "und": acc(lambda g, t: g == langid.UND),
        "per_sec": per_sec,
        "errors": [(g, p, t) for (g, t), p in zip(rows, preds) if g != p],
    }
    return out


def documents_from_set(rows, size: int = 4) -> list[tuple[str, list[str]]]:
    """Per language, consecutive chunks of `size` sentences form one pseudo-document."""
    by_lang = defaultdict(list)
    for lang, text in rows:
        if lang != langid.UND:
            by_lang[lang].append(text)
    docs = []
    for lang in sorted(by_lang):
        items = by_lang[lang]
        for i in range(0, len(items), size):
            docs.append((lang, items[i : i + size]))
    return docs


def short_documents(rows, size: int = 2) -> list[tuple[str, list[str]]]:
    """Harder: pairs of short (<= 40 chars) sentences of one language."""
    return documents_from_set([(g, t) for g, t in rows if len(t) <= SHORT], size)


BOILERPLATE = ["Read more", "Exit mobile version", "Whatsapp Facebook Twitter", "Follow us on Google News"]


def documents_with_boilerplate(rows) -> list[tuple[str, list[str]]]:
    """Non-English 3-sentence documents with one English boilerplate line appended."""
    docs = []
    for i, (lang, texts) in enumerate(documents_from_set(rows, 3)):
        if lang != "en":
            docs.append((lang, texts + [BOILERPLATE[i % len(BOILERPLATE)]]))
    return docs


def seed_documents() -> list[tuple[str, list[str]]]:
    docs = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        docs.append(("en", lines))
    return docs


def fmt(pair) -> str:
    value, n = pair
    return f"{100 * value:5.1f}% (n={n})"


def main(argv=None) -> int:
    ap = EvalParser(__doc__, data=ROOT / "tests" / "data" / "langid.tsv", what="the labelled set",
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", action="store_true", help="list misclassified items")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)

    rows = load_set(args.data)
    counts = defaultdict(int)
    for lang, _ in rows:
        counts[lang] += 1
    print(f"set: {shown(args.data)}: "
          f"{len(rows)} items, " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    print()

    systems = [
        ("fasttext-lite (raw)", partial(langid.raw_guess, backend="fasttext-lite")),
        ("langdetect (raw)", partial(langid.raw_guess, backend="langdetect")),
        ("pipeline: fasttext-lite only", partial(langid.detect_language, primary="fasttext-lite", fallback=None)),
        ("pipeline: langdetect only", partial(langid.detect_language, primary="langdetect", fallback=None)),
        ("pipeline: fasttext-lite > langdetect",
         partial(langid.detect_language, primary="fasttext-lite", fallback="langdetect")),
        ("pipeline: langdetect > fasttext-lite",
         partial(langid.detect_language, primary="langdetect", fallback="fasttext-lite")),
    ]
    results = [evaluate(name, fn, rows) for name, fn in systems]

    header = f"{'system':38s} {'overall':>16s} {'short<=40':>16s} {'ru/uk':>16s} {'ru/uk short':>16s} {'und':>14s} {'sent/s':>9s}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r['name']:38s} {fmt(r['overall']):>16s} {fmt(r['short']):>16s} {fmt(r['ru_uk']):>16s} "
              f"{fmt(r['ru_uk_short']):>16s} {fmt(r['und']):>14s} {r['per_sec']:9.0f}")
    print("(raw = backend alone; 'und' rows are excluded from overall/short and scored in the und column)")

    if args.errors:
        for r in results:
            print(f"\nerrors of {r['name']}:")
            for gold, pred, text in r["errors"]:
                print(f"  gold={gold:3s} pred={pred:3s} {text[:70]}")

    print()
    doc_sets = {
        "pseudo-docs (4 sentences)": documents_from_set(rows),
        "short pairs (2 x <=40 ch)": short_documents(rows),
        "3 sentences + en boilerplate": documents_with_boilerplate(rows),
        "seeds/*.txt (en)": seed_documents(),
    }
    doc_results = {}
    for set_name, docs in doc_sets.items():
        for method in ("vote", "joined"):
            guesses = [langid.detect_document_language(texts, method=method) for _, texts in docs]
            ok = sum(g.language == gold for (gold, _), g in zip(docs, guesses))
            wrong = [(gold, g.language) for (gold, _), g in zip(docs, guesses) if g.language != gold]
            doc_results[f"{set_name} / {method}"] = (ok, len(docs))
            print(f"document {set_name:30s} method={method:6s}: {ok}/{len(docs)} correct"
                  + (f"  wrong: {wrong}" if wrong else ""))

    print()
    print(f"module uses: primary={langid.PRIMARY}, fallback={langid.FALLBACK} "
          f"(fallback consulted below confidence {langid.LOW_CONFIDENCE}, or when the primary raises), "
          f"document method={langid.DOCUMENT_METHOD}")
    print("settings:", json.dumps(langid.DETECTOR_SETTINGS, ensure_ascii=False))

    if args.json:
        payload = {
            "systems": [{k: v for k, v in r.items() if k != "errors"} for r in results],
            "documents": doc_results,
            "settings": langid.DETECTOR_SETTINGS,
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
