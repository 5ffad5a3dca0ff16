"""`fidelity glossary`: propose a glossary from an aligned pair, and read one back to check it.

Exit codes: 0 done, 2 bad input or a bad glossary (one line on stderr).
"""

from __future__ import annotations

from pathlib import Path

import typer

from fidelity.errors import FidelityError
from fidelity.frontends.cli_common import fail as _fail
from fidelity.frontends.cli_common import write

glossary_app = typer.Typer(add_completion=False, no_args_is_help=True,
                           help="Glossaries the terminology detector follows (--glossary): extract one, check one.")


@glossary_app.command()
def extract(
    original: Path = typer.Argument(..., help="The original text file ('-' for stdin)."),
    rewrite: Path = typer.Argument(..., help="The rewrite or translation ('-' for stdin)."),
    original_lang: str | None = typer.Option(None, help="Language of the original (ISO 639-1); detected if omitted."),
    rewrite_lang: str | None = typer.Option(None, help="Language of the rewrite (ISO 639-1); detected if omitted."),
    encoder: str = typer.Option("auto", envvar="FIDELITY_ENCODER", help="Sentence encoder (as for `check`)."),
    offline: bool = typer.Option(False, "--offline", envvar="FIDELITY_OFFLINE", help="Never contact the model hub."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the TSV to FILE instead of stdout."),
    min_count: int = typer.Option(1, "--min-count", min=1, metavar="N", help="Only names aligned at least N times."),
    min_followed: float = typer.Option(
        0.0, "--min-followed", min=0.0, max=1.0, metavar="SHARE",
        help="Only names whose sentences in REWRITE follow the proposed entry at least this share of the time "
             "(0.8: a glossary REWRITE keeps)."),
) -> None:
    """Propose a glossary: the names of ORIGINAL's sentences with their counterparts in the aligned
    REWRITE sentences, with counts, as a TSV (source, target, allowed, count) to edit and keep as a
    --glossary (capitalised common words, weekdays and a title before another name are left out)."""
    from fidelity.checking.checker import Checker, RunConfig, TextInput
    from fidelity.checking.config import CheckConfig
    from fidelity.checking.glossary_extract import aligned_pair, propose_glossary, to_tsv

    if str(original) == "-" and str(rewrite) == "-":
        _fail("only one of ORIGINAL and REWRITE can be read from stdin")
    try:
        # The alignment is all that is needed: the sentence verdicts alone, no other detector.
        checker = Checker.open(RunConfig(encoder=encoder, offline=True if offline else None, context_model="none",
                                         check=CheckConfig(detectors=("sentence",))))
        report = checker.check(TextInput(original, original_lang), TextInput(rewrite, rewrite_lang))
        text = to_tsv(propose_glossary([aligned_pair(checker, report)], min_count, min_followed))
    except FidelityError as exc:
        _fail(str(exc))
    write(text, output)


@glossary_app.command("show")
def show(files: list[Path] = typer.Argument(..., help="Glossary files (CSV, TSV, TOML or TBX).")) -> None:
    """Read glossaries as a check would and list their entries (a bad glossary is a one-line error)."""
    from fidelity.text.glossary import read_glossaries

    try:
        glossary = read_glossaries(files)
    except FidelityError as exc:
        _fail(str(exc))
    for entry in glossary.entries:
        languages = f"{entry.source_lang or '*'}→{entry.target_lang or '*'}"
        typer.echo(f"{languages}\t{entry.describe()}")
    typer.echo(f"{len(glossary.entries)} entries, digest {glossary.digest()}", err=True)
