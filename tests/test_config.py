"""The detector registry, the check config and the signature generated from it."""

from __future__ import annotations

import json
import typing
from collections import Counter
from dataclasses import fields, replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fidelity
from fidelity.checking.align import AlignOptions
from fidelity.checking.config import CheckConfig, ConfigError, ThresholdOverrides
from fidelity.checking.detectors import REGISTRY, Level
from fidelity.checking.detectors.registry import UnknownDetectorError
from fidelity.frontends.cli import app
from fidelity.types import Severity

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CNN = SEEDS / "001_77e8c4707eb41a8b.txt"
DEFNET = SEEDS / "000_a2e2bae9bb3cb44c.txt"
ORIGINAL = "Japan is in talks to open a NATO liaison office in Tokyo, the foreign minister told CNN on Tuesday."
REWRITE = "Japan will open a NATO office in Tokyo, the minister said on Tuesday, according to CNN."


def _changed(value, hint):
    """A different valid value of the same type."""
    args = typing.get_args(hint)
    if value is None:
        inner = [a for a in args if a is not type(None)][0]
        return 5 if inner is int else 0.5
    if isinstance(value, bool):
        return not value
    if isinstance(value, Severity):
        return Severity.MINOR if value is not Severity.MINOR else Severity.MAJOR
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return round(value + 0.01, 6)
    if isinstance(value, str):
        return "none"  # a model name: switch it off
    if isinstance(value, frozenset):
        return value | {"planning"}
    raise AssertionError(f"no variation for {value!r} ({hint})")


def _variants():
    """(label, config) with exactly one setting changed from the defaults."""
    base = CheckConfig()
    for name, registration in REGISTRY.items():
        if registration.traits.needs:
            continue  # runs only with its model (NLI): without it, its config has no effect
        config = registration.config()
        hints = typing.get_type_hints(registration.config)
        for f in fields(config):
            yield f"{name}.{f.name}", base.with_detector(name, **{f.name: _changed(getattr(config, f.name), hints[f.name])})
    hints = typing.get_type_hints(AlignOptions)
    for f in fields(AlignOptions):
        value = _changed(getattr(base.align, f.name), hints[f.name])
        yield f"align.{f.name}", replace(base, align=replace(base.align, **{f.name: value}))
    for f in fields(ThresholdOverrides):
        yield f"thresholds.{f.name}", replace(base, thresholds=replace(base.thresholds, **{f.name: 0.5}))
    yield "parallel_word_overlap", replace(base, parallel_word_overlap=0.6)
    yield "detectors", replace(base, detectors=("sentence", "negation"))


def test_every_setting_changes_the_signature():
    base = fidelity.check(ORIGINAL, REWRITE).settings["signature"]
    seen = {base}
    for label, config in _variants():
        signature = fidelity.check(ORIGINAL, REWRITE, config=config).settings["signature"]
        assert signature != base, f"changing {label} left the signature unchanged"
        seen.add(signature)
    assert len(seen) > 60  # one distinct signature per setting (a few hundred checks of one pair)


def test_settings_record_each_detectors_config():
    settings = fidelity.check(ORIGINAL, REWRITE).settings
    assert list(settings["detectors"]) == [n for n, r in REGISTRY.items() if r.traits.needs is None]
    assert settings["detectors"]["clauses"]["long_clause"] == 10
    assert settings["detectors"]["certainty"]["strong_kinds"] == ["negotiating", "reported", "wanting"]
    assert settings["align"]["move_margin"] == 0.2 and settings["thresholds"]["counterpart"] > 0


def test_thresholds_override_reaches_the_verdicts():
    plain = fidelity.check(ORIGINAL, REWRITE)
    strict = fidelity.check(ORIGINAL, REWRITE, config=CheckConfig(thresholds=ThresholdOverrides(equivalent=0.99)))
    assert plain.alignment[0].score < 0.99
    assert strict.alignment[0].verdict.value == "changed" and strict.settings["thresholds"]["equivalent"] == 0.99


def test_registry_traits_replace_name_checks():
    assert REGISTRY["sentence"].traits.level is Level.VERDICT
    assert REGISTRY["nli"].traits.level is Level.SENTENCE and REGISTRY["nli"].traits.needs == "nli"
    cue_detectors = {n for n, r in REGISTRY.items() if r.traits.cue}
    assert cue_detectors == {"negation", "certainty", "attribution", "loaded_language", "tone"}


def test_from_mapping_converts_and_rejects():
    config = CheckConfig.from_mapping({"detectors": ["negation"], "numbers": {"changed": "critical"},
                                       "thresholds": {"equivalent": 1}, "align": {"window": 7}})
    assert config.detectors == ("negation",) and config.detector_config("numbers").changed is Severity.CRITICAL
    assert config.thresholds.equivalent == 1.0 and config.align.window == 7
    with pytest.raises(ConfigError, match="unknown setting 'wording.synonim'"):
        CheckConfig.from_mapping({"wording": {"synonim": 0.3}})
    with pytest.raises(ConfigError, match="unknown setting 'wordin'"):
        CheckConfig.from_mapping({"wordin": {}})
    with pytest.raises(ConfigError, match="'numbers.changed' must be one of"):
        CheckConfig.from_mapping({"numbers": {"changed": "huge"}})
    with pytest.raises(ConfigError, match="'align.window' must be int"):
        CheckConfig.from_mapping({"align": {"window": "wide"}})
    with pytest.raises(UnknownDetectorError, match="unknown detector 'negaton'"):
        CheckConfig(detectors=("negaton",))


runner = CliRunner()


def test_cli_detectors_selects_findings_on_the_seeds():
    result = runner.invoke(app, ["check", str(CNN), str(DEFNET), "--original-date", "2023-05-10",
                                 "--detectors", "negation,numbers", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert list(report["settings"]["detectors"]) == ["negation", "numbers"]
    detectors = {f["detector"] for f in report["findings"]}
    assert "numbers" in detectors and detectors <= {"negation", "numbers"}  # nothing else is reported
    assert "|det:negation+numbers|" in report["settings"]["signature"]


def test_cli_config_file_changes_result_and_signature(tmp_path):
    args = ["check", str(CNN), str(DEFNET), "--original-date", "2023-05-10", "--format", "json"]
    default = json.loads(runner.invoke(app, args).output)
    config = tmp_path / "strict.toml"
    # A clause of 3 words without a counterpart is a passage of its own: major, not minor.
    config.write_text("[clauses]\nlong_clause = 3\n", encoding="utf-8")
    tuned = json.loads(runner.invoke(app, args + ["--config", str(config)]).output)

    def clause_severities(report):
        return Counter(f["severity"] for f in report["findings"] if f["detector"] == "clauses")

    before, after = clause_severities(default), clause_severities(tuned)
    assert after["major"] > before["major"] and after["minor"] < before["minor"]
    assert sum(after.values()) == sum(before.values())  # the same clauses, graded differently
    assert tuned["settings"]["detectors"]["clauses"]["long_clause"] == 3
    assert tuned["settings"]["signature"] != default["settings"]["signature"]
    # Findings of the other detectors are unchanged.
    rest = [(f["detector"], f["message"]) for f in default["findings"] if f["detector"] not in ("clauses", "sentence")]
    assert rest == [(f["detector"], f["message"]) for f in tuned["findings"]
                    if f["detector"] not in ("clauses", "sentence")]


def test_cli_config_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[wording]\nsynonim = 0.3\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(CNN), str(DEFNET), "--config", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "unknown setting 'wording.synonim'" in result.output
    result = runner.invoke(app, ["check", str(CNN), str(DEFNET), "--detectors", "negation,numbrs"])
    assert result.exit_code == 2 and "unknown detector 'numbrs'" in result.output
    result = runner.invoke(app, ["check", str(CNN), str(DEFNET), "--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "config file not found" in result.output


def test_cli_lists_detectors_and_round_trips_toml(tmp_path):
    result = runner.invoke(app, ["detectors"])
    assert result.exit_code == 0
    for name in REGISTRY:
        assert f"\n{name}: " in "\n" + result.output
    assert "long_clause = 10" in result.output
    toml = runner.invoke(app, ["detectors", "--toml"]).output
    path = tmp_path / "all.toml"
    path.write_text(toml, encoding="utf-8")
    loaded = CheckConfig.from_toml(path)
    assert loaded.to_dict() == CheckConfig().to_dict()
