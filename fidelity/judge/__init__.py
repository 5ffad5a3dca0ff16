"""The learned judge (issue 18): from a sentence pair, the probability that its meaning deviates
and that the deviation is critical. ``judge_pairs`` is the entry point; the features are in
``features``, the model and its shipped weights in ``model``."""

from fidelity.judge.model import (
    Judgement,
    JudgeModel,
    JudgePair,
    Thresholds,
    evidence_of,
    judge_pairs,
    load_model,
    token_aligner,
)

__all__ = ["Judgement", "JudgeModel", "JudgePair", "Thresholds", "evidence_of", "judge_pairs", "load_model", "token_aligner"]
