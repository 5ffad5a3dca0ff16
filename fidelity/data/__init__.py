"""Data files that ship inside the package, read with :mod:`importlib.resources` so that they are
found the same way in a checkout, an editable install and an installed wheel.

- ``manifest.toml``: the model manifest (its fields, licences and offline use: ``models/README.md``);
- ``perturbations.tsv``: the minimal-pair set, the reference pairs of threshold calibration
  (``fidelity/calibrate.py``) and the data of ``scripts/eval_perturbations.py`` (how it was built:
  ``scripts/data/README.md``).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(name: str) -> Traversable:
    """The packaged data file ``name`` (a :class:`pathlib.Path` when the package is on disk)."""
    return files(__name__) / name
