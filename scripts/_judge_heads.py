"""The judge's "heads" design (scripts/train_judge.py): per language group, linear heads over the
features of ``fidelity.judge.features``, each with its own cut-offs chosen on dev.

* A critical-error head per WMT21 pair (de, ja, zh, cs), a logistic regression over the raw
  ``u, v, |u−v|, u⊙v`` trained on that pair's CED training split alone: the frozen-vector probe of
  issue 18. Pooling the pairs, standardising the vectors or adding the faithful/synthetic pairs to
  its training each cost it 0.05-0.1 MCC on CED dev (measured: en-de 0.40 → 0.34 with them).
* A deviation head shared by every group, a logistic regression over the vectors and the cue and
  surface features (scaled to the vectors' size), trained on the faithful pairs (0) and their
  synthetic deviations (1); its second output is trained on "critical" (negation, number, name,
  antonym). It is the head that sees minimal edits, which a CED head barely notices.
* A group's verdict is its most alarmed head's, each head at its own cut-offs (``Head.knots`` map
  them onto the shared thresholds): CED heads where the group has CED data, the shared head where it
  has faithful/synthetic data, both for de and zh, and both pooled for "other" pairs.

Cut-offs per head and group, on dev: balanced = best MCC on the dev pairs of the head's kind in
the group, the shared head's among cut-offs flagging at most ``FAITHFUL_CAP`` of the group's
faithful dev pairs; precise = 0.95 of the group's faithful dev pairs below (CED negatives where
it has none); high = 0.90 of its critical deviations found (synthetic, else CED errors).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from fidelity.judge.features import DETECTORS, GROUPS, SEVERITIES, row_groups
from fidelity.judge.model import SHARED_CUTOFFS, Head, JudgeModel, Thresholds

CED_GROUPS = ("de", "ja", "zh", "cs")
C_CED = 0.3  # the probe's C (raw vectors); 0.3 measured best of 0.3 / 1 / 3 on CED dev, every pair but en-de
C_SHARED = 1.0
# The token alignment features (fidelity.judge.alignment), standardised, times this: in the CED heads
# 0.2 measured best of 0.05 / 0.2 / 0.5 / 1 on CED dev (en-de 0.35 / 0.39 / 0.39 / 0.39, cs 0.39 / 0.38 / 0.37 / 0.37);
# in the shared head 0.2 flags fewer faithful pairs at "high" than 0.05 (en-zh 0.88 → 0.66) at the same synthetic recall.
ALIGN_WEIGHT = 0.2
SHARED_ALIGN_WEIGHT = 0.2
SMALL_WEIGHT = 0.05  # the cue and surface features, standardised, times this: the vectors' order of size
FAITHFUL_CAP = 0.08  # issue 18's ceiling on faithful pairs flagged at "balanced"
_EVIDENCE = len(DETECTORS) * len(SEVERITIES) + 1


def _mcc(pred: np.ndarray, gold: np.ndarray) -> float:
    tp, fp = float(np.sum(pred & gold)), float(np.sum(pred & ~gold))
    fn, tn = float(np.sum(~pred & gold)), float(np.sum(~pred & ~gold))
    d = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
    return (tp * tn - fp * fn) / d if d else 0.0


def _cutoffs(score: np.ndarray, gold: np.ndarray, negatives: np.ndarray, positives: np.ndarray,
             cap: float | None) -> np.ndarray:
    """(high, balanced, precise) cut-offs of one head's output over one group's dev rows, ascending."""
    floor = float(np.quantile(negatives, 1 - cap)) + 1e-6 if cap is not None else -np.inf
    candidates = [t for t in np.unique(np.quantile(score, np.linspace(0.0, 1.0, 401))) if t >= floor] or [floor]
    balanced = max(candidates, key=lambda t: _mcc(score >= t, gold))
    precise = float(np.quantile(negatives, 0.95)) + 1e-6
    high = float(np.quantile(positives, 0.10))
    knots = np.maximum.accumulate(np.array([high, balanced, precise], dtype=np.float64))
    return knots + np.array([0.0, 1e-4, 2e-4])  # strictly ascending, for the piecewise map


def _fit(x: np.ndarray, y: np.ndarray, c: float, seed: int, weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, max_iter=2000, random_state=seed).fit(x, y, sample_weight=weight)
    return lr.coef_[0].astype(np.float64), float(lr.intercept_[0])


def train_heads(x: np.ndarray, y: np.ndarray, sources: Sequence[str], train: np.ndarray, dev: np.ndarray,
                seed: int, *, dim: int, encoder: str, version: str, faithful_cap: float | None = FAITHFUL_CAP,
                n_align: int = 0, faithful_weight: float = 0.0) -> tuple[JudgeModel, np.ndarray]:
    """The heads model and its dev probabilities (rows of ``dev``). ``x``: every pair's feature row
    (with vectors, ``dim`` per vector); ``y``: (deviation, critical); ``sources``: ced | faithful |
    synthetic; ``train`` and ``dev``: row indices. ``n_align``: the token alignment columns that follow
    the vectors (0: none); ``faithful_weight``: the weight of the language group's faithful training
    pairs as further negatives of its CED head (0: none; with alignment features and without them, the
    head flagged 0.40 of the en-zh faithful dev pairs at "balanced")."""
    started = time.perf_counter()
    groups = row_groups(x)
    source = np.asarray(sources)
    n_features, n_vec = x.shape[1], 4 * dim
    heads: dict[str, list[Head]] = {g: [] for g in GROUPS}

    def dev_rows(group: str | None, kinds: tuple[str, ...]) -> np.ndarray:
        rows = dev[np.isin(source[dev], kinds)]
        return rows if group is None else rows[groups[rows] == group]

    def add(group: str, weights: np.ndarray, bias: np.ndarray, rows: np.ndarray, faithful: np.ndarray,
            cap: float | None) -> None:
        """A head with its cut-offs chosen on dev: best MCC over ``rows``; the precise and capped ones
        over ``faithful`` (the group's faithful dev pairs; ``rows``' negatives where it has none)."""
        z = x[rows] @ weights + bias
        z_faithful = x[faithful] @ weights + bias
        knots = np.zeros((2, 3))
        for k in range(2):
            gold = y[rows, k] > 0
            negatives = z_faithful[:, k] if len(faithful) else z[~gold, k]
            synthetic_critical = (source[rows] == "synthetic") & (y[rows, 1] > 0)
            positives = z[synthetic_critical, k] if synthetic_critical.any() else z[gold, k]
            knots[k] = _cutoffs(z[:, k], gold, negatives, positives, cap if len(faithful) else None)
        heads[group].append(Head(weights.astype(np.float32), bias.astype(np.float32), knots.astype(np.float32)))

    # critical-error heads: one per CED pair, and one pooled over the four for "other" pairs
    for group in (*CED_GROUPS, "other"):
        rows = train[(source[train] == "ced") & ((groups[train] == group) | (group == "other"))]
        # the group's faithful training pairs as further negatives: professional news translations
        # are not the CED's machine-translated comments, and a head that never saw them flags them
        # (every group's for the pooled "other" head, which judges pairs no training data covers)
        faithful_rows = train[(source[train] == "faithful") & ((groups[train] == group) | (group == "other"))
                              ] if faithful_weight > 0 else train[:0]
        sample_weight = np.concatenate([np.ones(len(rows)), np.full(len(faithful_rows), faithful_weight)])
        rows = np.concatenate([rows, faithful_rows])
        # the raw vectors, and the token alignment features standardised to the vectors' size
        a_mean = x[rows, n_vec:n_vec + n_align].mean(axis=0)
        a_scale = x[rows, n_vec:n_vec + n_align].std(axis=0)
        a_scale[a_scale < 1e-6] = 1.0
        a_factor = ALIGN_WEIGHT / a_scale
        xa = np.concatenate([x[rows, :n_vec], (x[rows, n_vec:n_vec + n_align] - a_mean) * a_factor], axis=1)
        w, b = _fit(xa, y[rows, 0], C_CED, seed, sample_weight)
        weights = np.zeros((n_features, 2))
        weights[:n_vec] = w[:n_vec, None]
        weights[n_vec:n_vec + n_align] = (w[n_vec:] * a_factor)[:, None]
        b -= float(a_mean @ (w[n_vec:] * a_factor))
        ced_dev = dev_rows(None if group == "other" else group, ("ced",))
        add(group, weights, np.array([b, b]), ced_dev, dev_rows(group, ("faithful",)), None)
    print(f"  heads: CED heads {time.perf_counter() - started:.0f} s", flush=True)
    # the shared deviation head over vectors + cues (no detector evidence: it is absent from most training pairs)
    rows = train[source[train] != "ced"]
    small = slice(n_vec, n_features - _EVIDENCE)
    scale = x[rows, small].std(axis=0)
    scale[scale < 1e-6] = 1.0
    mean = x[rows, small].mean(axis=0)
    factor = np.zeros(n_features)
    factor[:n_vec] = 1.0
    factor[small] = SMALL_WEIGHT / scale
    factor[n_vec:n_vec + n_align] *= SHARED_ALIGN_WEIGHT / SMALL_WEIGHT  # the alignment features count more
    offset = np.zeros(n_features)
    offset[small] = mean
    xs = (x[rows] - offset) * factor
    weights = np.zeros((n_features, 2))
    bias = np.zeros(2)
    for k in range(2):
        w, b = _fit(xs, y[rows, k], C_SHARED, seed)
        weights[:, k] = w * factor  # folded: (x - offset) * factor @ w == x @ (w * factor) - offset @ (w * factor)
        bias[k] = b - float(offset @ (w * factor))
    for group in ("de", "zh", "ru", "same", "other"):
        pooled = None if group == "other" else group
        add(group, weights, bias, dev_rows(pooled, ("faithful", "synthetic")), dev_rows(pooled, ("faithful",)),
            faithful_cap)
    print(f"  heads: shared head {time.perf_counter() - started:.0f} s", flush=True)
    thresholds = {s: Thresholds(deviation=p, critical=p) for s, p in SHARED_CUTOFFS.items()}
    model = JudgeModel(name="heads", version=version, encoder=encoder, vectors=True, evidence=False, alignment=n_align > 0,
                       mean=np.zeros(n_features, dtype=np.float32), scale=np.ones(n_features, dtype=np.float32),
                       layers=(), thresholds=thresholds, heads={g: tuple(h) for g, h in heads.items() if h})
    return model, model.predict(x[dev])
