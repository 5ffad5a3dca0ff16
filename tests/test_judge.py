"""The learned judge (fidelity/judge/): shipped weights, judged on real text from the dev split
of WMT21 de-en (two professional translations of the same German news; never trained on)."""

from __future__ import annotations

import numpy as np
import pytest

from fidelity.judge import JudgePair, judge_pairs, load_model
from fidelity.judge.features import evidence_features, pair_features

# WMT21 newstest2021 de-en, translators A and B (dev split of scripts/_judge_data.py).
A = "A security service monitors the curfew."
B = "A security service is monitoring the confinement."
A2 = "Telecommunications data retention is suspended at the moment."
B2 = "Data retention is currently suspended."


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_shipped_weights_carry_three_sensitivities(model):
    assert set(model.thresholds) == {"high", "balanced", "precise"}
    assert model.threshold("high").deviation <= model.threshold("balanced").deviation <= model.threshold("precise").deviation
    with pytest.raises(ValueError):
        model.threshold("paranoid")


def test_negation_flip_scores_higher_than_its_faithful_counterpart(model):
    faithful, flipped, faithful2, flipped2 = judge_pairs([
        JudgePair(A, B, "en", "en"),
        JudgePair(A, B.replace("is monitoring", "is not monitoring"), "en", "en"),
        JudgePair(A2, B2, "en", "en"),
        JudgePair(A2, B2.replace("is currently", "is not currently"), "en", "en"),
    ], model=model)
    assert flipped.p_deviation > faithful.p_deviation
    assert flipped2.p_deviation > faithful2.p_deviation
    assert flipped.p_critical > faithful.p_critical


def test_faithful_translations_score_below_the_balanced_threshold(model):
    (judged,) = judge_pairs([JudgePair(A2, B2, "en", "en")], model=model)
    assert judged.p_deviation < model.threshold("balanced").deviation


def test_features_are_deterministic_and_read_the_evidence():
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=512).astype(np.float32), rng.normal(size=512).astype(np.float32)
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    evidence = [("negation", "major"), ("numbers", "critical")]
    one = pair_features("He paid 20 euros.", "Er zahlte 25 Euro.", "en", "de", u, v, evidence)
    two = pair_features("He paid 20 euros.", "Er zahlte 25 Euro.", "en", "de", u, v, evidence)
    assert np.array_equal(one, two)
    assert one.shape == (4 * 512 + 1 + 26 + 37,)
    counts = evidence_features(evidence)
    assert counts[-1] == 1.0 and np.count_nonzero(counts[:-1]) == 2
    assert evidence_features(None).sum() == 0.0


def test_language_groups_pick_their_heads_and_unknown_pairs_the_pooled_ones(model, tmp_path):
    from fidelity.judge import features
    from fidelity.judge.alignment import ALIGNMENT_COLUMNS

    u = np.full(512, 512 ** -0.5, dtype=np.float32)
    aligned = np.full(ALIGNMENT_COLUMNS, 0.5, dtype=np.float32) if model.alignment else None
    rows = np.stack([pair_features("He paid.", "Er zahlte.", src, tgt, u, u, alignment=aligned) for src, tgt in
                     [("en", "de"), ("ru", "en"), ("fr", "fr"), ("en", "fr")]])
    assert list(features.row_groups(rows)) == ["de", "ru", "same", "other"]
    assert "other" in model.heads  # an en-fr pair is judged, by the heads pooled over every group
    assert np.isfinite(model.predict(rows)).all()
    model.save(tmp_path / "judge.npz")
    assert np.array_equal(load_model(tmp_path / "judge.npz").predict(rows), model.predict(rows))
