"""fidelity batch --engine ray writes what the local engine writes (same pairs, same findings) on a
50-pair manifest; without Ray installed it is a one-line error."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fidelity.checking.checker import RunConfig
from fidelity.frontends.batch import manifest_pairs, run_batch
from fidelity.frontends.cli import app

from .test_batch import REFRESD, _build_manifest, fill_with_refresd

PAIRS = 50


def _records(path: Path) -> dict[str, dict]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record.pop("seconds")  # timings differ; everything else must not
        assert record["id"] not in out
        out[record["id"]] = record
    return out


@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="Ray is not installed (pip install 'fidelity[ray]'; make install does)")
@pytest.mark.skipif(not REFRESD.exists(), reason="needs the dev data in ../shared/eval (REFreSD)")
def test_ray_engine_writes_what_the_local_engine_writes(tmp_path, capfd):
    manifest, _ = _build_manifest(tmp_path)
    total = fill_with_refresd(tmp_path, manifest, PAIRS)
    assert total == PAIRS
    local, ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    pairs = lambda: manifest_pairs(manifest)  # noqa: E731
    one = run_batch(pairs, local, progress=False, on_error=lambda _: None)
    # a first pair already done: the Ray run skips it, as the local engine would
    first = local.read_text(encoding="utf-8").splitlines()[0]
    ray.write_text(first + "\n", encoding="utf-8")
    # with the embedding cache, as `fidelity batch` runs by default: the actors' threads use it
    capfd.readouterr()
    two = run_batch(pairs, ray, progress=False, engine="ray", workers=2, run=RunConfig(cache_dir=tmp_path / "cache"),
                    on_error=lambda _: None)
    assert "core_worker.cc" not in capfd.readouterr().err  # no alarming error line from Ray on a run that succeeds
    assert (one.ok + one.failed, one.skipped) == (PAIRS, 0)
    assert (two.ok + 1, two.failed, two.skipped) == (one.ok, one.failed, 1)
    a, b = _records(local), _records(ray)
    assert set(a) == set(b) and len(a) == PAIRS
    for ident, record in a.items():
        assert b[ident] == record, ident  # status, error, findings, alignment, summary, settings, key
    assert {i for i, r in a.items() if r["status"] == "error"} == {"missing", "empty", "binary"}
    assert sum(1 for r in a.values() if r["status"] == "ok" and r["findings"]) > 10
    again = run_batch(pairs, ray, progress=False, engine="ray", on_error=lambda _: None)
    assert (again.ok, again.failed, again.skipped) == (0, 0, PAIRS)  # all done: Ray is not even started


def test_engine_ray_without_ray_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed: `import ray` raises ImportError
    manifest = tmp_path / "m.csv"
    manifest.write_text("original,rewrite\na.txt,b.txt\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(manifest), "-o", str(tmp_path / "out.jsonl"), "--engine", "ray"])
    assert result.exit_code == 2
    assert result.output.strip() == "fidelity: error: --engine ray needs Ray, which is not installed: pip install 'fidelity[ray]'"
    assert not (tmp_path / "out.jsonl").exists()
