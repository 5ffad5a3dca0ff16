"""fidelity batch: resumable after SIGKILL, every pair once, bad rows recorded, bad manifests exit 2."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from fidelity.frontends.batch import done_keys, manifest_pairs
from fidelity.frontends.cli import app
from fidelity.models.encoders import _CachedEncoder

from .conftest import CNN, DEFNET, INSIDER, ROOT

WMT = ROOT.parent / "shared" / "eval" / "wmt21-ruen" / "newstest2021-ru-en.jsonl"
REFRESD = ROOT.parent / "shared" / "eval" / "refresd" / "REFreSD_sentence_labels"


def _build_manifest(folder: Path) -> tuple[Path, int]:
    """~30 pairs: WMT21 ru→en documents (first sentences, when ../shared is there), the seeds, and
    three bad rows (a missing, an empty and a binary file)."""
    rows = []
    if WMT.exists():
        with WMT.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if len(rows) >= 25:
                    break
                doc = json.loads(line)
                src, hyp = doc["src_ru"][:4], doc["hyp_online_b_en"][:4]
                if len(src) < 2:
                    continue
                (folder / f"wmt{n:03d}.ru.txt").write_text("\n\n".join(src) + "\n", encoding="utf-8")
                (folder / f"wmt{n:03d}.en.txt").write_text("\n\n".join(hyp) + "\n", encoding="utf-8")
                rows.append({"id": f"wmt-{n}", "original": f"wmt{n:03d}.ru.txt", "rewrite": f"wmt{n:03d}.en.txt",
                             "original_lang": "ru", "rewrite_lang": "en", "outlet": "wmt21"})
    seeds = folder / "seeds"
    seeds.mkdir()
    for path in (CNN, DEFNET, INSIDER):
        (seeds / path.name).write_bytes(path.read_bytes())
    rows.insert(min(3, len(rows)), {"id": "defnet", "original": f"seeds/{CNN.name}", "rewrite": f"seeds/{DEFNET.name}",
                                    "original_date": "2023-05-10", "outlet": "defnet"})
    rows.append({"id": "insider", "original": f"seeds/{CNN.name}", "rewrite": f"seeds/{INSIDER.name}",
                 "original_date": "2023-05-10", "outlet": "insider"})
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    rows.append({"id": "missing", "original": f"seeds/{CNN.name}", "rewrite": "nowhere.txt", "outlet": "x"})
    rows.append({"id": "empty", "original": f"seeds/{CNN.name}", "rewrite": "empty.txt", "outlet": "x"})
    rows.append({"id": "binary", "original": "binary.bin", "rewrite": f"seeds/{DEFNET.name}", "outlet": "x"})
    manifest = folder / "manifest.csv"
    columns = ["id", "original", "rewrite", "original_lang", "rewrite_lang", "original_date", "outlet"]
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return manifest, len(rows)


def fill_with_refresd(folder: Path, manifest: Path, total: int) -> int:
    """Fill the manifest up to ``total`` rows with REFreSD en–fr sentence pairs written as files,
    spread over the file (its labels come in runs); returns the number of rows."""
    with manifest.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, existing = list(reader.fieldnames or []), list(reader)
    lines = REFRESD.read_text(encoding="utf-8").splitlines()[1:]  # after the header
    wanted = max(0, total - len(existing))
    step = max(1, len(lines) // max(wanted, 1))
    added = []
    for n, line in enumerate(lines):
        if len(added) >= wanted:
            break
        if n % step:
            continue
        _binary, label, english, french = line.split("\t")
        (folder / f"refresd{n}.en.txt").write_text(english + "\n", encoding="utf-8")
        (folder / f"refresd{n}.fr.txt").write_text(french + "\n", encoding="utf-8")
        added.append({"id": f"refresd-{n}", "original": f"refresd{n}.en.txt", "rewrite": f"refresd{n}.fr.txt",
                      "original_lang": "en", "rewrite_lang": "fr", "outlet": label})
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(existing + added)
    return len(existing) + len(added)


def _batch(*args: str) -> list[str]:
    return [sys.executable, "-m", "fidelity.frontends.cli", "batch", *args, "--no-progress"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_WAIT_POLICY": "PASSIVE"}


def _results(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert record["id"] not in out, f"{record['id']} checked twice"
        out[record["id"]] = record
    return out


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.skipif(not REFRESD.exists(), reason="needs the dev data in ../shared/eval (REFreSD)")
def test_batch_resumes_after_sigkill(tmp_path):
    # 210 pairs: the seeds, WMT21 ru-en documents, REFreSD en-fr sentence pairs and three bad rows.
    manifest, rows = _build_manifest(tmp_path)
    total = fill_with_refresd(tmp_path, manifest, 210)
    assert total == 210
    clean, resumed = tmp_path / "clean.jsonl", tmp_path / "resumed.jsonl"
    run = subprocess.run(_batch(str(manifest), "-o", str(clean), "--no-cache"), env=_env(),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stderr  # three rows fail
    assert f"{total - 3} succeeded, 3 failed, 0 skipped" in run.stderr.strip().splitlines()[-1]

    process = subprocess.Popen(_batch(str(manifest), "-o", str(resumed), "--cache", str(tmp_path / "cache")),
                               env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _lines(resumed) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = _lines(resumed)
    assert 3 <= written < total, "killed part way"
    with resumed.open("ab") as handle:  # as if killed mid-write: a partial last line
        handle.write(b'{"key": "0123", "status": "ok", "id": "half')

    rerun = subprocess.run(_batch(str(manifest), "-o", str(resumed), "--cache", str(tmp_path / "cache")),
                           env=_env(), capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 1, rerun.stderr
    assert "skipped (done before" in rerun.stderr and f"{written} skipped" in rerun.stderr

    a, b = _results(clean), _results(resumed)
    assert set(a) == set(b) and len(a) == total
    for ident, record in a.items():
        other = b[ident]
        assert record["status"] == other["status"]
        assert record.get("findings") == other.get("findings"), ident
        assert record.get("summary") == other.get("summary"), ident
        assert record["outlet"] == other["outlet"]
    assert {i for i, r in a.items() if r["status"] == "error"} == {"missing", "empty", "binary"}
    assert "no such file" in a["missing"]["error"] and "empty" in a["empty"]["error"]
    assert "binary" in a["binary"]["error"] and "\n" not in a["binary"]["error"]
    assert a["defnet"]["summary"]["score"] is not None and a["defnet"]["original"]["date"]

    again = subprocess.run(_batch(str(manifest), "-o", str(resumed), "--no-cache"), env=_env(),
                           capture_output=True, text=True, timeout=300)
    assert f"0 succeeded, 0 failed, {total} skipped" in again.stderr
    assert _lines(resumed) == total


def test_manifest_errors_exit_2(tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text("id,source,target\n1,a.txt,b.txt\n", encoding="utf-8")
    for args in ([str(bad)], [str(tmp_path / "nope.csv")], []):
        result = runner.invoke(app, ["batch", *args, "-o", str(tmp_path / "out.jsonl")])
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out.jsonl").exists()
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"original": "a", "rewrite": "b"}\n{"original": \n', encoding="utf-8")
    result = runner.invoke(app, ["batch", str(broken), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2 and "line 2" in result.output


def test_manifest_rows_and_extra_columns(tmp_path):
    manifest = tmp_path / "sub" / "m.jsonl"
    manifest.parent.mkdir()
    manifest.write_text('{"original": "o.txt", "rewrite": "r.txt", "outlet": "X", "rank": 3}\n\n'
                        '{"id": "two", "original": "o.txt", "rewrite": "r2.txt", "rewrite_lang": "de"}\n',
                        encoding="utf-8")
    first, second = manifest_pairs(manifest)
    assert first.original == tmp_path / "sub" / "o.txt" and first.id == "r.txt"
    assert first.extra == {"outlet": "X", "rank": 3} and second.options == {"rewrite_lang": "de"}


def test_done_keys_drops_a_partial_line(tmp_path):
    out = tmp_path / "out.jsonl"
    key = "a" * 64
    out.write_bytes(f'{{"key": "{key}", "status": "error", "id": "x"}}\n{{"key": "{"b" * 64}", "sta'.encode())
    assert done_keys(out) == {key: "error"}
    assert out.read_bytes().endswith(b'"x"}\n')


def test_in_memory_embedding_cache_is_bounded():
    class Tiny(_CachedEncoder):
        dim = 2
        max_cached = 5

        def _encode_batch(self, texts):
            return np.ones((len(texts), 2))

    encoder = Tiny()
    vectors = encoder.encode([str(i) for i in range(12)])
    assert vectors.shape == (12, 2) and len(encoder._cache) == 5
    encoder.encode(["0", "11"])
    assert len(encoder._cache) == 5 and list(encoder._cache)[-2:] == ["11", "0"]  # "11" used, "0" again


def test_directories_and_workers(tmp_path):
    """--originals/--rewrites pairs files by name; --workers 2 writes what one process writes, in order."""
    from fidelity.frontends.batch import directory_pairs, run_batch

    originals, rewrites = tmp_path / "o", tmp_path / "r"
    originals.mkdir(), rewrites.mkdir()
    texts = [("The minister said on Wednesday that Japan plans to open an office in Tokyo. It would be the first in Asia.",
              "Japan plans to open an office in Tokyo, the minister said on Wednesday. It would not be the first in Asia."),
             ("Prices rose by 5 percent in May. The bank kept its rate unchanged.",
              "Prices rose by 15 percent in May. The bank kept its rate unchanged.")]
    for n, (o, r) in enumerate(texts):
        (originals / f"{n}.txt").write_text(o, encoding="utf-8")
        (rewrites / f"{n}.txt").write_text(r, encoding="utf-8")
    (originals / "alone.txt").write_text("Only an original.", encoding="utf-8")
    serial, parallel = tmp_path / "serial.jsonl", tmp_path / "parallel.jsonl"
    one = run_batch(lambda: directory_pairs(originals, rewrites), serial, progress=False, on_error=lambda _: None)
    two = run_batch(lambda: directory_pairs(originals, rewrites), parallel, progress=False, workers=2,
                    on_error=lambda _: None)
    assert (one.ok, one.failed, two.ok, two.failed) == (2, 1, 2, 1)
    a = [json.loads(line) for line in serial.read_text(encoding="utf-8").splitlines()]
    b = [json.loads(line) for line in parallel.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in a] == [r["id"] for r in b] == ["0.txt", "1.txt", "alone.txt"]
    assert [(r.get("findings"), r.get("summary")) for r in a] == [(r.get("findings"), r.get("summary")) for r in b]
    assert a[2]["status"] == "error" and "no such file" in a[2]["error"]
