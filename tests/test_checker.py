"""The Checker owns a run: one RunConfig, the device resolved once, every model loaded once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import fidelity
from fidelity.checking.checker import Checker, RunConfig, TextInput
from fidelity.models.device import DeviceError, resolve_device
from fidelity.models.store import STORE

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def test_one_checker_checks_two_pairs_with_one_model_load():
    STORE.clear()
    before = dict(STORE.loads)
    checker = Checker.open(RunConfig(encoder="use"))
    first = checker.check("The minister said Japan will open the office next year.",
                          "The minister said Japan will not open the office next year.")
    second = checker.check(TextInput("Five people were hurt in the fire on Monday.", "en"),
                           TextInput("Six people were hurt in the fire on Monday.", "en"))
    loads = {kind: n - before.get(kind, 0) for kind, n in STORE.loads.items()}
    assert loads.get("encoder") == 1  # both pairs, one USE load
    assert loads.get("context", 0) <= 1  # the context model, if any bead needed it, once
    assert any(f.category == "negation_flip" or "negation" in f.message for f in first.findings)
    assert any(f.category == "number_changed" for f in second.findings)
    # A second checker with the same settings loads nothing again: the models live in the store.
    again = Checker.open(RunConfig(encoder="use")).check("The office opens next year.", "The office opens next year.")
    assert STORE.loads["encoder"] - before.get("encoder", 0) == 1
    assert again.findings == []


def test_a_judged_offline_check_loads_the_encoder_once():
    # The check's encoder ("auto") and the judge's (loaded with the run's offline flag) are one
    # model: a second USE load cost a judged seed check half again its time (issue 18).
    STORE.clear()
    before = STORE.loads["encoder"]
    checker = Checker.open(RunConfig(offline=True, judge="builtin", device="cpu"))
    report = checker.check(SEEDS / "001_77e8c4707eb41a8b.txt", SEEDS / "000_a2e2bae9bb3cb44c.txt")
    assert report.findings
    assert STORE.loads["encoder"] - before == 1


def test_the_convenience_check_is_the_checker_s():
    original = "The talks were held in Beijing on Monday."
    rewrite = "The talks were not held in Beijing on Monday."
    by_function = fidelity.check(original, rewrite, encoder="use")
    by_checker = Checker.open(RunConfig(encoder="use")).check(original, rewrite)
    assert by_function.to_dict() == by_checker.to_dict()
    with pytest.raises(TypeError, match="unexpected keyword argument 'encodr'"):
        fidelity.check(original, rewrite, encodr="use")


def test_signature_records_the_device_and_changes_with_the_run():
    cpu = Checker.open(RunConfig(encoder="use", device="cpu"))
    assert cpu.settings()["device"] == "cpu"
    other = Checker.open(RunConfig(encoder="e5-small", device="cpu"))
    assert cpu.signature() != other.signature()
    report = cpu.check("The office opens next year.", "The office opens next year.")
    assert "|dev:cpu|" in report.settings["signature"] and report.settings["run"] == cpu.signature()[:10]


def test_device_is_resolved_in_one_function():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") in ("cpu", "cuda", "mps")
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        resolve_device("tpu")
    # No other module of the package decides a device: nobody else asks torch whether CUDA is there.
    askers = []
    for path in (ROOT / "fidelity").rglob("*.py"):
        if path.name == "device.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("is_available", "get_cuda_device_count"):
                askers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert askers == []


def test_an_unavailable_gpu_fails_when_the_checker_opens():
    if resolve_device("auto").startswith("cuda"):
        pytest.skip("this machine has CUDA")
    with pytest.raises(DeviceError, match="no CUDA device"):
        Checker.open(RunConfig(device="cuda"))


def test_the_judge_decides_severity_when_asked_for():
    from fidelity.errors import FidelityError
    from fidelity.judge.grade import BeadJudgement, grade
    from fidelity.judge.model import Judgement, Thresholds
    from fidelity.types import Severity

    original = "The minister said Japan will open the office next year."
    rewrite = "The minister said Japan will not open the office next year."
    rules = Checker.open(RunConfig(encoder="use")).check(original, rewrite)
    judged = Checker.open(RunConfig(encoder="use", judge="builtin", sensitivity="balanced")).check(original, rewrite)
    assert judged.settings["judge"]["name"] == "fidelity-judge" and judged.settings["judge"]["sensitivity"] == "balanced"
    assert "|judge:fidelity-judge@" in judged.settings["signature"] and rules.settings["judge"] is None
    assert any(f.category == "negation" and f.severity is not Severity.MINOR for f in judged.findings)
    # The grading itself: on a cleared bead a similarity finding (mistranslation) drops to minor and
    # exact evidence (the negation) keeps its severity; a flagged bead that no detector named gets a
    # sentence finding.
    from dataclasses import replace

    from fidelity.types import Category

    t = Thresholds(deviation=0.5, critical=0.8)
    negation = next(f for f in rules.findings if f.category == "negation")
    reworded = replace(negation, category=Category.MISTRANSLATION, severity=Severity.MAJOR)
    cleared = grade([negation, reworded], rules.alignment, [BeadJudgement(0, Judgement(0.1, 0.0))], t,
                    rules.original, rules.rewrite)
    assert [f.severity for f in cleared] == [negation.severity, Severity.MINOR]
    flagged = grade([], rules.alignment, [BeadJudgement(0, Judgement(0.9, 0.9))], t, rules.original, rules.rewrite)
    assert [(f.detector, f.severity) for f in flagged] == [("judge", Severity.CRITICAL)]
    assert flagged[0].rewrite.text == rewrite
    with pytest.raises(FidelityError, match="unknown sensitivity 'loud'"):
        Checker.open(RunConfig(judge="builtin", sensitivity="loud"))
