"""The judge's training and dev data (scripts/train_judge.py), from ``../shared/eval`` alone.

* WMT21 critical-error data (``wmt21-ced/en-XX.{train,dev}.tsv``, CC0): English → de/ja/zh/cs MT,
  ``ERR`` (critical error) or ``NOT``. Its ``mt`` is tokenised; it is detokenised as
  ``scripts/eval_ced.py`` does, since the judge sees natural text in a check.
* Faithful translations (``wmt21-multiref/``, ``wmt21-ruen/``): same-language pairs (two
  translators, A/B) and cross-lingual pairs (original / a translation) are faithful negatives;
  each is also perturbed on one side (the other kept) into a synthetic deviation of a known kind.

Everything is split by document (ru-en) or by blocks of 50 segments (multiref, which has no
document ids): a block or document is in dev when its index is 0 mod 5. The dev split of the
synthetic data is the split the training never saw.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

from eval_ced import detokenise, read_items

CED_PAIRS = ("de", "ja", "zh", "cs")
BLOCK = 50  # multiref segments per split block
DEV_EVERY = 5  # every 5th block / document is dev


@dataclass(frozen=True)
class Pair:
    src: str
    tgt: str
    src_lang: str
    tgt_lang: str
    deviation: int  # 1: the meaning changed
    critical: int  # 1: a critical change
    source: str  # ced | faithful | synthetic
    kind: str  # ced: en-XX; faithful: the set (e.g. "de-en A/B"); synthetic: the perturbation kind
    split: str  # train | dev
    group: str  # the faithful set a pair was made from ("de-en A/B", "en-zh src/A", ...)


# -- WMT21 critical errors ------------------------------------------------------------------------

def ced_pairs(data: Path, split: str) -> list[Pair]:
    out = []
    for lang in CED_PAIRS:
        for item in read_items(data / "wmt21-ced" / f"en-{lang}.{split}.tsv", lang):
            err = int(item.err)
            out.append(Pair(item.src, detokenise(item.mt, lang), "en", lang, err, err, "ced", f"en-{lang}",
                            split, f"en-{lang}"))
    return out


# -- faithful translations ------------------------------------------------------------------------

# (file, language of each field): every pair of fields below is a faithful pair
_SETS = {
    "de-en": ("wmt21-multiref/newstest2021-de-en.jsonl", {"ref_a_en": "en", "ref_b_en": "en"}, [("ref_a_en", "ref_b_en", "A/B")]),
    "en-ru": ("wmt21-multiref/newstest2021-en-ru.jsonl", {"src_en": "en", "ref_a_ru": "ru", "ref_b_ru": "ru"},
              [("src_en", "ref_a_ru", "src/A"), ("src_en", "ref_b_ru", "src/B"), ("ref_a_ru", "ref_b_ru", "A/B")]),
    "en-zh": ("wmt21-multiref/newstest2021-en-zh.jsonl", {"src_en": "en", "ref_a_zh": "zh", "ref_b_zh": "zh"},
              [("src_en", "ref_a_zh", "src/A"), ("src_en", "ref_b_zh", "src/B"), ("ref_a_zh", "ref_b_zh", "A/B")]),
    "en-de": ("wmt21-multiref/newstest2021-en-de.jsonl", {"src_en": "en", "ref_a_de": "de", "ref_c_de": "de", "ref_d_de": "de"},
              [("src_en", "ref_a_de", "src/A"), ("src_en", "ref_c_de", "src/C"), ("src_en", "ref_d_de", "src/D"),
               ("ref_a_de", "ref_c_de", "A/C")]),
}
_RU_EN_FIELDS = [("ref_a_en", "ref_b_en", "en", "en", "A/B"), ("src_ru", "ref_a_en", "ru", "en", "src/A"),
                 ("src_ru", "ref_b_en", "ru", "en", "src/B")]


def faithful_pairs(data: Path) -> list[Pair]:
    """Every faithful pair, with its split (by document or block of segments)."""
    out = []
    for name, (file, langs, combos) in _SETS.items():
        for n, line in enumerate((data / file).read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            row = json.loads(line)
            split = "dev" if (n // BLOCK) % DEV_EVERY == 0 else "train"
            for a, b, label in combos:
                if row.get(a) and row.get(b):
                    out.append(Pair(row[a], row[b], langs[a], langs[b], 0, 0, "faithful", f"{name} {label}", split,
                                    f"{name} {label}"))
    lines = (data / "wmt21-ruen/newstest2021-ru-en.jsonl").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(x for x in lines if x.strip()):
        doc = json.loads(line)
        split = "dev" if n % DEV_EVERY == 0 else "train"
        for a, b, la, lb, label in _RU_EN_FIELDS:
            for x, y in zip(doc[a], doc[b]):
                if x and y:
                    out.append(Pair(x, y, la, lb, 0, 0, "faithful", f"ru-en {label}", split, f"ru-en {label}"))
    return out


# -- synthetic deviations -------------------------------------------------------------------------

CRITICAL_KINDS = frozenset({"negation", "number", "name", "antonym"})

_AUX = r"(is|are|was|were|can|will|would|should|could|has|have|had|does|do|did|must|may)"
_EN_NOT = re.compile(rf"\b{_AUX}\b(?! not\b)(?!n't)", re.I)
_EN_NEGATED = re.compile(r"\b(\w+)n't\b|\b(not|never|no longer) ", re.I)
_DE_NICHT = re.compile(r"\b(nicht|kein|keine|keinen|keiner|nie) ", re.I)
_DE_VERB = re.compile(r"\b(ist|sind|war|waren|wird|werden|hat|haben|kann|können|muss|soll|will)\b(?! nicht)")
_RU_NE = re.compile(r"(?<!\w)не (?=\w)", re.I)
_RU_VERB = re.compile(r"(?<!\w)(?!не\b)(\w+(?:ет|ют|ит|ят|ал|ала|ало|али|ил|ила|или|ся))(?!\w)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"(?<=[\w,;:] )([A-ZА-ЯЁ][a-zа-яё]{2,})\b")
_CLAUSE = re.compile(r"(?:, |; |，|；)")
_HEDGES_EN = [("reportedly ", ""), ("possibly ", ""), ("allegedly ", ""), ("probably ", "")]
_HEDGE_WORDS = re.compile(r"\b(may|might|could|reportedly|allegedly|possibly|probably|apparently|perhaps) ", re.I)
_ANTONYMS = [("increase", "decrease"), ("increased", "decreased"), ("rise", "fall"), ("rose", "fell"),
             ("more", "less"), ("higher", "lower"), ("high", "low"), ("large", "small"), ("big", "small"),
             ("win", "lose"), ("won", "lost"), ("good", "bad"), ("best", "worst"), ("before", "after"),
             ("first", "last"), ("open", "closed"), ("allow", "ban"), ("allowed", "banned"), ("accept", "reject"),
             ("accepted", "rejected"), ("support", "oppose"), ("supported", "opposed"), ("strong", "weak"),
             ("early", "late"), ("positive", "negative"), ("majority", "minority"), ("maximum", "minimum"),
             ("agree", "disagree"), ("agreed", "refused"), ("success", "failure"), ("true", "false"),
             ("easy", "difficult"), ("new", "old"), ("young", "old"), ("safe", "dangerous"), ("legal", "illegal"),
             ("up", "down"), ("above", "below"), ("cheap", "expensive"), ("gain", "loss"), ("start", "end"),
             ("started", "ended"), ("increasing", "decreasing"), ("love", "hate"), ("happy", "sad"),
             ("always", "never"), ("everyone", "no one"), ("all", "none of")]
_ANTONYM = {a: b for x, y in _ANTONYMS for a, b in ((x, y), (y, x))}
_ANTONYM_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _ANTONYM), key=len, reverse=True)) + r")\b")


def _negate(text: str, lang: str, rng: random.Random) -> str | None:
    if lang == "en":
        m = _EN_NEGATED.search(text)
        if m:
            if m.group(1):
                return text[:m.start()] + m.group(1) + text[m.end():]
            return text[:m.start()] + text[m.end():]
        m = _EN_NOT.search(text)
        return text[:m.end()] + " not" + text[m.end():] if m else None
    if lang == "de":
        m = _DE_NICHT.search(text)
        if m:
            return text[:m.start()] + text[m.end():]
        m = _DE_VERB.search(text)
        return text[:m.end()] + " nicht" + text[m.end():] if m else None
    if lang == "ru":
        m = _RU_NE.search(text)
        if m:
            return text[:m.start()] + text[m.end():]
        m = _RU_VERB.search(text)
        return text[:m.start()] + "не " + text[m.start():] if m else None
    if lang == "zh":
        for a, b in (("不", ""), ("没有", "有"), ("是", "不是"), ("会", "不会"), ("能", "不能")):
            if a in text:
                return text.replace(a, b, 1)
    return None


def _number(text: str, lang: str, rng: random.Random) -> str | None:
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    digits = m.group()
    value = int(re.sub(r"\D", "", digits) or 0)
    new = str(value + rng.choice([1, 2, 3, 5, 10, 20]) * rng.choice([1, -1] if value > 20 else [1]))
    if "." in digits or "," in digits:
        sep = "." if "." in digits else ","
        whole, frac = digits.split(sep, 1)
        new = f"{whole}{sep}{(int(frac) + rng.randint(1, 8)) % (10 ** len(frac)):0{len(frac)}d}"
    return text[:m.start()] + new + text[m.end():] if new != digits else None


def _name(text: str, lang: str, rng: random.Random, names: list[str]) -> str | None:
    found = [m for m in _NAME.finditer(text)]
    if not found or not names:
        return None
    m = rng.choice(found)
    other = rng.choice(names)
    return text[:m.start()] + other + text[m.end():] if other != m.group() else None


def _antonym(text: str, lang: str, rng: random.Random) -> str | None:
    if lang != "en":
        return None
    found = list(_ANTONYM_RE.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    return text[:m.start()] + _ANTONYM[m.group()] + text[m.end():]


def _drop_clause(text: str, lang: str, rng: random.Random) -> str | None:
    parts = _CLAUSE.split(text)
    if len(parts) < 2:
        return None
    i = rng.randrange(len(parts))
    if len(parts[i]) < 12 or len(parts[i]) > 0.6 * len(text):
        return None
    sep = "，" if lang in ("zh", "ja") else ", "
    kept = sep.join(p for j, p in enumerate(parts) if j != i).strip()
    return kept if kept and kept != text else None


def _add_clause(text: str, lang: str, rng: random.Random, donors: list[str]) -> str | None:
    donor = rng.choice(donors) if donors else ""
    parts = [p for p in _CLAUSE.split(donor) if 12 <= len(p) <= 120]
    if not parts:
        return None
    clause = rng.choice(parts).strip().rstrip(".。!?")
    body = text.rstrip()
    end = body[-1] if body and body[-1] in ".。!?" else ""
    body = body[:-1] if end else body
    joiner = {"en": ", and ", "de": ", und ", "ru": ", и ", "zh": "，", "ja": "、"}.get(lang, ", ")
    if lang in ("en", "de", "ru") and clause:
        clause = clause[0].lower() + clause[1:]
    return f"{body}{joiner}{clause}{end}"


def _hedge(text: str, lang: str, rng: random.Random) -> str | None:
    if lang != "en":
        return None
    m = _HEDGE_WORDS.search(text)
    if m and m.group(1).lower() not in ("may", "might", "could"):
        return text[:m.start()] + text[m.end():]
    if m:  # "may go" -> "will go": a possibility said as a fact
        return text[:m.start()] + "will " + text[m.end():]
    m = _EN_NOT.search(text)
    if m:
        return text[:m.end()] + " " + rng.choice(_HEDGES_EN)[0].strip() + text[m.end():]
    words = text.split(" ")
    if len(words) < 4:
        return None
    return rng.choice(["Reportedly, ", "Possibly, ", "It is claimed that "]) + text[0].lower() + text[1:]


def _replace_phrase(text: str, lang: str, rng: random.Random, donors: list[str]) -> str | None:
    if lang in ("zh", "ja"):
        if len(text) < 12 or not donors:
            return None
        donor = rng.choice(donors)
        n = rng.randint(3, 6)
        i, j = rng.randrange(0, max(1, len(text) - n)), rng.randrange(0, max(1, len(donor) - n))
        return text[:i] + donor[j:j + n] + text[i + n:]
    words, donor = text.split(" "), (rng.choice(donors).split(" ") if donors else [])
    n = rng.randint(2, 4)
    if len(words) < 6 or len(donor) <= n:
        return None
    i, j = rng.randrange(1, len(words) - n), rng.randrange(0, len(donor) - n)
    return " ".join(words[:i] + donor[j:j + n] + words[i + n:])


KINDS = ("negation", "number", "name", "antonym", "clause_dropped", "clause_added", "hedge", "phrase_replaced")


def perturb(text: str, lang: str, kind: str, rng: random.Random, donors: list[str], names: list[str]) -> str | None:
    """``text`` with one change of meaning of ``kind``, or None when the kind does not apply."""
    if kind == "negation":
        return _negate(text, lang, rng)
    if kind == "number":
        return _number(text, lang, rng)
    if kind == "name":
        return _name(text, lang, rng, names) if lang in ("en", "de", "ru") else None
    if kind == "antonym":
        return _antonym(text, lang, rng)
    if kind == "clause_dropped":
        return _drop_clause(text, lang, rng)
    if kind == "clause_added":
        return _add_clause(text, lang, rng, donors)
    if kind == "hedge":
        return _hedge(text, lang, rng)
    if kind == "phrase_replaced":
        return _replace_phrase(text, lang, rng, donors)
    raise ValueError(kind)


def synthetic_pairs(faithful: list[Pair], seed: int, per_pair: int = 1) -> list[Pair]:
    """For each faithful pair, ``per_pair`` deviations: one side perturbed (the target side for a
    same-language pair; either side, at random, across languages), the other kept. Kinds are tried
    in a random order until one applies; the rare kinds (negation, numbers, names, antonyms) first
    half of the time, so that the critical kinds are well represented."""
    rng = random.Random(seed)
    donors: dict[tuple[str, str], list[str]] = {}
    for p in faithful:
        donors.setdefault((p.split, p.src_lang), []).append(p.src)
        donors.setdefault((p.split, p.tgt_lang), []).append(p.tgt)
    names: dict[tuple[str, str], list[str]] = {}
    for (split, lang), texts in donors.items():
        if lang in ("en", "de", "ru"):
            names[(split, lang)] = sorted({m.group(1) for t in texts[:4000] for m in _NAME.finditer(t)})
    out = []
    for p in faithful:
        for _ in range(per_pair):
            side = "tgt" if p.src_lang == p.tgt_lang or rng.random() < 0.5 else "src"
            text, lang = (p.tgt, p.tgt_lang) if side == "tgt" else (p.src, p.src_lang)
            kinds = list(KINDS)
            rng.shuffle(kinds)
            if rng.random() < 0.5:
                kinds.sort(key=lambda k: k not in CRITICAL_KINDS)
            for kind in kinds:
                new = perturb(text, lang, kind, rng, donors[(p.split, lang)], names.get((p.split, lang), []))
                if new and new.strip() != text.strip():
                    changed = replace(p, tgt=new) if side == "tgt" else replace(p, src=new)
                    out.append(replace(changed, deviation=1, critical=int(kind in CRITICAL_KINDS),
                                       source="synthetic", kind=kind))
                    break
    return out
