import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CNN = SEEDS / "001_77e8c4707eb41a8b.txt"  # the original
DEFNET = SEEDS / "000_a2e2bae9bb3cb44c.txt"  # rewrite via Russian
INSIDER = SEEDS / "003_e7a9e3d448b427a1.txt"  # rewrite via Russian, with additions
FIRSTPOST = SEEDS / "002_377d7d9fd1f87b0b.txt"
SPUTNIK = SEEDS / "004_7dc13ad905372cfa.txt"


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module, registered in ``sys.modules`` (dataclasses look their
    module up there)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def read_exact(path: Path) -> str:
    """The file decoded as the pipeline decodes it: UTF-8, no newline translation."""
    return path.read_bytes().decode("utf-8")


def assert_exact_spans(report, original: str, rewrite: str) -> None:
    """Every finding's span is the text at its offsets in the input as given."""
    for f in report.findings:
        if f.original:
            assert original[f.original.start : f.original.end] == f.original.text
        if f.rewrite:
            assert rewrite[f.rewrite.start : f.rewrite.end] == f.rewrite.text


@pytest.fixture(scope="session")
def seed_text():
    return read_exact
