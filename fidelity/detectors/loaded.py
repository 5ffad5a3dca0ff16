"""Loaded language: evaluative words in the rewrite that the original does not use."""

from __future__ import annotations

from dataclasses import dataclass

from ..cues import LOADED, find_cues
from ..lang import base_language
from ..tokens import stem
from ..types import Finding, Severity, Span
from ..quotations.marks import quoted_regions
from .base import AlignedPair, inside, sentence_span, side_language, side_ranges
from .registry import Configured, Traits, register


@dataclass(frozen=True)
class LoadedConfig:
    severity: Severity = Severity.MAJOR
    quoted: Severity = Severity.MINOR  # inside a quotation: someone else's word, reported
    confidence: float = 0.6
    stem_chars: int = 6  # two loaded words sharing this long a stem prefix are the same word


@register("loaded_language", config=LoadedConfig, traits=Traits(cue=True))
class LoadedLanguageDetector(Configured):
    """Evaluative words in the rewrite that the original does not use."""

    config: LoadedConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        findings = []
        for bead_index, bead in pair.matched_beads():
            r_lang = side_language(pair.rewrite, bead.rewrite)
            o_lang = side_language(pair.original, bead.original)
            if base_language(r_lang) not in LOADED:
                continue
            original_loaded = {
                stem(m.group(0))[:c.stem_chars]
                for s, e in side_ranges(pair.original, bead.original)
                for m in find_cues(LOADED, o_lang, pair.original.text, s, e)
            }
            for start, end in side_ranges(pair.rewrite, bead.rewrite):
                quotes = quoted_regions(pair.rewrite.text, start, end)
                for match in find_cues(LOADED, r_lang, pair.rewrite.text, start, end):
                    if stem(match.group(0))[:c.stem_chars] in original_loaded:
                        continue
                    # Across languages the stems differ: any loaded word in the original counts as a match.
                    if base_language(o_lang) != base_language(r_lang) and original_loaded:
                        continue
                    quoted = inside(match.start(), quotes)
                    findings.append(Finding(
                        "", "loaded_language", c.quoted if quoted else c.severity, c.confidence,
                        sentence_span(pair.original, bead.original),
                        Span(match.start(), match.end(), match.group(0)),
                        f"loaded word added: '{match.group(0)}' has no counterpart in the original"
                        + (" (inside a quotation)" if quoted else ""), bead_index))
        return findings
