"""Chinese."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="zh",
    name="Chinese",
    unspaced=True,
    unspaced_letters="\u3400-\u9fff\uf900-\ufaff",  # Han
    profanity_list="chinese",
    # Universal Dependencies (UD_Chinese-GSD/-GSDSimp: ADV Polarity=Neg 不, 未, 没/沒, 别/別, 无/無;
    # VERB/AUX 没有, 不是, 不能, 未能...: each holds one of the five). Matched inside words.
    negation=(r"不", r"未", r"没", r"沒", r"别", r"別", r"无", r"無"),
    # Words that hold a negation character but negate nothing: future, especially, difference,
    # respectively, others, other, not only (... but), continuously, regardless, almost, quite a
    # few, soon. 对不起 "sorry", 不同 "different", 类别 "category": fixed words that only hold the character.
    negation_exceptions=(r"对不起", r"對不起", r"不同", r"类别", r"類別", r"未来", r"特别", r"区别", r"區別", r"分别", r"分別",
                         r"别人", r"別人", r"别的", r"別的", r"不仅", r"不僅", r"不但", r"不断", r"不斷", r"无论", r"無論",
                         r"不管", r"差不多", r"不少", r"不久"),
    date_line_patterns=(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日",),  # 2023年5月10日 (Japanese too)
)
