"""Glossaries: the terms a rewrite must use, and the forms it must not.

One ``Entry`` says: where the original says ``source``, the rewrite says ``target`` (or one of
``allowed``), never one of ``forbidden``. An entry with no ``source`` is house style for the
rewrite's language alone: ``,Beijing,Peking`` means "write Beijing, never Peking".

Read from a CSV or TSV file with a header (``source``, ``target``; optional ``forbidden`` and
``allowed``, several forms separated by ``|``, ``note``, ``severity``, ``case_sensitive``,
``source_lang``, ``target_lang``; ``count``, written by ``fidelity glossary extract``, is ignored),
a TOML file (``[[term]]`` tables with those keys, or a plain ``[terms]`` table of
``source = "target"``), or a TBX file (through translate-toolkit, the ``bilingual`` extra). Every
problem with a glossary is one ``GlossaryError`` line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fidelity.errors import FidelityError
from fidelity.text.lang import base_language
from fidelity.types import Severity


class GlossaryError(FidelityError):
    pass


@dataclass(frozen=True)
class Entry:
    source: str  # the original's term; "" for a house-style entry (the rewrite's language only)
    target: str  # the term the rewrite must use
    forbidden: tuple[str, ...] = ()  # forms the rewrite must not use
    note: str = ""
    source_lang: str | None = None  # None: any language
    target_lang: str | None = None
    severity: Severity | None = None  # None: the detector's default
    case_sensitive: bool = False
    allowed: tuple[str, ...] = ()  # other forms of the target the rewrite may use

    @property
    def house_style(self) -> bool:
        return not self.source

    @property
    def renderings(self) -> tuple[str, ...]:
        """The forms the rewrite may use: the target first."""
        return (self.target, *self.allowed)

    def describe(self) -> str:
        """The entry as a message quotes it: 'North Korea' → 'Nordkorea' (never 'DPRK'; a note)."""
        said = f"'{self.source}' → '{self.target}'" if self.source else f"use '{self.target}'"
        extra = [f"or '{a}'" for a in self.allowed]
        if self.forbidden:
            extra.append("never " + ", ".join(f"'{f}'" for f in self.forbidden))
        if self.note:
            extra.append(self.note)
        return said + (f" ({'; '.join(extra)})" if extra else "")

    def applies(self, original_language: str, rewrite_language: str) -> bool:
        """Whether the entry speaks to a bead in these two languages (an entry without languages
        speaks to every bead)."""
        return ((self.source_lang is None or self.house_style or self.source_lang == base_language(original_language))
                and (self.target_lang is None or self.target_lang == base_language(rewrite_language)))


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...] = ()
    sources: tuple[str, ...] = ()  # the files it was read from

    @property
    def name(self) -> str:
        return "+".join(self.sources) or "glossary"

    def __bool__(self) -> bool:
        return bool(self.entries)

    def digest(self) -> str:
        """A digest of every entry: two glossaries with the same digest give the same findings."""
        data = json.dumps([asdict(e) for e in self.entries], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:10]

    def settings(self) -> dict[str, Any]:
        return {"files": list(self.sources), "entries": len(self.entries), "digest": self.digest()}

    @classmethod
    def of(cls, entries: Iterable[Entry], sources: Sequence[str] = ()) -> Glossary:
        """A glossary of ``entries``, checked: both sides of a language-pair entry present, no
        form both required and forbidden, no source term with two different required targets."""
        kept: list[Entry] = []
        required: dict[tuple[str, str | None, str | None], Entry] = {}
        where = " + ".join(sources) or "glossary"
        for entry in entries:
            if not entry.target.strip():
                side = f"'{entry.source}'" if entry.source else "a house-style entry"
                raise GlossaryError(f"{where}: {side} has an empty target term")
            clash = {f.casefold() for f in entry.forbidden} & {r.casefold() for r in entry.renderings}
            if clash:
                raise GlossaryError(f"{where}: '{sorted(clash)[0]}' is both required and forbidden")
            if entry.source:
                key = (entry.source if entry.case_sensitive else entry.source.casefold(),
                       entry.source_lang, entry.target_lang)
                earlier = required.get(key)
                if earlier is not None:
                    if earlier.target.casefold() != entry.target.casefold():
                        raise GlossaryError(f"{where}: '{entry.source}' has two required targets, "
                                            f"'{earlier.target}' and '{entry.target}'")
                    continue  # the same entry twice
                required[key] = entry
            kept.append(entry)
        return cls(tuple(kept), tuple(sources))

    @classmethod
    def merged(cls, glossaries: Iterable[Glossary]) -> Glossary:
        glossaries = list(glossaries)
        return cls.of([e for g in glossaries for e in g.entries], [s for g in glossaries for s in g.sources])


def read_glossaries(paths: Iterable[str | Path]) -> Glossary:
    """One glossary from several files (``--glossary`` given more than once)."""
    return Glossary.merged(read_glossary(p) for p in paths)


def read_glossary(path: str | Path) -> Glossary:
    """A glossary file, by its suffix: .csv, .tsv (or .txt), .toml, .tbx."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        return Glossary.of(_tbx_entries(path), [str(path)])
    text = _read_text(path)
    if suffix == ".toml":
        return Glossary.of(_toml_entries(text, str(path)), [str(path)])
    if suffix in (".csv", ".tsv", ".txt", ".tab"):
        return Glossary.of(_table_entries(text, str(path), "," if suffix == ".csv" else "\t"), [str(path)])
    raise GlossaryError(f"{path}: a glossary is a .csv, .tsv, .toml or .tbx file")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GlossaryError(f"glossary not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"cannot read glossary {path}: {exc}") from None


def language_code(value: Any, where: str) -> str | None:
    """A glossary's language code as a base code ("en-GB" is "en"); an unknown code is an error."""
    if value is None or str(value).strip() == "":
        return None
    from fidelity.languages import registered

    code = base_language(str(value))
    if code in {lang.code for lang in registered()}:
        return code
    import pycountry

    if (len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None) or \
            (len(code) == 3 and pycountry.languages.get(alpha_3=code) is not None):
        return code
    raise GlossaryError(f"{where}: unknown language code {str(value)!r}")


def _forms(value: Any) -> tuple[str, ...]:
    """Several forms: a list, or one string separated by '|'."""
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split("|")
    return tuple(s for s in (str(i).strip() for i in items) if s)


def _severity(value: Any, where: str) -> Severity | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return Severity(str(value).strip().lower())
    except ValueError:
        raise GlossaryError(f"{where}: severity must be minor, major or critical, not {value!r}") from None


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("", "0", "false", "no", "n"):
        return False
    if text in ("1", "true", "yes", "y"):
        return True
    raise GlossaryError(f"{where}: case_sensitive must be true or false, not {value!r}")


COLUMNS = ("source", "target", "forbidden", "allowed", "note", "severity", "case_sensitive", "source_lang",
           "target_lang", "count")


def _entry(row: Mapping[str, Any], where: str, defaults: Mapping[str, Any] | None = None) -> Entry:
    """An entry from one row or table (its keys checked against ``COLUMNS``)."""
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise GlossaryError(f"{where}: unknown column {unknown[0]!r} (known: {', '.join(COLUMNS)})")
    values = {**(defaults or {}), **{k: v for k, v in row.items() if v is not None}}
    source = str(values.get("source") or "").strip()
    target = str(values.get("target") or "").strip()
    if not source and not target:
        raise GlossaryError(f"{where}: an entry with neither a source nor a target term")
    if not target:
        raise GlossaryError(f"{where}: '{source}' has an empty target term")
    return Entry(source=source, target=target, forbidden=_forms(values.get("forbidden")),
                 note=str(values.get("note") or "").strip(),
                 source_lang=language_code(values.get("source_lang"), where),
                 target_lang=language_code(values.get("target_lang"), where),
                 severity=_severity(values.get("severity"), where),
                 case_sensitive=_flag(values.get("case_sensitive"), where), allowed=_forms(values.get("allowed")))


def _table_entries(text: str, where: str, delimiter: str) -> list[Entry]:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise GlossaryError(f"{where}: the glossary is empty")
    if delimiter == "\t" and "\t" not in lines[0] and "," in lines[0]:
        delimiter = ","  # a .txt glossary written with commas
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    if "source" not in header or "target" not in header:
        raise GlossaryError(f"{where}: the header must name the columns 'source' and 'target' "
                            f"(and optionally {', '.join(COLUMNS[2:])})")
    reader.fieldnames = header
    entries = []
    for number, row in enumerate(reader, 2):
        if None in row:
            raise GlossaryError(f"{where}, line {number}: more fields than the header has columns")
        entries.append(_entry({k: v for k, v in row.items() if k}, f"{where}, line {number}"))
    return entries


def _toml_entries(text: str, where: str) -> list[Entry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{where} is not valid TOML: {exc}") from None
    defaults: dict[str, Any] = {k: data.pop(k) for k in ("source_lang", "target_lang", "severity", "case_sensitive") if k in data}
    terms = data.pop("term", [])
    simple = data.pop("terms", {})
    if data:
        raise GlossaryError(f"{where}: unknown key {sorted(data)[0]!r} (a glossary has [[term]] tables, a [terms] "
                            f"table, and source_lang, target_lang, severity, case_sensitive)")
    if not isinstance(terms, list) or not all(isinstance(t, dict) for t in terms) or not isinstance(simple, dict):
        raise GlossaryError(f"{where}: 'term' must be an array of tables ([[term]]), 'terms' a table")
    entries = [_entry(t, f"{where}, term {n}", defaults) for n, t in enumerate(terms, 1)]
    entries += [_entry({"source": s, "target": t}, f"{where}, terms.{s}", defaults) for s, t in simple.items()]
    if not entries:
        raise GlossaryError(f"{where}: the glossary is empty")
    return entries


def _tbx_entries(path: Path) -> list[Entry]:
    """TBX: each term entry's language sections. One section is house style for its language (its
    preferred or first allowed term required, deprecated terms forbidden); with several, the
    source language's section (the file's ``xml:lang``, else the first) gives the source term and
    each other section a target (preferred first, admitted ones allowed, deprecated forbidden)."""
    try:
        from translate.misc.xml_helpers import getXMLlang
        from translate.storage import tbx
    except ImportError:
        raise GlossaryError(f"{path}: reading TBX needs translate-toolkit: pip install 'fidelity[bilingual]'") from None
    if not path.is_file():
        raise GlossaryError(f"glossary not found: {path}")
    where = str(path)
    try:
        store = tbx.tbxfile.parsefile(str(path))
        file_lang = getXMLlang(store.document.getroot())
    except Exception as exc:  # lxml and translate-toolkit raise many kinds; any is one unreadable file
        raise GlossaryError(f"cannot read glossary {path}: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    entries: list[Entry] = []
    for unit in store.units:
        label = f"{where}, entry {unit.getid() or len(entries) + 1}"
        langs = [getXMLlang(node) for node in unit.getlanguageNodes()]
        note = "; ".join(n.text for n in unit.get_common_notes() if n.scope == "concept" and n.text)
        sections = {lang: unit.get_target_terms(lang) for lang in langs if lang}
        if not sections:
            continue
        source_lang = file_lang if file_lang in sections and len(sections) > 1 else langs[0]
        for lang, terms in sections.items():
            if lang == source_lang and len(sections) > 1:
                continue
            kept = [t.text.strip() for t in sorted(terms, key=_preference) if not t.deprecated and t.text.strip()]
            forbidden = tuple(t.text.strip() for t in terms if t.deprecated and t.text.strip())
            if not kept:
                raise GlossaryError(f"{label}: no allowed term in '{lang}'")
            source_terms = [t.text.strip() for t in sections.get(source_lang, []) if not t.deprecated] \
                if len(sections) > 1 else [""]
            for source in source_terms or [""]:
                if len(sections) > 1 and not source:
                    raise GlossaryError(f"{label}: an empty source term")
                entries.append(Entry(source=source, target=kept[0], forbidden=forbidden, note=note,
                                     source_lang=language_code(source_lang, label) if source else None,
                                     target_lang=language_code(lang, label), allowed=tuple(kept[1:])))
    if not entries:
        raise GlossaryError(f"{where}: the glossary is empty")
    return entries


def _preference(term: Any) -> int:
    """Preferred terms first, then the rest in their order."""
    return 0 if "preferred" in (term.administrative_status or "").lower() else 1


@dataclass(frozen=True)
class GlossaryFiles:
    """The glossary files a run names (``CheckConfig.glossary``), as the checker's model entry
    records them; read with ``read_glossaries`` when the checker opens."""

    paths: tuple[Path, ...]

    @property
    def name(self) -> str:
        return "+".join(str(p) for p in self.paths)

    def read(self) -> Glossary:
        return read_glossaries(self.paths)
