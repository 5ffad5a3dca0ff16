"""Certainty shift: hedging or modality added, removed or changed ("in talks to open" → "to open")."""

from __future__ import annotations

from ..cues import HEDGES, base_language, compile_cues
from ..types import Finding, Severity, Span
from .base import AlignedPair, Cue, cue_changes, side_language


def hedge_cues(language: str):
    """A cue finder for one language: hedges, each labelled with its kind (negotiating, planning...)."""
    lexicon = HEDGES.get(base_language(language), {})

    def find(text: str, start: int, end: int) -> list[Cue]:
        return [Cue(m.start(), m.end(), m.group(0), kind)
                for kind, patterns in lexicon.items()
                for m in compile_cues(tuple(patterns)).finditer(text, start, end)]

    return find


class CertaintyShiftDetector:
    name = "certainty"

    def detect(self, pair: AlignedPair) -> list[Finding]:
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_lang = side_language(pair.original, bead.original)
            r_lang = side_language(pair.rewrite, bead.rewrite)
            if base_language(o_lang) not in HEDGES or base_language(r_lang) not in HEDGES:
                continue
            o_find, r_find = hedge_cues(o_lang), hedge_cues(r_lang)
            reported: set[tuple[int, int]] = set()  # one finding per clause pair
            for change in cue_changes(pair, bead_index, o_find, r_find):
                cue = Span(change.cue.start, change.cue.end, change.cue.text)
                other = change.counterpart
                if (other.start, other.end) in reported or (cue.start, cue.end) in reported:
                    continue
                reported |= {(other.start, other.end), (cue.start, cue.end)}
                # A hedge of another kind on the other side is a change of modality, not certainty.
                other_side = (o_find if change.change == "added" else r_find)(
                    (pair.original if change.change == "added" else pair.rewrite).text, other.start, other.end)
                if other_side:
                    before, after = (other_side[0], change.cue) if change.change == "added" else (change.cue, other_side[0])
                    findings.append(Finding(
                        "", "certainty_shift", Severity.MAJOR, 0.5,
                        Span(before.start, before.end, before.text) if change.change == "dropped" else other,
                        Span(after.start, after.end, after.text) if change.change == "added" else other,
                        f"modality changed: '{before.text}' ({before.kind}) became '{after.text}' ({after.kind})",
                        bead_index))
                elif change.change == "dropped":
                    findings.append(Finding(
                        "", "certainty_shift", Severity.MAJOR, 0.7, cue, other,
                        f"hedge removed: the original says '{cue.text}' ({change.cue.kind}); the rewrite states it "
                        "as certain", bead_index))
                else:
                    findings.append(Finding(
                        "", "certainty_shift", Severity.MAJOR, 0.6, other, cue,
                        f"hedge added: the rewrite says '{cue.text}' ({change.cue.kind}) where the original is "
                        "certain", bead_index))
        return findings
