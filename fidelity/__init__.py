"""fidelity: a multilingual translation-fidelity checker.

    >>> from pathlib import Path
    >>> import fidelity
    >>> report = fidelity.check(Path("original.txt"), Path("rewrite.txt"))
    >>> report.to_dict()["findings"]

Many pairs with one run's models, loaded once::

    >>> checker = fidelity.Checker.open(fidelity.RunConfig(encoder="use"))
    >>> reports = [checker.check(Path(a), Path(b)) for a, b in pairs]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from fidelity.errors import FidelityError, InputError, UnsupportedLanguageError  # noqa: E402

if TYPE_CHECKING:
    from fidelity.checking.checker import Checker, RunConfig, TextInput, check
    from fidelity.checking.config import CheckConfig
    from fidelity.checking.report import Report

__all__ = ["check", "Checker", "RunConfig", "TextInput", "CheckConfig", "Report", "FidelityError", "InputError",
           "UnsupportedLanguageError", "__version__"]

# Public names and the module that holds each: imported on first use, so that `import fidelity.text.clean`
# (or `fidelity --help`) does not load every stage.
_LAZY = {"check": "checking.checker", "Checker": "checking.checker", "RunConfig": "checking.checker",
         "TextInput": "checking.checker", "CheckConfig": "checking.config", "Report": "checking.report"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'fidelity' has no attribute {name!r}")
