"""fidelity batch's run: one Checker per worker (the encoder loads once for many pairs), keys from
the checker's signature, engines from a registry, and a manifest with a quote left open refused."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from fidelity.checking.checker import Checker, RunConfig
from fidelity.checking.config import CheckConfig
from fidelity.frontends.batch import ENGINES, directory_pairs, manifest_pairs, run_batch, run_signature
from fidelity.frontends.batch.manifest import ManifestError
from fidelity.frontends.cli import app
from fidelity.models.store import STORE

TEXTS = [("The minister said on Wednesday that Japan plans to open an office in Tokyo. It would be the first in Asia.",
          "Japan plans to open an office in Tokyo, the minister said on Wednesday. It would not be the first in Asia."),
         ("Prices rose by 5 percent in May. The bank kept its rate unchanged.",
          "Prices rose by 15 percent in May. The bank kept its rate unchanged.")]


def _folders(tmp_path):
    originals, rewrites = tmp_path / "o", tmp_path / "r"
    originals.mkdir(), rewrites.mkdir()
    for n, (original, rewrite) in enumerate(TEXTS):
        (originals / f"{n}.txt").write_text(original, encoding="utf-8")
        (rewrites / f"{n}.txt").write_text(rewrite, encoding="utf-8")
    return originals, rewrites


def test_local_engine_loads_the_encoder_once_for_two_pairs(tmp_path):
    originals, rewrites = _folders(tmp_path)
    STORE.clear()  # models loaded by earlier tests would hide this run's loads
    before = dict(STORE.loads)
    summary = run_batch(lambda: directory_pairs(originals, rewrites), tmp_path / "out.jsonl", run=RunConfig(),
                        progress=False)
    loads = {kind: STORE.loads[kind] - before.get(kind, 0) for kind in STORE.loads}
    assert (summary.ok, summary.failed) == (2, 0)
    assert loads["encoder"] == 1, loads  # one checker for both pairs, one load
    assert all(count <= 1 for count in loads.values()), loads
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["0.txt", "1.txt"]
    assert any(f["category"] == "number_changed" for f in records[1]["findings"]), records[1]["findings"]


def test_keys_follow_the_checkers_signature(tmp_path):
    run = RunConfig(encoder="use", device="cpu")
    assert run_signature(run) == Checker.open(run).signature()
    other = RunConfig(encoder="use", device="cpu", check=CheckConfig(detectors=("numbers",)))
    assert run_signature(other) != run_signature(run)


def test_engine_choices_come_from_the_registry():
    assert list(ENGINES) == ["local", "ray"]
    result = CliRunner().invoke(app, ["batch", "--help"], terminal_width=200)
    assert "[local|ray]" in result.output.replace(" ", "") or "<local|ray>" in result.output.replace(" ", "")


def test_a_quote_left_open_is_a_one_line_error_naming_its_row(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text('id,original,rewrite\none,o.txt,r.txt\ntwo,"o.txt,r.txt\nthree,o.txt,r.txt\n', encoding="utf-8")
    try:
        list(manifest_pairs(manifest))
    except ManifestError as exc:
        assert str(exc).startswith(f"manifest {manifest}, line 3: a quote opened here is never closed")
    else:
        raise AssertionError("a quote left open was read as a pair")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(manifest), "-o", str(out), "--no-progress", "--no-cache"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "line 3: a quote opened here is never closed" in result.output
    assert not out.exists()  # refused before any work
