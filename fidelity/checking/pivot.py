"""Back-translation pivot: compare a rewrite through its translation into the original's language.

``pivot_document`` builds a same-language stand-in for the rewrite whose sentences are the
back-translations (one pivot sentence per rewrite sentence, same indices, so an alignment of
the original with the pivot is an alignment with the rewrite). The detectors run on
(original, pivot); ``map_finding`` then moves each finding's rewrite span from the pivot text
back onto the rewrite as given: the span becomes the whole rewrite sentence(s) holding it, and
the message quotes the back-translated words. Pure functions, no models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fidelity.text.lang import base_language
from fidelity.types import Document, Finding, Sentence, Span

QUOTE_LIMIT = 80


def needs_translation(sentence: Sentence, target_language: str) -> bool:
    """A sentence is translated unless it is already in the target (original's) language."""
    return base_language(sentence.language) != base_language(target_language)


def _separator(rewrite: Document, i: int) -> str:
    """Between pivot sentences i and i+1: a paragraph break, a line break or a space, as in the rewrite."""
    gap = rewrite.text[rewrite.sentences[i].end:rewrite.sentences[i + 1].start]
    if gap.count("\n") >= 2:
        return "\n\n"
    return "\n" if "\n" in gap else " "


def pivot_document(rewrite: Document, translations: Sequence[str | None], language: str) -> Document:
    """The rewrite as read through its back-translations, in ``language``.

    ``translations[i]`` is the back-translation of rewrite sentence i, or ``None`` for a sentence
    kept as it is (already in ``language``). An empty translation falls back to the sentence
    itself so that no pivot sentence is empty. Offsets point into the pivot's own ``text``.
    """
    if len(translations) != len(rewrite.sentences):
        raise ValueError(f"{len(translations)} translations for {len(rewrite.sentences)} sentences")
    parts: list[str] = []
    sentences: list[Sentence] = []
    position = 0
    for i, (sentence, translated) in enumerate(zip(rewrite.sentences, translations)):
        if i:
            separator = _separator(rewrite, i - 1)
            parts.append(separator)
            position += len(separator)
        text = " ".join(translated.split()) if translated and translated.strip() else sentence.text
        kept = translated is None or not translated.strip()
        parts.append(text)
        sentences.append(Sentence(
            index=i, start=position, end=position + len(text), text=text,
            language=sentence.language if kept else language,
        ))
        position += len(text)
    return Document(text="".join(parts), path=rewrite.path, language=language, sentences=sentences, set_aside=[],
                    date=rewrite.date)


def with_back_translations(rewrite: Document, translations: Sequence[str | None]) -> Document:
    """The rewrite with each translated sentence's ``back_translation`` filled in."""
    sentences = [s if t is None else replace(s, back_translation=" ".join(t.split()))
                 for s, t in zip(rewrite.sentences, translations)]
    return replace(rewrite, sentences=sentences)


def pivot_sentences(span: Span, pivot: Document) -> list[int]:
    """Indices of the pivot sentences a span touches (the nearest one for a span between them)."""
    touched = [s.index for s in pivot.sentences
               if s.start < span.end and span.start < s.end or (span.start == span.end and s.start <= span.start <= s.end)]
    if touched or not pivot.sentences:
        return touched
    nearest = min(pivot.sentences, key=lambda s: min(abs(s.start - span.start), abs(s.end - span.end)))
    return [nearest.index]


def map_span(span: Span, pivot: Document, rewrite: Document) -> Span:
    """A pivot span as a rewrite span: the whole rewrite sentence(s) holding it, exact offsets."""
    indices = pivot_sentences(span, pivot)
    start = rewrite.sentences[min(indices)].start
    end = rewrite.sentences[max(indices)].end
    return Span(start, end, rewrite.text[start:end])


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 1].rstrip() + "…"


def map_finding(finding: Finding, pivot: Document, rewrite: Document) -> Finding:
    """A finding on (original, pivot) as a finding on (original, rewrite) (the rewrite with its
    ``back_translation``s, see ``with_back_translations``).

    Only the rewrite span changes (the original is compared as given); the message gains the
    back-translated words the detector saw, e.g. ``… (in the back-translation: 'X')``.
    """
    if finding.rewrite is None:
        return finding
    mapped = map_span(finding.rewrite, pivot, rewrite)
    translated = [i for i in pivot_sentences(finding.rewrite, pivot) if rewrite.sentences[i].back_translation]
    message = finding.message
    words = _quote(finding.rewrite.text)
    if translated and words:
        if words[:40] in " ".join(message.split()):  # the detector already quoted the words
            message = f"{message} (quoted from the back-translation)"
        else:
            message = f"{message} (in the back-translation: '{words}')"
    return replace(finding, rewrite=mapped, message=message)
