"""Span-level meaning changes inside aligned sentences, found by aligning clauses.

Each side of a bead is cut into clauses; every rewrite clause is matched to its most similar
original clause. A rewrite clause with no close counterpart is a mistranslation when the
original clause it best matches is itself left without a close counterpart (the two say
different things in the same place), otherwise an addition; an original clause that nothing
in the rewrite covers is an omission. The DiffDel idea (how much the bead similarity rises
when the span is removed) grades how much the span matters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fidelity.checking.detectors.base import AlignedPair
from fidelity.checking.detectors.registry import Configured, register
from fidelity.text.clauses import Clause
from fidelity.text.cues import find_cues
from fidelity.text.tokens import short
from fidelity.types import Category, Finding, Severity, Span


@dataclass(frozen=True)
class ClauseConfig:
    # How much the bead's similarity must rise when a span is deleted for the span to be major,
    # as a share of the encoder's related→equivalent width (0.04 on USE's 0.45..0.80).
    diffdel_major: float = 0.04 / (0.80 - 0.45)
    # A clause this long (in words) with no counterpart is a passage of its own, major whatever
    # DiffDel says.
    long_clause: int = 10
    # A clause of at most this many words holding a reporting verb only says who said something.
    frame_words: int = 8


def _without(text: str, ranges: list[tuple[int, int]], clause: Clause) -> str:
    joined = " ".join(text[s:e] for s, e in ranges)
    return " ".join(joined.replace(clause.text, " ").split())


def _is_frame(text: str, clause: Clause, language: str, frame_words: int) -> bool:
    """A short clause that only says who said something."""
    return clause.words <= frame_words and bool(find_cues("attribution", language, text, clause.start, clause.end))


@register("clauses", config=ClauseConfig,
          categories=(Category.MISTRANSLATION, Category.ADDITION, Category.OMISSION))
class ClauseDetector(Configured):
    """Clauses changed, added or dropped inside aligned sentences (clause alignment + DiffDel)."""

    config: ClauseConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        encoder = pair.require_encoder()
        related, equivalent = encoder.thresholds.related, encoder.thresholds.equivalent
        diffdel_major = c.diffdel_major * (equivalent - related)

        def similarity(a: str, b: str) -> float:
            va, vb = encoder.encode([a, b])
            return float(va @ vb)

        findings: list[Finding] = []
        floor = encoder.thresholds.faithful_floor()
        for view in self.views(pair):
            bead_index, bead = view.index, view.bead
            if bead.score >= equivalent:
                continue  # equivalent sentences: clause noise would only add false alarms
            faithful_band = bead.score >= floor
            o_ranges, r_ranges = view.original.ranges, view.rewrite.ranges
            o_lang, r_lang = view.original.language, view.rewrite.language
            clauses = view.clauses
            o_clauses, r_clauses, sims = clauses.original, clauses.rewrite, clauses.sims
            if len(o_clauses) < 2 and len(r_clauses) < 2:
                continue  # a single clause each: the sentence-level verdict already says it all
            o_text = " ".join(pair.original.text[s:e] for s, e in o_ranges)
            r_text = " ".join(pair.rewrite.text[s:e] for s, e in r_ranges)
            base: list[float] = []

            def gains(original_text: str, rewrite_text: str, base: list[float] = base,
                      o_text: str = o_text, r_text: str = r_text) -> bool:
                """DiffDel: does deleting the span raise the bead's similarity enough to matter?
                (The bead's own texts are bound as defaults: the function is made anew per bead.)"""
                if not base:
                    base.append(similarity(o_text, r_text))
                return similarity(original_text, rewrite_text) - base[0] >= diffdel_major

            best_o = sims.argmax(axis=1)
            o_cover = sims.max(axis=0)
            used_o: set[int] = set()
            for ri, r in enumerate(r_clauses):
                oi = int(best_o[ri])
                s = float(sims[ri, oi])
                if s >= related:
                    continue
                o = o_clauses[oi]
                mutual = int(np.argmax(sims[:, oi])) == ri and o_cover[oi] < related
                if mutual:
                    used_o.add(oi)
                    # Two clauses in the same place that say different things: a changed meaning,
                    # unless one is only a reporting frame ("Hayashi told CNN"), which is nuance.
                    frames = (_is_frame(pair.original.text, o, o_lang, c.frame_words)
                              or _is_frame(pair.rewrite.text, r, r_lang, c.frame_words))
                    # In a sentence that scores where faithful rewordings do (the sentence detector's
                    # 'may have changed'), two clauses worded apart are rewording too: minor.
                    # (DiffDel does not tell them apart: on WMT21 A/B the rewordings it keeps are as
                    # many as without it.)
                    severity = Severity.MINOR if frames or faithful_band else Severity.MAJOR
                    findings.append(Finding(
                        category=Category.MISTRANSLATION, severity=severity,
                        confidence=min(0.95, 0.5 + (related - s)), original=Span.of(o), rewrite=Span.of(r),
                        message=f"meaning changed: '{short(o.text, 60)}' became '{short(r.text, 60)}' "
                        f"(similarity {s:.2f})",
                        bead=bead_index))
                else:
                    major = r.words >= c.long_clause or gains(o_text, _without(pair.rewrite.text, r_ranges, r))
                    severity = Severity.MAJOR if major else Severity.MINOR
                    findings.append(Finding(
                        category=Category.ADDITION, severity=severity, confidence=min(0.9, 0.4 + (related - s)),
                        original=None, rewrite=Span.of(r),
                        message=f"added inside an aligned sentence: '{short(r.text, 70)}'", bead=bead_index))
            for oi, o in enumerate(o_clauses):
                if oi in used_o or o_cover[oi] >= related:
                    continue
                major = o.words >= c.long_clause or gains(_without(pair.original.text, o_ranges, o), r_text)
                severity = Severity.MAJOR if major else Severity.MINOR
                findings.append(Finding(
                    category=Category.OMISSION, severity=severity,
                    confidence=min(0.9, 0.4 + (related - float(o_cover[oi]))), original=Span.of(o), rewrite=None,
                    message=f"dropped from an aligned sentence: '{short(o.text, 70)}'", bead=bead_index))
        return findings
