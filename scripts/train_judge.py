#!/usr/bin/env python3
"""Train the learned judge (fidelity/judge/) from ../shared/eval alone, measure it, write its weights.

Data (scripts/_judge_data.py): WMT21 critical-error training items (CC0) and synthetic deviations
made from faithful WMT21 translations (multiref, ru-en), split by document or block of segments;
WMT21 critical-error dev for thresholds and reporting. Sentence vectors (USE) and the detectors'
evidence are cached under ``--cache`` so that a rerun is fast.

Usage::

    nice -n 10 python scripts/train_judge.py [--data DIR] [--cache DIR] [--seed 0] [--out DIR]
                                             [--evidence-train N] [--prepare-only] [--eval-only]

``--prepare-only`` fills the caches and stops; ``--eval-only`` re-prints the table from the
shipped weights (``--out``) without training.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _common import spread
from _judge_cache import cached_alignment, cached_evidence, cached_vectors
from _judge_data import CRITICAL_KINDS, Pair, ced_pairs, faithful_pairs, synthetic_pairs
from _judge_heads import train_heads

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (ROOT / ".." / "shared" / "eval").resolve()
DEFAULT_CACHE = ROOT / ".cache" / "judge"
DEFAULT_OUT = ROOT / "fidelity" / "data" / "judge"
ENCODER = "use"
VERSION = "0.2.0"
# The faithful sets issue 18 measures (200 pairs each, from the dev split).
FAITHFUL_SETS = ("de-en A/B", "ru-en A/B", "en-ru src/A", "en-zh src/A", "en-de src/A")


@dataclass
class Data:
    pairs: list[Pair]
    u: np.ndarray  # vectors of src
    v: np.ndarray  # vectors of tgt
    evidence: list  # per pair: list of (detector, severity), or None (not computed / raised)
    align: np.ndarray  # per pair: fidelity.judge.alignment features (zero columns when not computed)


def build_pairs(data: Path, seed: int) -> list[Pair]:
    faithful = faithful_pairs(data)
    synthetic = synthetic_pairs(faithful, seed)
    return ced_pairs(data, "train") + ced_pairs(data, "dev") + faithful + synthetic


def detector_evidence(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[tuple[str, str]]:
    """What the rule detectors find on the pair as one aligned segment: (detector, severity) each.
    Always with USE (the judge's encoder): e5-small, which a check picks for Czech, embeds about 8
    sentences a second here, too slow for thousands of pairs."""
    import fidelity

    report = fidelity.check(src, tgt, original_lang=src_lang, rewrite_lang=tgt_lang, aligned=True, encoder="use")
    return [(f.detector, str(getattr(f.severity, "value", f.severity))) for f in report.findings]


def evidence_subset(pairs: list[Pair], n_train: int) -> list[int]:
    """Indices of the pairs whose detector evidence is computed: every dev pair, and ``n_train``
    training pairs spread evenly (half CED, half faithful/synthetic)."""
    dev = [i for i, p in enumerate(pairs) if p.split == "dev"]
    ced = [i for i, p in enumerate(pairs) if p.split == "train" and p.source == "ced"]
    other = [i for i, p in enumerate(pairs) if p.split == "train" and p.source != "ced"]
    return sorted(dev + spread(ced, n_train // 2) + spread(other, n_train - n_train // 2))


def prepare(args: argparse.Namespace) -> Data:
    started = time.perf_counter()
    pairs = build_pairs(args.data, args.seed)
    if args.limit:  # a quick trial run: pairs spread over every source and split
        pairs = spread(pairs, args.limit)
    print(f"{len(pairs)} pairs built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    u = v = np.zeros((len(pairs), 0), dtype=np.float32)
    if not args.evidence_only:
        vectors = cached_vectors(ENCODER, [p.src for p in pairs] + [p.tgt for p in pairs], args.cache)
        u, v = vectors[:len(pairs)], vectors[len(pairs):]
    align = np.zeros((len(pairs), 0), dtype=np.float32)
    if args.alignment:
        align = cached_alignment([(p.src, p.tgt) for p in pairs], args.cache)
    evidence: list = [None] * len(pairs)
    if args.evidence_train >= 0:
        chosen = evidence_subset(pairs, args.evidence_train)
        found = cached_evidence([(pairs[i].src, pairs[i].tgt, pairs[i].src_lang, pairs[i].tgt_lang) for i in chosen],
                                args.cache, detector_evidence)
        for i, e in zip(chosen, found):
            evidence[i] = e
    print(f"prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return Data(pairs, u, v, evidence, align)


# -- features -------------------------------------------------------------------------------------

def features(data: Data, idx: list[int], *, vectors: bool, evidence: bool, alignment: bool = True) -> np.ndarray:
    from fidelity.judge.features import pair_features

    return np.stack([pair_features(data.pairs[i].src, data.pairs[i].tgt, data.pairs[i].src_lang,
                                   data.pairs[i].tgt_lang, data.u[i], data.v[i],
                                   data.evidence[i] if evidence else None, vectors=vectors,
                                   alignment=data.align[i] if alignment and data.align.shape[1] else None)
                     for i in idx])


def labels(data: Data, idx: list[int]) -> np.ndarray:
    return np.array([[data.pairs[i].deviation, data.pairs[i].critical] for i in idx], dtype=np.float32)


def standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0  # a constant column (no evidence in this design) stays as it is
    return mean.astype(np.float32), scale.astype(np.float32)


# -- designs --------------------------------------------------------------------------------------

def train_mlp(x: np.ndarray, y: np.ndarray, seed: int, *, hidden: int = 256, epochs: int = 12,
              dropout: float = 0.2, weight_decay: float = 1e-4) -> tuple:
    """A one-hidden-layer MLP with two sigmoid outputs (deviation, critical), torch on the CPU."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    mean, scale = standardiser(x)
    xt = torch.from_numpy((x - mean) / scale)
    yt = torch.from_numpy(y)
    net = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(),
                              torch.nn.Dropout(dropout), torch.nn.Linear(hidden, 2))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        net.train()
        for batch in torch.randperm(len(xt), generator=gen).split(256):
            opt.zero_grad()
            loss = loss_fn(net(xt[batch]), yt[batch])
            loss.backward()
            opt.step()
    layers = [m for m in net if isinstance(m, torch.nn.Linear)]
    return mean, scale, tuple((m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy()) for m in layers)


def train_logistic(x: np.ndarray, y: np.ndarray, seed: int, c: float = 0.05) -> tuple:
    """Two logistic regressions (deviation, critical) as one linear layer."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = standardiser(x)
    xs = (x - mean) / scale
    ws, bs = [], []
    for k in range(2):
        lr = LogisticRegression(C=c, max_iter=300, random_state=seed).fit(xs, y[:, k])
        ws.append(lr.coef_[0])
        bs.append(lr.intercept_[0])
    return mean, scale, ((np.stack(ws, axis=1).astype(np.float32), np.array(bs, dtype=np.float32)),)


def train_boosting(x: np.ndarray, y: np.ndarray, seed: int):
    """Gradient boosting over the small features (no vectors): a predict function."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    models = [HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=seed).fit(x, y[:, k])
              for k in range(2)]
    return lambda z: np.stack([m.predict_proba(z)[:, 1] for m in models], axis=1)


def as_model(name: str, trained: tuple, *, vectors: bool, evidence: bool, thresholds: dict | None = None):
    from fidelity.judge.model import JudgeModel

    mean, scale, layers = trained
    return JudgeModel(name=name, version=VERSION, encoder=ENCODER, vectors=vectors, evidence=evidence,
                      mean=mean, scale=scale, layers=layers, thresholds=thresholds or {})


# -- measurement ----------------------------------------------------------------------------------

def mcc(pred: np.ndarray, gold: np.ndarray) -> float:
    tp, fp = float(np.sum(pred & gold)), float(np.sum(pred & ~gold))
    fn, tn = float(np.sum(~pred & gold)), float(np.sum(~pred & ~gold))
    d = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
    return (tp * tn - fp * fn) / d if d else 0.0


def precision(pred: np.ndarray, gold: np.ndarray) -> float:
    return float(np.sum(pred & gold) / np.sum(pred)) if np.sum(pred) else 0.0


def best_mcc_threshold(score: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The cut-off t (flag score >= t) with the best MCC, and that MCC."""
    best = (1.0, -1.0)
    for t in np.unique(np.quantile(score, np.linspace(0.0, 1.0, 401))):
        m = mcc(score >= t, gold)
        if m > best[1]:
            best = (float(t), m)
    return best


@dataclass
class Dev:
    """The dev split's indices by use."""

    ced: dict[str, list[int]]  # per CED pair
    faithful: dict[str, list[int]]  # the five measured faithful sets, 200 each
    faithful_all: list[int]
    synthetic: list[int]
    synthetic_critical: list[int]


def dev_sets(data: Data) -> Dev:
    pairs = data.pairs
    ced = {k: [i for i, p in enumerate(pairs) if p.split == "dev" and p.source == "ced" and p.kind == k]
           for k in ("en-de", "en-ja", "en-zh", "en-cs")}
    faithful = {g: [i for i, p in enumerate(pairs) if p.split == "dev" and p.source == "faithful" and p.group == g][:200]
                for g in FAITHFUL_SETS}
    faithful_all = [i for i, p in enumerate(pairs) if p.split == "dev" and p.source == "faithful"]
    synthetic = [i for i, p in enumerate(pairs) if p.split == "dev" and p.source == "synthetic"]
    return Dev(ced, faithful, faithful_all, synthetic, [i for i in synthetic if pairs[i].kind in CRITICAL_KINDS])


def choose_thresholds(prob: np.ndarray, data: Data, dev: Dev) -> dict[str, dict[str, float]]:
    """Per sensitivity and output, the cut-off chosen on dev: balanced = best MCC on all dev pairs
    (CED, faithful, synthetic pooled); precise = at most 0.05 of the faithful dev pairs flagged;
    high = at least 0.90 of the synthetic critical deviations found."""
    pooled = sorted(i for ids in dev.ced.values() for i in ids) + dev.faithful_all + dev.synthetic
    out: dict[str, dict[str, float]] = {"high": {}, "balanced": {}, "precise": {}}
    for k, name in enumerate(("deviation", "critical")):
        gold = np.array([bool((data.pairs[i].deviation, data.pairs[i].critical)[k]) for i in pooled])
        out["balanced"][name] = best_mcc_threshold(prob[pooled, k], gold)[0]
        out["precise"][name] = float(np.quantile(prob[dev.faithful_all, k], 0.95)) + 1e-6
        out["high"][name] = float(np.quantile(prob[dev.synthetic_critical, k], 0.10))
    return out


def measure(prob: np.ndarray, data: Data, dev: Dev, thresholds: dict[str, dict[str, float]]) -> dict:
    """The figures of one scorer: prob is (n pairs, 2) over all pairs (only dev rows are read)."""
    out: dict = {"ced": {}, "faithful": {}, "synthetic": {}, "thresholds": thresholds}
    bal = thresholds["balanced"]
    for pair, ids in dev.ced.items():
        gold = np.array([data.pairs[i].critical == 1 for i in ids])
        crit_flag = prob[ids, 1] >= bal["critical"]
        dev_flag = (prob[ids, 0] >= bal["deviation"]) | crit_flag  # "critical or major"
        out["ced"][pair] = {
            "major_mcc": mcc(dev_flag, gold), "major_precision": precision(dev_flag, gold),
            "critical_mcc": mcc(crit_flag, gold), "critical_precision": precision(crit_flag, gold),
            "best_mcc": best_mcc_threshold(prob[ids, 0], gold)[1],
            "best_critical_mcc": best_mcc_threshold(prob[ids, 1], gold)[1]}
    for sens, t in thresholds.items():
        out["faithful"][sens] = {g: float(np.mean(prob[ids, 0] >= t["deviation"])) for g, ids in dev.faithful.items()}
        out["synthetic"][sens] = {
            "all": float(np.mean(prob[dev.synthetic, 0] >= t["deviation"])),
            "critical": float(np.mean(prob[dev.synthetic_critical, 0] >= t["deviation"])),
            "critical_as_critical": float(np.mean(prob[dev.synthetic_critical, 1] >= t["critical"]))}
    kinds = sorted({data.pairs[i].kind for i in dev.synthetic})
    out["synthetic_kinds"] = {k: float(np.mean([prob[i, 0] >= bal["deviation"] for i in dev.synthetic
                                                if data.pairs[i].kind == k])) for k in kinds}
    return out


def probe_and_cosine(data: Data, dev: Dev, seed: int) -> dict:
    """Issue 18's references: per CED pair, a logistic probe over u, v, |u−v|, u⊙v trained on that
    pair's training split, and a plain cosine threshold; both at their best-MCC cut-off on dev."""
    from sklearn.linear_model import LogisticRegression

    out = {}
    for pair, ids in dev.ced.items():
        train = [i for i, p in enumerate(data.pairs) if p.split == "train" and p.source == "ced" and p.kind == pair]
        def vec(idx):
            u, v = data.u[idx], data.v[idx]
            return np.concatenate([u, v, np.abs(u - v), u * v], axis=1)
        y = np.array([data.pairs[i].critical for i in train])
        lr = LogisticRegression(C=1.0, max_iter=500, random_state=seed).fit(vec(train), y)
        gold = np.array([data.pairs[i].critical == 1 for i in ids])
        t, m = best_mcc_threshold(lr.predict_proba(vec(ids))[:, 1], gold)
        cos = np.sum(data.u[ids] * data.v[ids], axis=1)
        ct, cm = best_mcc_threshold(-cos, gold)
        out[pair] = {"probe_mcc": m, "probe_precision": precision(lr.predict_proba(vec(ids))[:, 1] >= t, gold),
                     "cosine_mcc": cm, "cosine_threshold": -ct}
    return out


def print_table(name: str, fig: dict, refs: dict) -> None:
    print(f"\n== {name} ==")
    print("WMT21 CED dev (positive = ERR), judge at the balanced thresholds "
          f"(deviation {fig['thresholds']['balanced']['deviation']:.3f}, critical {fig['thresholds']['balanced']['critical']:.3f})")
    print(f"{'pair':<6} {'crit|major MCC':>14} {'P':>6} {'critical MCC':>12} {'P':>6} {'best-t MCC':>10} "
          f"{'probe MCC':>9} {'cosine MCC':>10} {'target':>6}")
    targets = {"en-de": 0.45, "en-cs": 0.42, "en-ja": 0.25, "en-zh": 0.30}
    for pair, f in fig["ced"].items():
        r = refs.get(pair, {})
        print(f"{pair:<6} {f['major_mcc']:>14.3f} {f['major_precision']:>6.3f} {f['critical_mcc']:>12.3f} "
              f"{f['critical_precision']:>6.3f} {f['best_mcc']:>10.3f} {r.get('probe_mcc', float('nan')):>9.3f} "
              f"{r.get('cosine_mcc', float('nan')):>10.3f} {targets[pair]:>6.2f}")
    print("best-t: the judge's P(deviation) at its best cut-off for that pair (oracle, as probe and cosine are)")
    print("\nfaithful dev pairs flagged (P(deviation) >= t; 200 each; target <= 0.08 at balanced)")
    print(f"{'sensitivity':<11} {'t':>6} " + " ".join(f"{g:>12}" for g in FAITHFUL_SETS)
          + f" {'synth all':>9} {'synth crit':>10} {'crit->crit':>10}")
    for sens in ("high", "balanced", "precise"):
        fa, sy = fig["faithful"][sens], fig["synthetic"][sens]
        print(f"{sens:<11} {fig['thresholds'][sens]['deviation']:>6.3f} " + " ".join(f"{fa[g]:>12.3f}" for g in FAITHFUL_SETS)
              + f" {sy['all']:>9.3f} {sy['critical']:>10.3f} {sy['critical_as_critical']:>10.3f}")
    print("synthetic dev (never trained on) found at balanced, per kind: "
          + ", ".join(f"{k} {v:.2f}" for k, v in fig["synthetic_kinds"].items()))


# -- shipping -------------------------------------------------------------------------------------

def save(args: argparse.Namespace, model, fig: dict, refs: dict, seconds: float, n_train: int,
         n_evidence: int) -> None:
    """The weights (with the three sensitivities' thresholds) and the model card, into ``--out``."""
    from dataclasses import replace as dc_replace

    from fidelity.judge.model import Thresholds

    thresholds = {k: Thresholds(**v) for k, v in fig["thresholds"].items()}
    model = dc_replace(model, name="fidelity-judge", thresholds=thresholds)
    args.out.mkdir(parents=True, exist_ok=True)
    today = time.strftime("%Y-%m-%d")
    meta = {"design": args.ship, "seed": args.seed, "trained": today, "train_pairs": n_train}
    model.save(args.out / "judge.npz", meta)
    (args.out / "figures.json").write_text(json.dumps({"design": args.ship, "figures": fig, "references": refs},
                                                      indent=1, sort_keys=True) + "\n")
    size = (args.out / "judge.npz").stat().st_size
    card = MODEL_CARD.format(
        version=VERSION, design=args.ship, date=today, seed=args.seed, seconds=seconds, n_train=n_train,
        n_evidence=n_evidence, size=size / 1e6, command=f"nice -n 10 python scripts/train_judge.py --seed {args.seed}",
        table=card_table(fig, refs))
    (args.out / "MODEL_CARD.md").write_text(card)
    print(f"\nwrote {args.out / 'judge.npz'} ({size / 1e6:.1f} MB) and MODEL_CARD.md")


def card_table(fig: dict, refs: dict) -> str:
    rows = ["| pair | critical or major MCC (P) | critical MCC (P) | probe MCC | cosine MCC |",
            "| --- | ---: | ---: | ---: | ---: |"]
    for pair, f in fig["ced"].items():
        r = refs[pair]
        rows.append(f"| {pair} | {f['major_mcc']:.3f} ({f['major_precision']:.2f}) | {f['critical_mcc']:.3f} "
                    f"({f['critical_precision']:.2f}) | {r['probe_mcc']:.3f} | {r['cosine_mcc']:.3f} |")
    rows += ["", "| sensitivity | P(deviation) ≥ | P(critical) ≥ | " + " | ".join(FAITHFUL_SETS)
             + " | synthetic found | synthetic critical found |",
             "| --- | ---: | ---: | " + " | ".join("---:" for _ in FAITHFUL_SETS) + " | ---: | ---: |"]
    for sens in ("high", "balanced", "precise"):
        t, fa, sy = fig["thresholds"][sens], fig["faithful"][sens], fig["synthetic"][sens]
        rows.append(f"| {sens} | {t['deviation']:.3f} | {t['critical']:.3f} | "
                    + " | ".join(f"{fa[g]:.3f}" for g in FAITHFUL_SETS) + f" | {sy['all']:.3f} | {sy['critical']:.3f} |")
    rows += ["", "Synthetic dev found at balanced, per kind: "
             + ", ".join(f"{k} {v:.2f}" for k, v in fig["synthetic_kinds"].items()) + "."]
    return "\n".join(rows)


MODEL_CARD = """# fidelity judge {version} (design: {design})

Per aligned sentence pair: P(meaning deviates) and P(critical). Design "heads" (numpy forward
pass, `scripts/_judge_heads.py`): per language group, linear heads over the multilingual USE vectors
of both sides (u, v, |u−v|, u⊙v): a critical-error head per WMT21 pair (de, ja, zh, cs; trained on
that pair's CED split alone) and one deviation head shared by all groups (vectors plus negation cues
from `fidelity.text.cues`, shared words, names, digits, lengths, the language pair; trained on
faithful pairs against their synthetic deviations). Token alignment features
(`fidelity/judge/alignment.py`, `--alignment`) and faithful pairs as further negatives of the CED
heads (`--faithful-negatives 1`) were measured and are not in these weights: they lifted these dev
figures a little and lowered the whole check's (README, "The learned judge"). A group's verdict is its most alarmed head's,
each head at its own cut-offs chosen on dev; pairs outside the groups get the pooled heads. The
detectors' evidence is not an input.
Issue 18; code `fidelity/judge/`, training `scripts/train_judge.py`.

- Trained: {date}, seed {seed}, {seconds:.0f} s on the project's 2-core CPU machine (every design,
  with the caches filled), by `{command}`. Weights {size:.1f} MB.
- Training pairs: {n_train} ({n_evidence} of them with the detectors' evidence computed).

## Data and licences (all from `../shared/eval`, see its README)
- WMT21 QE task 3 critical-error data (`wmt21-ced`, en→de/ja/zh/cs, sheffieldnlp/mlqe-pe),
  CC0 1.0: `*.train.tsv` to train (label ERR = deviation and critical); `*.dev.tsv` only to choose
  thresholds and report. Content warning: offensive comments.
- WMT21 newstest2021 professional translations (`wmt21-multiref`: de-en, en-ru, en-zh, en-de;
  `wmt21-ruen`: ru-en), from wmt-conference/wmt21-news-systems, released for research on MT
  evaluation: faithful pairs (two translators; original and translation) as negatives, and the
  same pairs with one side perturbed by `scripts/_judge_data.py` (negation flip, number changed,
  name swapped, antonym: critical; clause dropped or added, hedge, phrase replaced: not critical).
  Split by document (ru-en) or block of 50 segments (multiref): every 5th is dev, never trained on.

## Dev figures (thresholds chosen on dev)
Per head and language group: balanced = best MCC on the group's dev pairs of the head's kind (the
shared head's among cut-offs flagging at most 0.08 of the group's faithful dev pairs); precise = at
most 0.05 of the group's faithful dev pairs flagged by that head; high = at least 0.90 of the
synthetic critical deviations (CED errors for a CED head) found. A pair is flagged when any head of
its group is, so a group with two heads (de, zh) can exceed 0.05 at precise. Probe: logistic regression over
u, v, |u−v|, u⊙v trained on that pair's CED training split; probe and cosine at their best
cut-off on dev (oracle).

{table}

## Limits (measured, issue 18's targets not met)
- Below issue 18's CED targets for de, zh and cs (0.45 / 0.30 / 0.42; ja's 0.25 met); near the
  per-pair probe (the CED heads are that probe, with C=0.3, plus the alignment features).
- The shared head separates minimal edits from faithful rewording poorly: at "balanced" (faithful
  about 0.05-0.10 flagged) it finds under half of the synthetic deviations (target 0.85), antonyms,
  hedges and swapped names least; 0.90 only at "high", where half the faithful pairs are flagged.
  Gradient boosting over the same small features (alignment, cues, surface) did no better: 0.41-0.55
  of the synthetic deviations found per group at 0.08 of its faithful pairs flagged.
- Sentence and token vectors are USE's for every language, cs included (USE was not trained on cs).
- Time with empty caches (2026-12-03, this machine shared with three other jobs, load average
  about 4): embedding 74,866 texts with USE 588 s, the token alignment features of 61,872 pairs
  920 s; then the heads design about 35 s. (2026-11, load average about 10: the detectors on
  15,717 pairs 786 s, the MLP designs about 150 s each; `--evidence-train -1` skips the detectors,
  which the heads design does not read.)
"""


def evaluate_shipped(args: argparse.Namespace, data: Data, dev: Dev, dev_idx: list[int]) -> int:
    """Re-print the table from the weights in ``--out`` (their stored thresholds), references from
    the figures stored beside them."""
    from fidelity.judge.model import load_model

    model = load_model(args.out / "judge.npz")
    prob = np.zeros((len(data.pairs), 2), dtype=np.float32)
    prob[dev_idx] = model.predict(features(data, dev_idx, vectors=model.vectors, evidence=model.evidence,
                                           alignment=model.alignment))
    thresholds = {k: vars(t) for k, t in model.thresholds.items()}
    stored = json.loads((args.out / "figures.json").read_text())
    print_table(f"shipped {model.name} {model.version} ({stored['design']})", measure(prob, data, dev, thresholds),
                stored["references"])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--evidence-train", type=int, default=-1,
                        help="training pairs whose detector evidence is computed (every dev pair is); -1 (default): "
                             "none, as the shipped heads design reads none (the evidence designs were measured with 6000)")
    parser.add_argument("--designs", default="heads",
                        help=f"designs to train and measure, comma-separated (of {', '.join(DESIGNS)}); "
                             "the comparison in the README ran heads,boosting,mlp+evidence with --evidence-train 6000")
    parser.add_argument("--ship", default="heads", help="the design whose weights are written to --out")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="a trial run on N pairs spread over all the data (figures not comparable)")
    parser.add_argument("--alignment", action="store_true",
                        help="add the token alignment features (fidelity.judge.alignment) to the heads: measured, "
                             "not shipped (README, 'The learned judge')")
    parser.add_argument("--faithful-negatives", type=float, default=0.0, metavar="W",
                        help="each CED head also trains on its language group's faithful pairs as negatives, at "
                             "weight W (0: not; measured with 1, not shipped)")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--eval-only", action="store_true")
    parser.add_argument("--evidence-only", action="store_true",
                        help="fill the evidence cache only (it can run beside a --prepare-only that embeds)")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.exit(2, f"data not found at {args.data} (give --data)\n")
    random.seed(args.seed)
    np.random.seed(args.seed)
    started = time.perf_counter()
    data = prepare(args)
    if args.prepare_only or args.evidence_only:
        return 0
    dev = dev_sets(data)
    dev_idx = sorted({i for ids in dev.ced.values() for i in ids} | set(dev.faithful_all) | set(dev.synthetic))
    if args.eval_only:
        return evaluate_shipped(args, data, dev, dev_idx)
    train_idx = [i for i, p in enumerate(data.pairs) if p.split == "train"]
    with_evidence = [i for i in train_idx if data.evidence[i] is not None]
    print(f"train {len(train_idx)} pairs ({len(with_evidence)} with detector evidence), dev {len(dev_idx)}",
          file=sys.stderr)
    refs = probe_and_cosine(data, dev, args.seed)
    designs = {}
    chosen = [d for d in args.designs.split(",") if d]
    for name in chosen:
        t0 = time.perf_counter()
        vectors, evidence = DESIGNS[name]
        rows = with_evidence if name == "boosting" else train_idx
        x, y = features(data, rows, vectors=vectors, evidence=evidence), labels(data, rows)
        prob = np.zeros((len(data.pairs), 2), dtype=np.float32)
        x_dev = features(data, dev_idx, vectors=vectors, evidence=evidence)
        model = None
        if name == "heads":  # its cut-offs are chosen per head and language group (scripts/_judge_heads.py)
            model, prob[dev_idx] = train_heads(
                np.concatenate([x, x_dev]), np.concatenate([y, labels(data, dev_idx)]),
                [data.pairs[i].source for i in rows + dev_idx], np.arange(len(rows)),
                np.arange(len(rows), len(rows) + len(dev_idx)), args.seed, dim=data.u.shape[1], n_align=data.align.shape[1], faithful_weight=args.faithful_negatives,
                encoder=ENCODER,
                version=VERSION)
            thresholds = {k: vars(t) for k, t in model.thresholds.items()}
        elif name == "boosting":
            prob[dev_idx] = train_boosting(x, y, args.seed)(x_dev)
        else:
            trained = (train_logistic if name.startswith("logistic") else train_mlp)(x, y, args.seed)
            model = as_model(name, trained, vectors=vectors, evidence=evidence)
            prob[dev_idx] = model.predict(x_dev)
        if name != "heads":
            thresholds = choose_thresholds(prob, data, dev)
        fig = measure(prob, data, dev, thresholds)
        fig["train_seconds"] = time.perf_counter() - t0
        designs[name] = (model, fig)
        print_table(f"{name} ({fig['train_seconds']:.0f} s)", fig, refs)
        sys.stdout.flush()
    total = time.perf_counter() - started
    figures = {"references": refs, "designs": {k: f for k, (_, f) in designs.items()}, "seconds": total}
    args.cache.mkdir(parents=True, exist_ok=True)
    (args.cache / "figures.json").write_text(json.dumps(figures, indent=1))
    ship = args.ship if args.ship in designs else None
    if ship and designs[ship][0] is not None:
        save(args, designs[ship][0], designs[ship][1], refs, total, len(train_idx), len(with_evidence))
    print(f"\ntotal {total:.0f} s (data, caches, every design)")
    return 0


# design: (features hold the vectors, features hold the detectors' evidence)
DESIGNS = {"heads": (True, False), "logistic": (True, False), "mlp": (True, False), "boosting": (False, True),
           "mlp+evidence": (True, True), "logistic+evidence": (True, True)}


if __name__ == "__main__":
    raise SystemExit(main())
