"""Loaded language: evaluative words in the rewrite that the original does not use."""

from __future__ import annotations

from dataclasses import dataclass

from fidelity.checking.detectors.base import AlignedPair, inside, sentence_span
from fidelity.checking.detectors.registry import Configured, Traits, register
from fidelity.text.cues import cue_covered, find_cues
from fidelity.text.lang import base_language
from fidelity.text.quote_marks import quoted_regions
from fidelity.text.tokens import stem
from fidelity.types import Category, Finding, Severity, Span


@dataclass(frozen=True)
class LoadedConfig:
    severity: Severity = Severity.MAJOR
    quoted: Severity = Severity.MINOR  # inside a quotation: someone else's word, reported
    confidence: float = 0.6
    stem_chars: int = 6  # two loaded words sharing this long a stem prefix are the same word


@register("loaded_language", config=LoadedConfig, categories=(Category.LOADED_LANGUAGE,),
          traits=Traits(cue=True, cue_table="loaded"))
class LoadedLanguageDetector(Configured):
    """Evaluative words in the rewrite that the original does not use."""

    config: LoadedConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        findings = []
        for view in self.views(pair):
            bead_index, bead = view.index, view.bead
            o_lang, r_lang = view.original.language, view.rewrite.language
            if not cue_covered(self.traits.cue_table, r_lang):
                continue
            original_loaded = {
                stem(m.group(0))[:c.stem_chars]
                for s, e in view.original.ranges
                for m in find_cues("loaded", o_lang, pair.original.text, s, e)
            }
            for start, end in view.rewrite.ranges:
                quotes = quoted_regions(pair.rewrite.text, start, end)
                for match in find_cues("loaded", r_lang, pair.rewrite.text, start, end):
                    if stem(match.group(0))[:c.stem_chars] in original_loaded:
                        continue
                    # Across languages the stems differ: any loaded word in the original counts as a match.
                    if base_language(o_lang) != base_language(r_lang) and original_loaded:
                        continue
                    quoted = inside(match.start(), quotes)
                    findings.append(Finding(
                        category=Category.LOADED_LANGUAGE, severity=c.quoted if quoted else c.severity,
                        confidence=c.confidence, original=sentence_span(pair.original, bead.original),
                        rewrite=Span(match.start(), match.end(), match.group(0)),
                        message=f"loaded word added: '{match.group(0)}' has no counterpart in the original"
                        + (" (inside a quotation)" if quoted else ""), bead=bead_index))
        return findings
