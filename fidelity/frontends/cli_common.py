"""What every CLI module does the same way: a user's mistake is one line on stderr and exit 2, and
a report goes to standard output or to a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer


def fail(message: str, code: int = 2) -> NoReturn:
    """``fidelity: error: MESSAGE`` on stderr, then exit ``code`` (2: bad input or usage)."""
    typer.echo(f"fidelity: error: {message}", err=True)
    raise typer.Exit(code)


def write(text: str, output: Path | None) -> None:
    """``text`` on standard output, or into ``output``; a file that cannot be written is a one-line error."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
