"""The stages of a check, as functions a ``Checker`` (``checker.py``) runs in order: prepare each
side (load → clean → detect language → segment), back-translate where needed, choose the encoder,
and, after alignment and the detectors, merge, grade and number the findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from functools import cache, partial
from pathlib import Path

from fidelity.checking.detectors import AlignedPair, Detector, Level
from fidelity.checking.detectors.base import side_language
from fidelity.checking.pivot import needs_translation, pivot_document, with_back_translations
from fidelity.errors import UnsupportedLanguageError
from fidelity.models.encoder_types import Encoder
from fidelity.models.encoders import BUILTIN_ENCODERS, encoder_for_languages, load_encoder
from fidelity.models.manifest import cross_lingual_shift
from fidelity.models.translate import Translator
from fidelity.text.clean import clean, content_only
from fidelity.text.cues import cue_covered
from fidelity.text.dates import parse_date_line
from fidelity.text.lang import base_language
from fidelity.text.langid import LanguageGuess, detect_document_language, detect_language, unreadable_script
from fidelity.text.load import load
from fidelity.text.segment import segment
from fidelity.types import SEVERITY_ORDER, ArticleDate, Bead, Category, Document, Finding, Severity, Verdict

Source = str | Path


def prepare(source: Source, side: str, language: str | None = None, *, boilerplate: bool = True) -> Document:
    """Load, clean (unless ``boilerplate`` is False: all of it is content), identify the language of
    and segment one input."""
    loaded = load(source)
    script = unreadable_script(loaded.text) if language is None else None
    if script is not None:
        raise UnsupportedLanguageError(
            f"{loaded.path or 'the ' + side}: written in the {script.title()} script, which no available encoder reads "
            "(give --original-lang/--rewrite-lang if the text is in a language `fidelity models list` covers)")
    cleaned = clean(loaded.text, side) if boilerplate else content_only(loaded.text, side)
    block_texts = [loaded.text[s:e] for s, e in cleaned.blocks]
    # A paragraph of one sentence is identified twice (as a block, then as a sentence): once is enough
    # (the detectors are deterministic, langdetect's seed fixed).
    detect = _Remembered(detect_language)
    doc_language = language or document_language(block_texts, partial(detect_document_language, detect=detect))
    sentences = segment(loaded.text, cleaned.blocks, doc_language)
    if language is None:
        # Per-sentence language: a quoted foreign phrase or a mixed-language page shows up here.
        # Routing keeps only confident answers: detect_language skips a fallback that cannot give one.
        confident = _Remembered(partial(detect_language, needed=SENTENCE_CONFIDENCE), answers=detect)
        sentences = [replace(s, language=_sentence_language(s.text, doc_language, confident)) for s in sentences]
    return Document(
        text=loaded.text,
        path=loaded.path,
        language=doc_language,
        sentences=sentences,
        set_aside=cleaned.set_aside,
    )


class _Remembered:
    """``detect`` with its answers kept, per text, for one document; with ``answers``, another
    one's answers are read first (a sentence that was a whole block is not detected again)."""

    def __init__(self, detect: Callable[[str], LanguageGuess], answers: _Remembered | None = None) -> None:
        self.detect = detect
        self.answers: dict[str, LanguageGuess] = {}
        self.earlier = answers.answers if answers is not None else {}

    def __call__(self, text: str) -> LanguageGuess:
        found = self.earlier.get(text) or self.answers.get(text)
        if found is None:
            found = self.answers[text] = self.detect(text)
        return found


def article_date(doc: Document, given: date | None) -> ArticleDate | None:
    """The day ``doc`` speaks from: as the user gave it, else from its date line (only ``check``
    needs it, so dateparser is not loaded for ``fidelity quotes``)."""
    if given is not None:
        return ArticleDate(given, "given")
    for item in doc.set_aside:
        if item.reason == "date line":
            day = parse_date_line(item.text, doc.language)
            if day is not None:
                return ArticleDate(day, "date line")
    return None


# --- language routing: a guess no encoder could use falls back to one that it can ---

# Below this confidence a sentence's own language guess yields to the document's.
SENTENCE_CONFIDENCE = 0.8


@cache  # asked once per sentence: the built-in encoders' languages are constants
def _covered_languages() -> frozenset[str]:
    """Every language some built-in encoder reads (USE's 16, e5's ~100)."""
    return frozenset(base_language(lang) for factory in set(BUILTIN_ENCODERS.values()) for lang in factory.languages)


def document_language(block_texts: list[str],
                      detect_document: Callable[..., LanguageGuess] = detect_document_language) -> str:
    """The document's language; a guess no encoder covers (informal German read as ``ie`` or
    ``ceb``) gives way to the most likely language one does, when the detector has any."""
    guess = detect_document(block_texts)
    covered = _covered_languages()
    if guess.language == "und" or base_language(guess.language) in covered:
        return guess.language
    retry = detect_document(block_texts, detect=lambda t: detect_language(t, allowed=covered))
    return retry.language if retry.language != "und" else guess.language


def _sentence_language(text: str, document_language: str,
                       detect: Callable[[str], LanguageGuess] = detect_language) -> str:
    guess = detect(text)
    # Short sentences ("Source: CNN") are unreliable: trust the document unless confident, and
    # never route a sentence to a language no encoder covers.
    if (guess.language == "und" or guess.confidence < SENTENCE_CONFIDENCE
            or base_language(guess.language) not in _covered_languages()):
        return document_language
    return guess.language


def choose_encoder(name: str, *docs: Document, device: str = "auto", offline: bool | None = None,
                   threads: int | None = None) -> Encoder:
    """The encoder ``name`` (checked to cover the documents' languages), or for ``auto`` the first
    built-in that covers them all."""
    languages = [d.language for d in docs]
    if name != "auto":
        encoder = load_encoder(name, device=device, offline=offline, threads=threads)
        missing = [lang for lang in languages if lang != "und" and base_language(lang) not in encoder.languages]
        if missing:
            raise UnsupportedLanguageError(
                f"encoder {encoder.name} does not cover {', '.join(sorted(set(missing)))}; "
                f"it covers: {', '.join(sorted(encoder.languages))}"
            )
        return encoder
    found = encoder_for_languages(languages, device=device, threads=threads)
    if found is None:
        covered = sorted({lang for factory in set(BUILTIN_ENCODERS.values()) for lang in factory.languages})
        missing = [lang for lang in languages if lang not in covered]
        raise UnsupportedLanguageError(
            f"no available encoder covers {', '.join(sorted(set(missing)))}; covered languages: {', '.join(covered)}"
        )
    return found


def language_pair_shift(encoder: Encoder, original: Document, compared: Document) -> float:
    """Compared across languages, an encoder scores faithful translations lower than paraphrases
    by an amount that depends on the pair (USE: en-ru 0.13, en-ja 0.29): its thresholds move down
    by the manifest's measured shift, so that 'equivalent' means the same in every pair."""
    a, b = base_language(original.language), base_language(compared.language)
    if a == b or "und" in (a, b):
        return 0.0
    return cross_lingual_shift(encoder.name, a, b)


def cues_as_hints_across_languages(found: list[tuple[Detector, list[Finding]]], pair: AlignedPair
                                   ) -> list[tuple[Detector, list[Finding]]]:
    """Cue lists differ in coverage between languages ("talks" is no hedge, "переговоры" is;
    "sans pépins" negates, "seedless" has no cue), so across languages a cue detector's finding
    on a sentence the encoder calls equivalent is a hint to check, not a finding."""

    def hint(f: Finding) -> Finding:
        if (f.bead is None or f.severity is Severity.MINOR or pair.same_language(f.bead)
                or pair.beads[f.bead].verdict is not Verdict.EQUIVALENT):
            return f
        return replace(f, severity=Severity.MINOR, confidence=round(f.confidence / 2, 2),
                       message=f"{f.message} (check: a cue across languages; the sentences are otherwise equivalent)")

    return [(d, [hint(f) for f in findings] if d.traits.cue and not d.traits.grades_cross_lingual
             else findings) for d, findings in found]


# --- cue coverage: a cue detector speaks only where it has a list for both sides' languages ---

def only_covered(found: list[tuple[Detector, list[Finding]]], pair: AlignedPair
                 ) -> list[tuple[Detector, list[Finding]]]:
    """Drop a cue detector's findings on beads where it has no list for the original's or the
    rewrite's language: an empty list means "unknown", never "no negation" or "no hedge"."""

    def covered(d: Detector, f: Finding) -> bool:
        if f.bead is None:
            return True
        bead = pair.beads[f.bead]
        return all(cue_covered(d.traits.cue_table, side_language(doc, side))
                   for doc, side in ((pair.original, bead.original), (pair.rewrite, bead.rewrite)) if side)

    return [(d, [f for f in findings if covered(d, f)] if d.traits.cue else findings) for d, findings in found]


def cue_coverage(detectors: Sequence[Detector], *docs: Document) -> dict[str, dict[str, bool]]:
    """Which cue detectors have a list for which of the documents' languages (``settings``)."""
    languages = sorted({base_language(d.language) for d in docs})
    return {d.name: {lang: cue_covered(d.traits.cue_table, lang) for lang in languages} for d in detectors if d.traits.cue}


def without_redundant(found: list[tuple[Detector, list[Finding]]], beads: Sequence[Bead]) -> list[Finding]:
    """All detectors' findings (``(detector, findings)``) less repeats, and less a changed bead's
    verdict finding when span-level findings at least as severe say what changed (a whole-sentence
    model judgement, such as NLI's, is no such evidence and is never dropped)."""
    seen: set[tuple[int | None, Category, str]] = set()
    unique: list[tuple[Level, Finding]] = []
    for detector, findings in found:
        for f in findings:  # two detector paths can report the same change in the same words
            key = (f.bead, f.category, f.message)
            if key not in seen:
                seen.add(key)
                unique.append((detector.traits.level, replace(f, detector=detector.name)))
    worst_span: dict[int, int] = {}  # bead -> most severe span-level finding (SEVERITY_ORDER rank)
    for level, f in unique:
        if level is Level.SPAN and f.bead is not None:
            worst_span[f.bead] = min(worst_span.get(f.bead, 99), SEVERITY_ORDER[f.severity])

    def explained(f: Finding) -> bool:
        return (f.bead in worst_span and beads[f.bead].verdict is Verdict.CHANGED
                and worst_span[f.bead] <= SEVERITY_ORDER[f.severity])

    return [f for level, f in unique if not (level is Level.VERDICT and explained(f))]


def number_findings(findings: list[Finding]) -> list[Finding]:
    """Stable order (by position in the original, then rewrite) and ids F001, F002..."""

    def key(f: Finding) -> tuple[int, int, int, Category]:
        anchor = f.original or f.rewrite
        return (
            f.original.start if f.original else (anchor.start if anchor else 0) + 10**9,
            f.rewrite.start if f.rewrite else -1,
            SEVERITY_ORDER[f.severity],
            f.category,
        )

    ordered = sorted(findings, key=key)
    return [replace(f, id=f"F{n:03d}") for n, f in enumerate(ordered, 1)]


def back_translate(original_doc: Document, rewrite_doc: Document, translator: Translator) -> tuple[Document, Document]:
    """The rewrite with its sentences' back-translations, and the pivot document built from them."""
    target = original_doc.language
    wanted = [i for i, s in enumerate(rewrite_doc.sentences) if needs_translation(s, target)]
    translated = translator.translate([rewrite_doc.sentences[i].text for i in wanted], rewrite_doc.language, target)
    if len(translated) != len(wanted):
        raise RuntimeError(f"translator {translator.name} returned {len(translated)} texts for {len(wanted)}")
    translations: list[str | None] = [None] * len(rewrite_doc.sentences)
    for i, text in zip(wanted, translated):
        translations[i] = text
    rewrite_doc = with_back_translations(rewrite_doc, translations)
    return rewrite_doc, pivot_document(rewrite_doc, translations, target)
