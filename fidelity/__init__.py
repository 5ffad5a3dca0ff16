"""fidelity: a multilingual translation-fidelity checker.

    >>> from pathlib import Path
    >>> import fidelity
    >>> report = fidelity.check(Path("original.txt"), Path("rewrite.txt"))
    >>> report.to_dict()["findings"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .errors import FidelityError, InputError, UnsupportedLanguageError  # noqa: E402

if TYPE_CHECKING:
    from .config import CheckConfig
    from .pipeline import check
    from .report import Report

__all__ = ["check", "CheckConfig", "Report", "FidelityError", "InputError", "UnsupportedLanguageError", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `import fidelity.clean` (or `fidelity --help`) does not load every stage.
    if name == "check":
        from .pipeline import check

        return check
    if name == "CheckConfig":
        from .config import CheckConfig

        return CheckConfig
    if name == "Report":
        from .report import Report

        return Report
    raise AttributeError(f"module 'fidelity' has no attribute {name!r}")
