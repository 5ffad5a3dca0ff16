"""Japanese."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="ja",
    name="Japanese",
    unspaced=True,
    unspaced_letters="\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff",  # kana and kanji
    profanity_list="japanese",
    # Universal Dependencies (UD Japanese: AUX Polarity=Neg ない/ぬ/ん and their forms なかっ(た),
    # ません, ず; spaCy's ja_core_news models, trained on UD_Japanese-GSD, tag them AUX|Polarity=Neg).
    negation=(r"(?<![少危])ない", r"なかっ", r"ません", r"ずに", r"ず[、。]", r"なし", r"無し"),
    # 申し訳ありません / すみません "I'm sorry", かもしれません "may": set phrases in the polite
    # negative form that deny nothing.
    negation_exceptions=(r"申し訳(?:ありません|ない|ございません)", r"すみません", r"かもしれません", r"かもしれない"),
)
