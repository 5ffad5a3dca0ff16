"""Command line: a thin typer layer over ``fidelity.check``.

Exit codes: 0 = checked (and within any --fail-on/--fail-under limits), 1 = a limit was
crossed, 2 = bad input or usage (one line on stderr, never a traceback).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from fidelity import __version__
from fidelity.errors import FidelityError
from fidelity.frontends.batch.engines import ENGINES
from fidelity.frontends.cli_common import fail as _fail
from fidelity.frontends.cli_common import write as _write
from fidelity.frontends.cli_glossary import glossary_app
from fidelity.frontends.cli_models import models_app
from fidelity.frontends.render.registry import ReportKind, format_choices
from fidelity.types import SEVERITY_ORDER, Severity

if TYPE_CHECKING:
    import datetime

    from fidelity.checking.config import CheckConfig
    from fidelity.checking.report import Report
    from fidelity.frontends.batch.manifest import Pair
    from fidelity.frontends.bilingual import BilingualReport
    from fidelity.frontends.render.registry import RenderOptions

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Check a rewrite or translation against its original.")
app.add_typer(models_app, name="models")
app.add_typer(glossary_app, name="glossary")


# The --format choices, from the renderer registry (``fidelity.frontends.render.registry``). They are
# built at run time, so a type checker cannot know their members: to it each is a plain Enum.
if TYPE_CHECKING:
    OutputFormat = Enum
    QuoteFormat = Enum
    SummaryFormat = Enum
else:
    OutputFormat = format_choices(ReportKind.PAIR, "OutputFormat")
    QuoteFormat = format_choices(ReportKind.QUOTES, "QuoteFormat")
    SummaryFormat = format_choices(ReportKind.SUMMARY, "SummaryFormat")


# The --engine choices, from the batch engine registry (``fidelity.frontends.batch.engines``).
Engine = Enum("Engine", {name: name for name in ENGINES}, type=str)  # type: ignore[misc]


class Sensitivity(str, Enum):
    high = "high"
    balanced = "balanced"
    precise = "precise"


class DeviceChoice(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


# An input above this many characters is refused (--max-chars): a 20 MB text is far beyond any
# article, and the check's time and memory grow with the input.
DEFAULT_MAX_CHARS = 20_000_000


@app.callback()
def main() -> None:
    """fidelity: sentence-align a rewrite with its original and report where the meaning deviates."""


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def _iso_date(value: str | None, option: str) -> datetime.date | None:
    if value is None:
        return None
    import datetime

    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2023-05-10")


@app.command()
def check(
    original: Path = typer.Argument(..., help="The original text file ('-' for stdin)."),
    rewrite: Path | None = typer.Argument(
        None, help="The rewrite or translation ('-' for stdin); none when ORIGINAL is a bilingual file "
                   "(.xlf, .xliff, .po, .tmx: each unit is checked as a pair)."),
    format: OutputFormat | None = typer.Option(
        None, "--format", "-f",
        help="Report format: text (terminal), json (the contract), diff (word diff per bead, "
             "git --word-diff style), md (Markdown for tickets and PRs), html (side-by-side page; use --output), "
             "sarif (SARIF 2.1.0 for code scanning). Default: from --output's suffix (.json, .html, .md, "
             ".sarif, .diff), else text."),
    brief: bool = typer.Option(False, "--brief", help="One finding a line: FILE:LINE:COL: severity category: message."),
    show_all: bool = typer.Option(False, "--all", help="--format diff: show every bead, not only those with findings."),
    min_severity: Severity | None = typer.Option(
        None, "--min-severity", help="List only findings at least this severe (the score and counts keep all)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE instead of stdout."),
    original_lang: str | None = typer.Option(None, help="Language of the original (ISO 639-1); detected if omitted."),
    rewrite_lang: str | None = typer.Option(None, help="Language of the rewrite (ISO 639-1); detected if omitted."),
    original_date: str | None = typer.Option(
        None, metavar="YYYY-MM-DD",
        help="Publication date of the original: relative times ('last Wednesday') are read from it. "
             "Default: its date line, if any."),
    rewrite_date: str | None = typer.Option(
        None, metavar="YYYY-MM-DD", help="Publication date of the rewrite (default: its date line, else the original's)."),
    encoder: str = typer.Option(
        "auto", envvar="FIDELITY_ENCODER",
        help="Sentence encoder: auto (USE, or e5 for languages USE lacks), use, e5-small, a name from "
             "`fidelity models list`, a hub id, or a local model directory."),
    translator: str | None = typer.Option(
        None, envvar="FIDELITY_TRANSLATOR",
        help="Back-translate a rewrite in another language: a model directory (transformers or "
             "CTranslate2), a cached hub id, or 'none' (compare cross-lingually)."),
    nli: str | None = typer.Option(
        None, "--nli", metavar="MODEL", envvar="FIDELITY_NLI",
        help="Also judge each aligned pair with an NLI model (contradiction, omission, addition): "
             "mdeberta-xnli, a cached hub id, a local model directory, or 'none'."),
    judge: str | None = typer.Option(
        None, "--judge", metavar="MODEL", envvar="FIDELITY_JUDGE",
        help="Let the learned judge decide each aligned pair's severity: builtin (the shipped weights), "
             "a weights file, or none (the rules alone; the default: see the README's figures)."),
    sensitivity: Sensitivity = typer.Option(
        "balanced", "--sensitivity", help="The judge's thresholds: high (recall), balanced (best MCC), "
                                          "precise (few false alarms)."),
    device: DeviceChoice = typer.Option(DeviceChoice.auto, envvar="FIDELITY_DEVICE", help="Where models run."),
    offline: bool = typer.Option(
        False, "--offline", envvar="FIDELITY_OFFLINE",
        help="Never contact the model hub: use local directories and the cache only."),
    fail_on: Severity | None = typer.Option(None, help="Exit 1 if any finding is at least this severe."),
    fail_under: float | None = typer.Option(None, help="Exit 1 if the fidelity score (0-100) is below this."),
    color: bool | None = typer.Option(None, "--color/--no-color", help="Colour the text report (default: when stdout is a terminal)."),
    width: int | None = typer.Option(None, help="Width of the text report (default: terminal width or 160)."),
    detectors: str | None = typer.Option(
        None, "--detectors", metavar="NAME,NAME...",
        help="Run only these detectors (default: all; `fidelity detectors` lists them)."),
    config: Path | None = typer.Option(
        None, "--config", metavar="FILE.toml",
        help="Settings: detector selection and cut-offs, thresholds, aligner options (any subset; "
             "`fidelity detectors --toml` prints them all)."),
    glossary: list[Path] | None = typer.Option(
        None, "--glossary", metavar="FILE",
        help="A glossary the rewrite must follow (CSV, TSV, TOML or TBX; repeatable): required terms missing, "
             "forbidden forms used and terms rendered two ways are findings (the terminology detector)."),
    baseline: Path | None = typer.Option(
        None, "--baseline", metavar="FILE.jsonl",
        help="Accepted findings (`fidelity accept`): those matching are left out of the findings, the score and "
             "--fail-on/--fail-under, and counted in the summary."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on stderr (drawn by default on a "
                                                            "terminal for checks that take over 2 seconds)."),
    max_chars: int = typer.Option(
        DEFAULT_MAX_CHARS, "--max-chars", metavar="N", min=1,
        help="Refuse an input longer than N characters (exit 2), before any model loads."),
) -> None:
    """Compare REWRITE with ORIGINAL and report the deviations."""
    from fidelity.checking.checker import Checker, RunConfig, TextInput
    from fidelity.frontends.render import render

    if str(original) == "-" and str(rewrite) == "-":
        _fail("only one of ORIGINAL and REWRITE can be read from stdin")
    if fail_under is not None and not 0 <= fail_under <= 100:
        _fail(f"--fail-under {fail_under:g}: the score runs from 0 to 100")
    chosen = _format_for(format, output)
    if rewrite is None:
        _bilingual_usage(original, chosen, brief, output)
    if output is not None:
        _check_writable(output)
    for path in (original, rewrite):
        _check_size(path, max_chars)
    dates = {name: _iso_date(value, name) for name, value in
             (("--original-date", original_date), ("--rewrite-date", rewrite_date))}
    try:
        accepted = _baseline_entries(baseline)
        run = RunConfig(encoder=encoder, translator=translator, nli=nli, device=device.value,
                        offline=True if offline else None, judge=judge, sensitivity=sensitivity.value,
                        check=_check_config(config, detectors, glossary))
        checker = Checker.open(run)
        if rewrite is None:
            from fidelity.frontends.bilingual import check_file

            bilingual = check_file(original, checker, original_lang=original_lang, rewrite_lang=rewrite_lang,
                                   original_date=dates["--original-date"], rewrite_date=dates["--rewrite-date"],
                                   baseline=accepted)
        else:
            from fidelity.frontends.progress_bar import check_progress

            with check_progress(quiet) as progress:
                report = checker.check(TextInput(original, original_lang, dates["--original-date"]),
                                       TextInput(rewrite, rewrite_lang, dates["--rewrite-date"]), progress=progress)
    except FidelityError as exc:
        _fail(str(exc))
    if rewrite is None:  # a bilingual file: each unit's report had the baseline applied
        _bilingual_out(bilingual, "brief" if brief else chosen, output,
                       _render_options(output, min_severity, color, width, show_all))
        _exit_on_limits(bilingual, fail_on, fail_under)
        return
    if accepted is not None:
        from fidelity.frontends.baseline import apply_baseline

        report = apply_baseline(report, accepted)
    options = _render_options(output, min_severity, color, width, show_all)
    _write(render(ReportKind.PAIR, "brief" if brief else chosen, report, options), output)
    _exit_on_limits(report, fail_on, fail_under)


def _check_size(path: Path | None, max_chars: int) -> None:
    """Refuse a file longer than ``max_chars`` characters, with one line, before any model loads
    (standard input is read by the check itself)."""
    if path is None or str(path) == "-" or not path.is_file():
        return
    size = path.stat().st_size
    if size <= max_chars:  # a character takes at least one byte
        return
    if size > 4 * max_chars:  # and at most four (UTF-8)
        chars = None
    else:
        data = path.read_bytes()
        chars = len(data) - sum(data.count(bytes([b])) for b in range(0x80, 0xC0))  # UTF-8 continuation bytes
        if chars <= max_chars:
            return
    counted = f"{chars:,} characters" if chars is not None else f"at least {size // 4:,} characters"
    _fail(f"{path}: {counted}, more than --max-chars {max_chars:,} (raise --max-chars to check it)")


def _render_options(output: Path | None, min_severity: Severity | None, color: bool | None,
                    width: int | None, show_all: bool) -> RenderOptions:
    """How the report is shown: colour and the terminal's width when it goes to a terminal."""
    import shutil

    from fidelity.frontends.render import RenderOptions

    to_terminal = output is None and sys.stdout.isatty()
    return RenderOptions(min_severity=min_severity, color=to_terminal if color is None else color,
                         width=width or (shutil.get_terminal_size().columns if to_terminal else 160), show_all=show_all)


# An --output file's suffix names the report's format when --format is not given.
_SUFFIX_FORMATS = {".json": "json", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md",
                   ".sarif": "sarif", ".diff": "diff", ".patch": "diff", ".txt": "text"}


def _format_for(format: Enum | None, output: Path | None) -> str:
    """The report format: --format when given, else the one --output's suffix names, else text."""
    if format is not None:
        return str(format.value)
    return _SUFFIX_FORMATS.get(output.suffix.lower(), "text") if output is not None else "text"


def _bilingual_usage(path: Path, format: str, brief: bool, output: Path | None) -> None:
    """One argument is a bilingual file, reported in any format the pair report has (--format, --brief or
    --output's suffix), annotated when --output is in its own format: say so at once (before the check) otherwise."""
    from fidelity.frontends.bilingual import FORMATS, file_format
    from fidelity.frontends.render import formats

    path_format = file_format(path)
    if path_format is None:
        _fail(f"give REWRITE, or a bilingual file ({', '.join(FORMATS)}) as the one argument")
    if output is not None and file_format(output) not in (None, path_format):
        _fail(f"--output {output}: an annotated {path_format.upper()} file is written in its own format "
              f"({', '.join(s for s, f in FORMATS.items() if f == path_format)})")
    available = formats(ReportKind.BILINGUAL, flagged=False)
    if not brief and format not in available:  # a guard: the bilingual kind registers every pair format
        _fail(f"--format {format} is not available for a bilingual file: use --format {' or '.join(available)}")


def _bilingual_out(report: BilingualReport, format: str, output: Path | None, options: RenderOptions) -> None:
    """The report on stdout, or in --output; an --output in the input's bilingual format gets the
    input back with the (listed) findings as notes on their units."""
    from fidelity.frontends.bilingual import annotate, file_format
    from fidelity.frontends.render import render

    text = render(ReportKind.BILINGUAL, format, report, options)
    if output is None or file_format(output) is None:
        _write(text, output)
        return
    try:
        notes = annotate(report, output, options.min_severity)
    except FidelityError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    _write(text, None)
    typer.echo(f"fidelity: {notes} note{'' if notes == 1 else 's'} written on the units of {output}", err=True)


def _baseline_entries(path: Path | None) -> list[dict[str, Any]] | None:
    """The baseline's entries, read before the check (a bad file fails at once); None without one."""
    if path is None:
        return None
    from fidelity.frontends.baseline import read_baseline

    return read_baseline(path, must_exist=True)


@app.command()
def accept(
    report: Path = typer.Argument(..., help="A report written by `fidelity check ... --format json`."),
    baseline: Path = typer.Option(..., "--baseline", metavar="FILE.jsonl", help="The baseline to write or extend."),
    ids: str | None = typer.Option(None, "--ids", metavar="F003,F017", help="Accept these findings (UNIT:ID for a bilingual file's report)."),
    accept_all: bool = typer.Option(False, "--all", help="Accept every finding the report lists."),
) -> None:
    """Accept findings of REPORT (false alarms, deliberate changes): a later `check --baseline FILE` leaves them out."""
    from fidelity.frontends.baseline import accept as accept_findings
    from fidelity.frontends.baseline import read_baseline, read_report, write_baseline

    if accept_all == (ids is not None):
        _fail("give --ids F003,F017 or --all")
    wanted = None if ids is None else [i.strip() for i in ids.split(",") if i.strip()]
    try:
        entries, new = accept_findings(read_report(report), wanted, read_baseline(baseline))
        write_baseline(baseline, entries)
    except FidelityError as exc:
        _fail(str(exc))
        return
    except OSError as exc:
        _fail(f"cannot write {baseline}: {exc.strerror}")
        return
    typer.echo(f"fidelity accept: {new} finding{'' if new == 1 else 's'} added; {baseline} holds {len(entries)}", err=True)


def _exit_on_limits(report: Report | BilingualReport, fail_on: Severity | None, fail_under: float | None) -> None:
    """Exit 1, with one line on stderr naming the limit, when --fail-on or --fail-under is crossed."""
    if fail_on is not None:
        n = sum(1 for f in report.findings if SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[fail_on])
        if n:
            typer.echo(f"fidelity: {n} finding{'s' if n != 1 else ''} at or above {fail_on.value} "
                       f"(--fail-on {fail_on.value})", err=True)
            raise typer.Exit(1)
    if fail_under is not None and (report.score is None or report.score < fail_under):
        score = "none (nothing was compared)" if report.score is None else f"{report.score:.1f}"
        typer.echo(f"fidelity: score {score} is below {fail_under:g} (--fail-under)", err=True)
        raise typer.Exit(1)


def _check_writable(output: Path) -> None:
    """Fail at once (before the check runs) on an --output path that cannot be written."""
    import os

    if output.is_dir():
        _fail(f"--output {output} is a directory")
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        _fail(f"--output {output}: directory {parent} does not exist")
    if output.exists() and not os.access(output, os.W_OK):
        _fail(f"--output {output} is not writable")
    if not output.exists() and not os.access(parent, os.W_OK | os.X_OK):
        _fail(f"--output {output}: directory {parent} is not writable")


@app.command()
def batch(
    manifest: Path | None = typer.Argument(
        None, help="CSV or JSON-lines manifest: columns original, rewrite (paths relative to the manifest's "
                   "folder); optional id, original_lang, rewrite_lang, original_date, rewrite_date; other "
                   "columns are carried into the results."),
    output: Path = typer.Option(..., "--output", "-o", help="Results, one JSON line per pair (appended; a rerun resumes)."),
    originals: Path | None = typer.Option(None, "--originals", metavar="DIR", help="Instead of a manifest: originals ..."),
    rewrites: Path | None = typer.Option(None, "--rewrites", metavar="DIR", help="... and rewrites, matched by file name."),
    original_lang: str | None = typer.Option(None, help="Default language of the originals (ISO 639-1)."),
    rewrite_lang: str | None = typer.Option(None, help="Default language of the rewrites (ISO 639-1)."),
    original_date: str | None = typer.Option(None, metavar="YYYY-MM-DD", help="Default publication date of the originals."),
    rewrite_date: str | None = typer.Option(None, metavar="YYYY-MM-DD", help="Default publication date of the rewrites."),
    encoder: str = typer.Option("auto", envvar="FIDELITY_ENCODER", help="Sentence encoder (as for `check`)."),
    translator: str | None = typer.Option(None, envvar="FIDELITY_TRANSLATOR", help="Back-translation model (as for `check`)."),
    nli: str | None = typer.Option(None, "--nli", metavar="MODEL", envvar="FIDELITY_NLI", help="NLI judge (as for `check`)."),
    judge: str | None = typer.Option(None, "--judge", metavar="MODEL", envvar="FIDELITY_JUDGE",
                                     help="The learned judge (as for `check`)."),
    sensitivity: Sensitivity = typer.Option("balanced", "--sensitivity", help="The judge's thresholds (as for `check`)."),
    device: DeviceChoice = typer.Option(DeviceChoice.auto, envvar="FIDELITY_DEVICE", help="Where models run."),
    offline: bool = typer.Option(False, "--offline", envvar="FIDELITY_OFFLINE", help="Never contact the model hub."),
    detectors: str | None = typer.Option(None, "--detectors", metavar="NAME,NAME...", help="Run only these detectors."),
    config: Path | None = typer.Option(None, "--config", metavar="FILE.toml", help="Settings (as for `check`)."),
    glossary: list[Path] | None = typer.Option(None, "--glossary", metavar="FILE",
                                               help="A glossary the rewrites must follow (as for `check`; repeatable)."),
    cache: Path | None = typer.Option(
        None, "--cache", metavar="DIR", envvar="FIDELITY_CACHE_DIR",
        help="Embedding cache directory (SQLite; default ~/.cache/fidelity)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Keep no embeddings on disk."),
    retry_errors: bool = typer.Option(False, "--retry-errors", help="Check again the pairs an earlier run recorded as failed."),
    progress: bool | None = typer.Option(None, "--progress/--no-progress", help="Progress bar on stderr (default: when a terminal)."),
    workers: int | None = typer.Option(
        None, "--workers", min=1,
        help="Check in N processes (each loads the models once); with --engine ray, N actors (default 2 locally, "
             "one per CPU on a cluster)."),
    engine: Engine = typer.Option(
        next(iter(Engine)), "--engine",
        help="Where pairs are checked: " + ", or ".join(e.description for e in ENGINES.values()) + "."),
    address: str | None = typer.Option(
        None, "--address", metavar="ADDRESS",
        help="--engine ray: a running Ray cluster (auto, HOST:6379 or ray://HOST:10001); default a local instance."),
    reports: Path | None = typer.Option(
        None, "--reports", metavar="DIR", help="Also write each checked pair's own report into DIR (file name from its id)."),
    report_format: str | None = typer.Option(
        None, "--report-format", metavar="FORMAT", help="Format of the --reports files (default html if available, else md)."),
    summary_file: Path | None = typer.Option(
        None, "--summary", metavar="FILE", help="Then summarize the results into FILE (.html, .md, .csv or .json)."),
) -> None:
    """Check many pairs: one JSON report per line in OUTPUT; a rerun skips the pairs already done.

    Exit codes: 0 every pair checked, 1 some pairs failed (recorded with their error), 2 bad
    manifest or usage.
    """
    from fidelity.checking.checker import RunConfig
    from fidelity.frontends.batch import directory_pairs, manifest_pairs, run_batch
    from fidelity.frontends.summary import format_for, write_summary
    from fidelity.models.cache_files import default_cache_dir

    directories = originals is not None or rewrites is not None
    if (manifest is not None and directories) or (manifest is None and (originals is None or rewrites is None)):
        _fail("give a MANIFEST, or both --originals DIR and --rewrites DIR")
    if address is not None and not ENGINES[engine.value].takes_address:
        _fail(f"--address is for --engine {' or '.join(n for n, e in ENGINES.items() if e.takes_address)}")
    if summary_file is not None:
        _check_writable(summary_file)
    for name, value in (("--original-date", original_date), ("--rewrite-date", rewrite_date)):
        _iso_date(value, name)
    defaults = {"original_lang": original_lang, "rewrite_lang": rewrite_lang,
                "original_date": original_date, "rewrite_date": rewrite_date}

    def pairs() -> Iterator[Pair]:
        if manifest is not None:
            return manifest_pairs(manifest)
        assert originals is not None and rewrites is not None  # checked above: a manifest or both folders
        return directory_pairs(originals, rewrites)

    try:
        run = RunConfig(encoder=encoder, translator=translator, nli=nli, device=device.value,
                        offline=True if offline else None, cache_dir=None if no_cache else cache or default_cache_dir(),
                        judge=judge, sensitivity=sensitivity.value, check=_check_config(config, detectors, glossary))
        summary_format = format_for(summary_file) if summary_file is not None else None
        summary = run_batch(pairs, output, run=run, defaults=defaults, retry_errors=retry_errors, progress=progress,
                            workers=workers, engine=engine.value, address=address, reports=reports,
                            report_format=report_format)
        if summary_file is not None and summary_format is not None:  # both set, or neither
            write_summary(output, summary_format, summary_file)
    except FidelityError as exc:
        _fail(str(exc))
        return
    typer.echo(f"fidelity batch: {summary.line()}", err=True)
    raise typer.Exit(130 if summary.interrupted else summary.exit_code)


@app.command()
def summarize(
    results: Path = typer.Argument(..., help="A results file written by `fidelity batch`."),
    format: SummaryFormat | None = typer.Option(
        None, "--format", "-f", help="html (one self-contained page), md, csv (one row per pair) or json (all of it). "
                                     "Default: from --output's suffix, else md."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the summary to FILE instead of stdout."),
) -> None:
    """Summarize a batch: pairs worst first, score distribution, counts by category, outlet and language pair,
    and each story's names as its rewrites render them."""
    from fidelity.frontends.summary import format_for, write_summary

    if output is not None:
        _check_writable(output)
    try:
        chosen = format.value if format is not None else format_for(output) if output is not None else "md"
        text = write_summary(results, chosen, output)
    except FidelityError as exc:
        _fail(str(exc))
        return
    if output is None:
        sys.stdout.write(text)


def _check_config(path: Path | None, detectors: str | None, glossary: list[Path] | None = None) -> CheckConfig:
    """The check's config: the TOML file's, then ``--detectors`` over it and ``--glossary`` after its glossaries."""
    from dataclasses import replace

    from fidelity.checking.config import CheckConfig

    config = CheckConfig.from_toml(path) if path is not None else CheckConfig()
    if detectors is not None:
        names = tuple(d.strip() for d in detectors.split(",") if d.strip())
        if not names:
            _fail("--detectors needs at least one name; `fidelity detectors` lists them")
        config = replace(config, detectors=names)
    if glossary:
        config = replace(config, glossary=(*config.glossary, *glossary))
    return config


@app.command("detectors")
def list_detectors(
    toml: bool = typer.Option(False, "--toml", help="Print every default setting as a --config TOML file."),
) -> None:
    """List the registered detectors, their traits and default configs."""
    from fidelity.checking.config import CheckConfig
    from fidelity.checking.detectors import REGISTRY

    defaults = CheckConfig().to_dict()
    if toml:
        typer.echo(_as_toml(defaults), nl=False)
        return
    for name, registration in REGISTRY.items():
        t = registration.traits
        traits = [t.level.value + " level", t.scope.value] + (["cue lists"] if t.cue else []) + (
            [f"needs --{t.needs}"] if t.needs else [])
        typer.echo(f"{name}: {registration.summary}")
        typer.echo(f"    traits: {', '.join(traits)}")
        typer.echo(f"    categories: {', '.join(registration.categories)}")
        typer.echo(f"    config: {registration.config.__name__}")
        for key, value in defaults[name].items():
            typer.echo(f"      {key} = {_toml_value(value)}")


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _as_toml(settings: dict[str, Any]) -> str:
    """``CheckConfig.to_dict()`` as TOML (unset optional values are left out: TOML has no null)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in settings.items() if not isinstance(v, dict) and v is not None]
    for table, values in settings.items():
        if isinstance(values, dict):
            lines += ["", f"[{table}]"]
            lines += [f"{k} = {_toml_value(v)}" if v is not None else f"# {k}: unset (its default is derived from the encoder or other options)"
                      for k, v in values.items()]
    return "\n".join(lines) + "\n"


@app.command()
def quotes(
    original: Path = typer.Argument(..., help="The original text file."),
    others: list[Path] = typer.Argument(..., help="Texts whose quotations are traced to the original."),
    format: QuoteFormat = typer.Option(QuoteFormat.__members__["text"], "--format", "-f", help="Report format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE instead of stdout."),
    encoder: str = typer.Option("auto", envvar="FIDELITY_ENCODER", help="Sentence encoder (as for `check`)."),
) -> None:
    """Trace every quotation in OTHERS to its source in ORIGINAL: verbatim, altered (with the diff) or not found."""
    from fidelity.checking.checker import Checker, RunConfig
    from fidelity.frontends.render import render

    try:
        traces = Checker.open(RunConfig(encoder=encoder)).trace(original, others)
    except FidelityError as exc:
        _fail(str(exc))
        return
    _write(render(ReportKind.QUOTES, format.value, traces), output)


if __name__ == "__main__":  # pragma: no cover
    app()
