"""The pairs of a batch: read from a CSV/TSV or JSON-lines manifest, or matched by name in two folders.

A manifest is read row by row (``fidelity batch`` reads it twice: once to validate and count,
once to check), so a bad manifest fails with one line (``ManifestError``, exit 2) before any work.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fidelity.errors import FidelityError

# Manifest columns with a meaning; every other column is carried through to the result line.
PATH_COLUMNS = ("original", "rewrite")
OPTION_COLUMNS = ("original_lang", "rewrite_lang", "original_date", "rewrite_date")
KNOWN_COLUMNS = ("id", *PATH_COLUMNS, *OPTION_COLUMNS)


class ManifestError(FidelityError):
    """A manifest that cannot be read: missing, not CSV/JSON lines, required columns missing."""


@dataclass
class Pair:
    id: str
    original: Path
    rewrite: Path
    options: dict[str, str] = field(default_factory=dict)  # original_lang... as given in the row
    extra: dict[str, Any] = field(default_factory=dict)
    row: int = 0


def _manifest_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).lstrip()
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc.strerror}") from None
    return "jsonl" if head.startswith(b"{") else "csv"


def _json_rows(path: Path, handle: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"manifest {path}, line {number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise ManifestError(f"manifest {path}, line {number}: not a JSON object")
        yield number, row


def _csv_rows(path: Path, handle: Iterable[str], delimiter: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # strict: a quote left open is an error, not a field that swallows every row after it
    reader = csv.DictReader(handle, delimiter=delimiter, strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise ManifestError(f"manifest {path}, line 1: {_csv_problem(exc)}") from None
    if fieldnames is None:
        raise ManifestError(f"manifest {path} is empty")
    missing = [c for c in PATH_COLUMNS if c not in fieldnames]
    if missing:
        raise ManifestError(f"manifest {path} has no {' or '.join(repr(c) for c in missing)} column "
                            f"(columns: {', '.join(fieldnames)})")
    while True:
        start = reader.line_num + 1  # the line this row starts on (a quoted field may span lines)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ManifestError(f"manifest {path}, line {start}: {_csv_problem(exc)}") from None
        yield reader.line_num, {k: v for k, v in row.items() if k is not None}


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if text == "unexpected end of data":
        return "a quote opened here is never closed (the row would run to the end of the file)"
    return f"not CSV ({text})"


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, the row as a dict) for each row of a CSV/TSV or JSON-lines manifest."""
    if not path.exists():
        raise ManifestError(f"manifest {path}: no such file")
    if path.is_dir():
        raise ManifestError(f"manifest {path} is a directory (for two directories use --originals and --rewrites)")
    kind = _manifest_format(path)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            if kind == "jsonl":
                yield from _json_rows(path, handle)
            else:
                yield from _csv_rows(path, handle, "\t" if kind == "tsv" else ",")
    except UnicodeDecodeError:
        raise ManifestError(f"manifest {path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise ManifestError(f"manifest {path}: {exc}") from None
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc.strerror}") from None


def manifest_pairs(path: str | Path) -> Iterator[Pair]:
    """The pairs of a manifest, row by row; paths are relative to the manifest's folder."""
    path = Path(path)
    base = path.parent
    for number, row in _rows(path):
        missing = [c for c in PATH_COLUMNS if c not in row]
        if missing:
            raise ManifestError(f"manifest {path}, line {number}: no {' or '.join(repr(c) for c in missing)}")
        original, rewrite = (str(row[c] if row[c] is not None else "").strip() for c in PATH_COLUMNS)
        ident = row.get("id")
        ident = str(ident) if ident not in (None, "") else rewrite or f"row {number}"
        options = {c: str(row[c]).strip() for c in OPTION_COLUMNS if row.get(c) not in (None, "")}
        extra = {k: v for k, v in row.items() if k not in KNOWN_COLUMNS}
        yield Pair(ident, base / original if original else Path(""), base / rewrite if rewrite else Path(""),
                   options, extra, number)


def directory_pairs(originals: str | Path, rewrites: str | Path) -> Iterator[Pair]:
    """Pairs matched by file name in two directories; a name found in only one is a failed pair."""
    originals, rewrites = Path(originals), Path(rewrites)
    for folder in (originals, rewrites):
        if not folder.is_dir():
            raise ManifestError(f"{folder} is not a directory")

    def names(folder: Path) -> set[str]:
        return {e.name for e in os.scandir(folder) if not e.name.startswith(".") and not e.is_dir()}

    for number, name in enumerate(sorted(names(originals) | names(rewrites)), 1):
        yield Pair(name, originals / name, rewrites / name, row=number)
