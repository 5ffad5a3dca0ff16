"""Batch audits: check many (original, rewrite) pairs, one JSON line per pair, resumable.

Nothing is lost and nothing is done twice: each pair's result is appended to the output as one
whole line (one ``write``; an ``fsync`` at most once a second and at the end), and a rerun skips
every pair whose key is already in the output. The key is computed before the check from the
pair's id, the SHA-256 of both files' bytes, the per-row options (languages, dates) and the
settings signature (the config's ``to_dict()``, the encoder, translator and NLI names, the
version): change a text or a setting and the pair is checked again; a line cut short by a crash
is dropped on the next run. A pair that fails (missing, empty or binary file, an unsupported
language...) is recorded with its one-line error and the run goes on.

The manifest (CSV or JSON lines) is read row by row, twice: once to validate it and count the
pairs (so a bad manifest fails before any work, and the progress bar has a total), once to
check them. The pairs are checked here (one process, or ``workers`` spawned ones) or on Ray
(``engine="ray"``, ``batch_ray.py``); either way this process computes the keys, skips what is
done, builds each result line and writes it (and, with ``reports``, each pair's own report).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import __version__
from .errors import FidelityError

# Manifest columns with a meaning; every other column is carried through to the result line.
PATH_COLUMNS = ("original", "rewrite")
OPTION_COLUMNS = ("original_lang", "rewrite_lang", "original_date", "rewrite_date")
KNOWN_COLUMNS = ("id", *PATH_COLUMNS, *OPTION_COLUMNS)
# Keys of a result line besides the report's; an extra column with one of these names (or a
# report key's) is written as ``manifest_<name>``.
RESULT_KEYS = ("key", "status", "id", "error", "seconds", "original_path", "rewrite_path", "report",
               "original", "rewrite", "alignment", "findings", "set_aside", "summary", "settings")


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


# --- reading the pairs -------------------------------------------------------------------

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
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except ValueError as exc:
                        raise ManifestError(f"manifest {path}, line {number}: not JSON ({exc.msg})") from None
                    if not isinstance(row, dict):
                        raise ManifestError(f"manifest {path}, line {number}: not a JSON object")
                    yield number, row
                return
            reader = csv.DictReader(handle, delimiter="\t" if kind == "tsv" else ",")
            if reader.fieldnames is None:
                raise ManifestError(f"manifest {path} is empty")
            missing = [c for c in PATH_COLUMNS if c not in reader.fieldnames]
            if missing:
                raise ManifestError(f"manifest {path} has no {' or '.join(repr(c) for c in missing)} column "
                                    f"(columns: {', '.join(reader.fieldnames)})")
            for row in reader:
                yield reader.line_num, {k: v for k, v in row.items() if k is not None}
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


# --- keys and resuming -----------------------------------------------------------------

def settings_signature(config, *, encoder: str, translator: str | None, nli: str | None) -> str:
    """What decides a check's result besides the texts: a change re-checks every pair."""
    data = {"version": __version__, "config": config.to_dict(), "encoder": encoder,
            "translator": str(translator) if translator is not None else None,
            "nli": str(nli) if nli is not None else None}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _file_hash(path: Path) -> str:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError as exc:  # missing, a directory, unreadable: the check will say so
        return f"unreadable: {exc.strerror}"


def pair_key(pair: Pair, options: dict[str, str], signature: str) -> str:
    data = {"id": pair.id, "original": _file_hash(pair.original), "rewrite": _file_hash(pair.rewrite),
            "options": options, "settings": signature}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


_LINE_START = re.compile(rb'^\{"key": "([0-9a-f]{64})", "status": "(ok|error)"')


def done_keys(output: Path) -> dict[str, str]:
    """key -> status of every whole line already in ``output``; a trailing partial line (a crash
    mid-write) is cut off so the next line starts clean."""
    done: dict[str, str] = {}
    if not output.exists():
        return done
    good_end = 0
    with output.open("rb") as handle:
        offset = 0
        for line in handle:
            offset += len(line)
            if not line.endswith(b"\n"):
                break  # the partial last line
            good_end = offset
            match = _LINE_START.match(line)
            if match:
                done[match.group(1).decode()] = match.group(2).decode()
                continue
            try:
                data = json.loads(line)
                done[str(data["key"])] = str(data["status"])
            except (ValueError, KeyError, TypeError):
                continue  # not one of ours: left as it is, never counted as done
    if output.stat().st_size > good_end:
        with output.open("r+b") as handle:
            handle.truncate(good_end)
    return done


class ResultWriter:
    """Appends result lines, each whole (one ``write`` to the kernel before the next pair, so a
    killed process leaves whole lines), and ``fsync``s at most once a ``sync_every`` seconds and
    on close: a crash of the machine itself loses at most that last second's lines, which the
    rerun checks again. An fsync per pair cost 4.5 ms here, a quarter of a warm-cache run."""

    def __init__(self, output: Path, sync_every: float = 1.0) -> None:
        try:
            self.fd = os.open(output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise FidelityError(f"cannot write {output}: {exc.strerror}") from None
        self.output = output
        self.sync_every = sync_every
        self._synced = time.monotonic()

    def write(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:  # one write() for a regular file; the loop only covers a short write
            written = os.write(self.fd, view)
            view = view[written:]
        if time.monotonic() - self._synced >= self.sync_every:
            os.fsync(self.fd)
            self._synced = time.monotonic()

    def close(self) -> None:
        try:
            os.fsync(self.fd)
        finally:
            os.close(self.fd)


# --- running ---------------------------------------------------------------------------

@dataclass
class BatchSummary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0  # done in an earlier run
    skipped_failed: int = 0  # of those, recorded as failed
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.skipped_failed else 0

    def line(self) -> str:
        skipped = f"{self.skipped} skipped (done before" + (
            f", {self.skipped_failed} of them failed)" if self.skipped_failed else ")")
        text = f"{self.ok} succeeded, {self.failed} failed, {skipped}"
        return text + (" (interrupted: rerun to go on)" if self.interrupted else "")


def _one_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    text = lines[0].strip() if lines else ""
    return text if isinstance(exc, FidelityError) else f"{type(exc).__name__}: {text}".rstrip(": ")


def _iso_date(value: str | None, what: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FidelityError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


@dataclass
class Outcome:
    """One pair's check, as an engine hands it back to the writer."""

    status: str  # "ok" or "error"
    data: dict[str, Any]  # the report's dict, or {"error": one line}
    seconds: float
    rendered: str | None = None  # the pair's report in the --reports format (ok pairs only)


def check_pair(pair: Pair, options: dict[str, str], check_kwargs: dict[str, Any], cache=None,
               render: str | None = None) -> Outcome:
    """Check one pair; any failure is this pair's, recorded as a one-line error. ``render``: a
    name in ``fidelity.render.RENDERERS`` to render the report with as well."""
    from .pipeline import check

    start = time.perf_counter()
    rendered = None
    try:
        for side in ("original", "rewrite"):
            if str(getattr(pair, side)) in ("", "."):
                raise FidelityError(f"row {pair.row}: no {side} path")
        report = check(pair.original, pair.rewrite,
                       original_lang=options.get("original_lang"), rewrite_lang=options.get("rewrite_lang"),
                       original_date=_iso_date(options.get("original_date"), "original_date"),
                       rewrite_date=_iso_date(options.get("rewrite_date"), "rewrite_date"),
                       embedding_cache=cache, **check_kwargs)
        status, data = "ok", report.to_dict()
        if render is not None:
            from .render import RENDERERS

            rendered = RENDERERS[render](report)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # any failure is this pair's, recorded; the batch goes on
        status, data = "error", {"error": _one_line(exc)}
    finally:
        if cache is not None:  # the disk has this pair's embeddings: memory stays flat over the manifest
            from .encoders import clear_memory_caches

            clear_memory_caches()
    return Outcome(status, data, round(time.perf_counter() - start, 3), rendered)


def build_record(pair: Pair, key: str, outcome: Outcome, report: str | None = None) -> dict[str, Any]:
    """The result line: key and status first (``done_keys`` reads them without parsing the
    line), then the pair, its extra manifest columns, then the report's fields."""
    record: dict[str, Any] = {"key": key, "status": outcome.status, "id": pair.id,
                              "error": outcome.data.get("error") if outcome.status == "error" else None,
                              "seconds": outcome.seconds, "original_path": str(pair.original),
                              "rewrite_path": str(pair.rewrite), "report": report}
    for name, value in pair.extra.items():
        record[f"manifest_{name}" if name in RESULT_KEYS else name] = value
    if outcome.status == "ok":
        record.update(outcome.data)
    return record


# --- per-pair reports ------------------------------------------------------------------

REPORT_SUFFIX = {"html": ".html", "md": ".md", "json": ".json", "diff": ".diff"}


def default_report_format() -> str:
    """HTML when that renderer is registered, else Markdown."""
    from .render import RENDERERS

    return "html" if "html" in RENDERERS else "md"


def report_file_name(pair_id: str, format: str) -> str:
    """A safe file name from the pair's id: its letters, digits, ``.-_`` (the rest as ``_``), then a
    hash of the whole id, so that two ids that read alike never share a file."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", pair_id).strip("._")[:80] or "pair"
    digest = hashlib.sha256(pair_id.encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{digest}{REPORT_SUFFIX.get(format, '.txt')}"


def _write_report(folder: Path, output: Path, pair: Pair, format: str, text: str) -> str:
    """Write one pair's report (whole: a temporary file renamed); its path relative to the
    results file's folder, as the result line records it."""
    path = folder / report_file_name(pair.id, format)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise FidelityError(f"cannot write report {path}: {exc.strerror}") from None
    return Path(os.path.relpath(path.resolve(), output.resolve().parent)).as_posix()


Job = tuple[Pair, dict[str, str], str]  # a pair to check, its options and its key


def pending_pairs(pairs: Iterable[Pair], defaults: dict[str, str], signature: str, done: dict[str, str],
                  retry_errors: bool, summary: BatchSummary, on_skip: Callable[[], None] | None = None) -> Iterator[Job]:
    """The pairs still to check, with their options and keys: a pair whose key ``done`` holds is
    counted as skipped (unless it failed and ``retry_errors``); a key seen twice is checked once."""
    for pair in pairs:
        options = {**defaults, **pair.options}
        key = pair_key(pair, options, signature)
        previous = done.get(key)
        if previous is not None and not (retry_errors and previous == "error"):
            summary.skipped += 1
            summary.skipped_failed += previous == "error"
            if on_skip is not None:
                on_skip()
            continue
        done[key] = "pending"
        yield pair, options, key


def run_batch(
    pairs: Callable[[], Iterable[Pair]],
    output: str | Path,
    *,
    config=None,
    encoder: str = "auto",
    translator: str | None = None,
    nli: str | None = None,
    device: str = "auto",
    offline: bool | None = None,
    defaults: dict[str, str] | None = None,
    cache=None,
    retry_errors: bool = False,
    progress: bool | None = None,
    workers: int | None = None,
    engine: str = "local",
    address: str | None = None,
    reports: str | Path | None = None,
    report_format: str | None = None,
    on_error: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Check every pair that ``pairs()`` yields (called twice: to validate and count, then to run),
    appending one JSON line per pair to ``output``; pairs already there are skipped.

    ``defaults`` are per-row options (original_lang, rewrite_lang, original_date, rewrite_date)
    for rows that leave them empty. ``cache`` is an ``EmbeddingCache`` or None. ``progress``:
    a progress bar on stderr (default: when stderr is a terminal). Raises ``ManifestError``
    before any work when the manifest is bad. ``engine="local"``: ``workers`` > 1 checks in that
    many processes (each loads its models once); ``engine="ray"`` checks on Ray (``address``: a
    running cluster; default a local one with ``workers`` or 2 CPUs). Either way results are
    written by this process, in manifest order. ``reports``: a folder for each checked pair's
    own report, in ``report_format`` (a name in ``RENDERERS``; default HTML if registered, else
    Markdown); the result line's ``report`` is its path relative to ``output``'s folder.
    """
    from .config import CheckConfig
    from .render import RENDERERS

    if engine not in ("local", "ray"):
        raise FidelityError(f"unknown engine {engine!r} (local or ray)")
    if engine == "ray":
        from .batch_ray import require_ray

        require_ray()  # before any work: a one-line error without the extra
    render = None
    if reports is not None:
        render = report_format or default_report_format()
        if render not in RENDERERS:
            raise FidelityError(f"unknown report format {render!r} (one of: {', '.join(RENDERERS)})")
        reports = Path(reports)
        try:
            reports.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FidelityError(f"cannot make the reports folder {reports}: {exc.strerror}") from None
    config = config or CheckConfig()
    output = Path(output)
    defaults = {k: v for k, v in (defaults or {}).items() if v not in (None, "")}
    total = sum(1 for _ in pairs())  # validates every row first
    signature = settings_signature(config, encoder=encoder, translator=translator, nli=nli)
    done = done_keys(output)
    writer = ResultWriter(output)
    summary = BatchSummary()
    check_kwargs = dict(encoder=encoder, translator=translator, nli=nli, device=device, offline=offline, config=config)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _progress_bar(total) if show else None

    def report_error(text: str) -> None:
        if on_error is not None:
            on_error(text)
        elif bar is not None:
            bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)

    todo = pending_pairs(pairs(), defaults, signature, done, retry_errors, summary, bar.skip if bar else None)
    if engine == "ray":
        from .batch_ray import ray_outcomes

        results = ray_outcomes(todo, check_kwargs, cache, render, workers=workers, address=address)
    elif (workers or 1) > 1:
        results = _in_workers(todo, workers, check_kwargs, cache, render)
    else:
        results = ((pair, options, key, check_pair(pair, options, check_kwargs, cache, render))
                   for pair, options, key in todo)
    try:
        for pair, options, key, outcome in results:
            report = None
            if outcome.rendered is not None and reports is not None:
                report = _write_report(reports, output, pair, render, outcome.rendered)
            writer.write(build_record(pair, key, outcome, report))
            done[key] = outcome.status
            if outcome.status == "ok":
                summary.ok += 1
            else:
                summary.failed += 1
                report_error(f"fidelity: {pair.id}: {outcome.data['error']}")
            if bar:
                bar.advance()
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        results.close()  # stops the worker processes or Ray, if any
        writer.close()
        if bar:
            bar.stop()
    return summary


_WORKER: dict[str, Any] = {}


def _worker_init(check_kwargs: dict[str, Any], cache_dir: str | None, render: str | None) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from .embedding_cache import EmbeddingCache

    _WORKER["kwargs"] = check_kwargs
    _WORKER["cache"] = EmbeddingCache(cache_dir) if cache_dir else None
    _WORKER["render"] = render


def _worker_check(pair: Pair, options: dict[str, str]) -> Outcome:
    return check_pair(pair, options, _WORKER["kwargs"], _WORKER["cache"], _WORKER["render"])


def _in_workers(items: Iterator[Job], workers: int, check_kwargs: dict[str, Any], cache, render: str | None):
    """Check in ``workers`` processes; yield results in manifest order, at most a few pairs ahead
    of the writer (memory stays flat)."""
    import multiprocessing
    from collections import deque

    context = multiprocessing.get_context("spawn")
    cache_dir = str(cache.directory) if cache is not None else None
    pool = context.Pool(workers, initializer=_worker_init, initargs=(check_kwargs, cache_dir, render))
    pending: deque = deque()
    try:
        for pair, options, key in items:
            pending.append((pair, options, key, pool.apply_async(_worker_check, (pair, options))))
            while len(pending) >= workers * 2:
                pair_, options_, key_, result = pending.popleft()
                yield pair_, options_, key_, result.get()
        while pending:
            pair_, options_, key_, result = pending.popleft()
            yield pair_, options_, key_, result.get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


class _progress_bar:
    """A rich progress bar on stderr: pairs done, pairs/s, ETA (skipped pairs leave the total)."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=False)
        self.total = total
        self.done = 0
        self.started = time.perf_counter()
        self.task = self.progress.add_task("batch", total=total, rate="")
        self.progress.start()

    def skip(self) -> None:
        self.total -= 1
        self.progress.update(self.task, total=self.total)

    def advance(self) -> None:
        self.done += 1
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        self.progress.update(self.task, advance=1, rate=f"{rate:.2f} pairs/s")

    def stop(self) -> None:
        self.progress.stop()
