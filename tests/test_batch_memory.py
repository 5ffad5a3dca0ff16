"""fidelity batch keeps no embeddings in memory between pairs when the disk cache has them, and
its results are those of a run that kept them."""

import csv
import json

from fidelity.checking.checker import RunConfig
from fidelity.frontends.batch import manifest_pairs, run_batch
from fidelity.models.encoders import _LOADED

from .conftest import CNN, DEFNET, FIRSTPOST, INSIDER


def _manifest(folder):
    path = folder / "manifest.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "original", "rewrite", "original_date"])
        for rewrite in (DEFNET, INSIDER, FIRSTPOST):
            writer.writerow([rewrite.stem, str(CNN), str(rewrite), "2023-05-10"])
    return path


def _findings(path):
    return {r["id"]: (r["findings"], r["alignment"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_memory_caches_are_emptied_between_pairs_and_results_unchanged(tmp_path):
    manifest = _manifest(tmp_path)
    summary = run_batch(lambda: manifest_pairs(manifest), tmp_path / "cached.jsonl",
                        run=RunConfig(cache_dir=tmp_path / "cache"), progress=False)
    assert summary.ok == 3
    assert all(len(e._cache) == 0 for e in list(_LOADED)), "embeddings left in memory after the batch"

    kept = run_batch(lambda: manifest_pairs(manifest), tmp_path / "memory.jsonl", run=RunConfig(), progress=False)
    assert kept.ok == 3
    assert any(len(e._cache) for e in list(_LOADED)), "without a disk cache the memory cache is kept"
    assert _findings(tmp_path / "cached.jsonl") == _findings(tmp_path / "memory.jsonl")
