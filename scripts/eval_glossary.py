"""Glossary checks on faithful translations (issue 20): a glossary extracted from one reference's
aligned names, applied to two other references of the same English news.

    python scripts/eval_glossary.py [--data FILE] [--limit N] [--min-count 2] [--min-followed 0.8] [--show 30]

Data: ``../shared/eval/wmt21-multiref/newstest2021-en-de.jsonl`` (1,002 segments, English source
and three professional German translations A, C and D). The glossary is what ``fidelity glossary
extract`` proposes for every (source, reference A) segment, keeping the names aligned at least
``--min-count`` times whose source term's segments in A follow the entry at least
``--min-followed`` of the time (a glossary A keeps); each segment of C and D (and A itself, as a
check) is then one aligned pair for the terminology detector alone. Prints the share of segments
flagged per reference and ``--show`` flagged segments (spread evenly) with their findings, to
read by eye (``--glossary-out FILE`` keeps the glossary as a TSV): a flag should be
a real difference in how a name is rendered, never an inflected form or a partial match.
``--limit N`` takes N segments spread evenly (the glossary is then extracted from those alone).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import SHARED_EVAL, shown, spread
from fidelity.checking.detectors.terminology import TerminologyDetector
from fidelity.checking.detectors.testing import sentence_pair
from fidelity.checking.glossary_extract import propose_glossary, to_tsv
from fidelity.text.glossary import Entry, Glossary
from fidelity.types import Verdict

DATA = SHARED_EVAL / "wmt21-multiref" / "newstest2021-en-de.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="N segments, spread evenly")
    parser.add_argument("--min-count", type=int, default=2, help="keep names aligned at least this often in A")
    parser.add_argument("--min-followed", type=float, default=0.8,
                        help="keep names whose sentences in A follow the entry at least this often (0: all)")
    parser.add_argument("--glossary-out", type=Path, default=None, help="write the extracted glossary (TSV) here")
    parser.add_argument("--show", type=int, default=30, help="flagged segments to print")
    parser.add_argument("--show-a", action="store_true", help="also print reference A's own flags")
    parser.add_argument("--encoder", default="use", help="encoder for matching names across languages ('none': spelling)")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"eval_glossary: no data at {shown(args.data)}", file=sys.stderr)
        return 2
    rows = spread([json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()],
                  args.limit)
    encoder = None
    if args.encoder != "none":
        from fidelity.models.encoders import load_encoder

        encoder = load_encoder(args.encoder)
    started = time.perf_counter()

    def pair(row: dict, ref: str, with_encoder: bool = False):
        return sentence_pair(row["src_en"], row[ref], original_language="en", rewrite_language="de",
                             encoder=encoder if with_encoder else None, score=1.0, verdict=Verdict.EQUIVALENT)

    proposed = propose_glossary((pair(r, "ref_a_de", True) for r in rows), args.min_count, args.min_followed)
    glossary = Glossary.of([Entry(p.source, p.target, allowed=p.allowed, source_lang="en", target_lang="de",
                                  case_sensitive=True)
                            for p in proposed], ["reference A"])
    if args.glossary_out is not None:
        args.glossary_out.write_text(to_tsv(proposed), encoding="utf-8")
    print(f"{len(rows)} segments; glossary from reference A: {len(glossary.entries)} names aligned "
          f">= {args.min_count} times, followed in >= {args.min_followed:.0%} of their sentences in A "
          f"({time.perf_counter() - started:.0f} s)")
    detector = TerminologyDetector(glossary=glossary)
    flagged_rows = []
    for ref in ("ref_a_de", "ref_c_de", "ref_d_de"):
        flagged = 0
        findings_total = 0
        for row in rows:
            findings = detector.detect(pair(row, ref))
            if findings:
                flagged += 1
                findings_total += len(findings)
                if ref != "ref_a_de" or args.show_a:
                    flagged_rows.append((ref, row, findings))
        print(f"{ref}: {flagged}/{len(rows)} segments flagged ({flagged / max(1, len(rows)):.1%}), "
              f"{findings_total} findings")
    print()
    for ref, row, findings in spread(flagged_rows, args.show) if args.show > 0 else []:
        print(f"--- seg {row['seg']} {ref}")
        print(f"  en: {row['src_en']}")
        print(f"  de: {row[ref]}")
        for f in findings:
            print(f"  {f.severity.value} {f.category}: {f.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
