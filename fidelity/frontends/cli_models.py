"""`fidelity models`: list the known models, show one, download one into the cache.

Exit codes: 0 done, 2 unknown model or a download that cannot happen (one line on stderr).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from fidelity.errors import FidelityError
from fidelity.frontends.cli_common import fail as _fail

if TYPE_CHECKING:
    from fidelity.models.manifest import ModelEntry

models_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="The models fidelity knows (fidelity/data/manifest.toml): list, info, fetch.")

HUB_ONLY = "hub only — needs `fidelity models fetch`"


def _languages(entry: ModelEntry) -> str:
    if entry.role == "translator" and len(entry.languages) == 2:
        src, tgt = entry.languages
        return "any → any" if src == tgt == "*" else f"{src} → {tgt}"
    if "*" in entry.languages:
        return "~100"
    return " ".join(entry.languages) if len(entry.languages) <= 4 else f"{len(entry.languages)} languages"


def _size(entry: ModelEntry) -> str:
    return f"{entry.size_mb:,.0f} MB" if entry.size_mb is not None else "?"


def _licence(entry: ModelEntry) -> str:
    return entry.licence + ("" if entry.licence_verified or entry.licence == "unknown" else " (unverified)")


@models_app.command("list")
def list_models(
    role: str = typer.Option(None, help="Only this role: encoder, translator, nli or judge."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Every model in the manifest, and whether it is available here now."""
    from rich.console import Console
    from rich.table import Table

    from fidelity.models.manifest import ROLES, load_manifest, local_status

    entries = [e for e in load_manifest() if role is None or e.role == role]
    if role is not None and role not in ROLES:
        _fail(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    rows = []
    for e in entries:
        available, where = local_status(e)
        if available:
            status = "available" + ("" if e.builtin else f" ({where})")
        elif e.hub_only:
            status = HUB_ONLY
        else:
            status = f"not installed: {where}" if where else HUB_ONLY
        rows.append((e, available, where, status))
    if as_json:
        typer.echo(json.dumps([{**e.to_dict(), "available": a, "local_path": w if a else None}
                               for e, a, w, _ in rows], ensure_ascii=False, indent=1))
        return
    table = Table(title="fidelity models (fidelity/data/manifest.toml)", show_lines=False)
    for column in ("name", "role", "languages", "size", "licence", "source", "here"):
        table.add_column(column, overflow="fold")
    for e, available, _, status in rows:
        table.add_row(e.name, e.role, _languages(e), _size(e), _licence(e), e.source,
                      "[green]available[/green]" if available else status)
    Console(width=max(190, Console().width), soft_wrap=False).print(table)


@models_app.command("info")
def info(name: str = typer.Argument(..., help="A model's short name, alias or hub id.")) -> None:
    """Every field of one model, and where it is on disk if it is."""
    from fidelity.models.manifest import find, local_status

    entry = find(name)
    if entry is None:
        from fidelity.models.manifest import load_manifest

        _fail(f"unknown model {name!r}; known: {', '.join(e.name for e in load_manifest())}")
    available, where = local_status(entry)
    fields = entry.to_dict()
    fields["licence"] = _licence(entry)
    fields["languages"] = ", ".join(entry.languages)
    fields["size_mb"] = _size(entry)
    fields["aliases"] = ", ".join(entry.aliases) or "-"
    fields["thresholds"] = (", ".join(f"{k}={v}" for k, v in entry.thresholds.items())
                            if entry.thresholds else "calibrated against USE when first loaded")
    fields["available"] = "yes" if available else "no"
    fields["local path"] = where if available else (HUB_ONLY if entry.hub_only else where or "-")
    width = max(len(k) for k in fields)
    for key, value in fields.items():
        if value in ("", None) or key == "licence_verified":
            continue
        typer.echo(f"{key:<{width}}  {value}")


@models_app.command("fetch")
def fetch(
    name: str = typer.Argument(..., help="A manifest name or a hub id."),
    timeout: float = typer.Option(10.0, help="Seconds to wait for the hub before giving up."),
) -> None:
    """Download a model into the cache (FIDELITY_CACHE, else the Hugging Face cache)."""
    from fidelity.models.manifest import cached_path, find
    from fidelity.models.manifest import fetch as do_fetch

    entry = find(name)
    if entry is not None and entry.builtin:
        typer.echo(f"{entry.name}: built in ({entry.source}); nothing to fetch")
        return
    hub_id = entry.hub if entry else name
    if hub_id:
        already = cached_path(hub_id)
        if already is not None:
            typer.echo(f"{name}: already in the cache: {already}")
            return
    try:
        path = do_fetch(name, timeout=timeout)
    except FidelityError as exc:
        _fail(str(exc))
        return
    typer.echo(f"{name}: {path}")
