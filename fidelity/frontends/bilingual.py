"""Bilingual files in and out: XLIFF, PO and TMX, read and written with translate-toolkit.

Each translation unit is one segment and its translation, aligned already: it is checked as one
pair (``fidelity.check(..., aligned=True)``: no alignment step, nothing set aside), in the
languages the file names. ``annotate`` writes the findings back as notes on their units, as
translate-toolkit's pofilter does, so that a CAT tool shows them beside the segment.

    result = check_file(Path("article.xlf"))             # a BilingualReport
    annotate(result, Path("annotated.xlf"))              # the same file with the findings as notes

Offsets in each unit's report index the unit's source and target text as translate-toolkit reads
them (inline markup flattened to its text).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fidelity.checking.report import CRITICAL_CAP, Report
from fidelity.errors import InputError
from fidelity.types import Finding, Severity

if TYPE_CHECKING:
    from fidelity.checking.checker import Checker

FORMATS = {".xlf": "xliff", ".xliff": "xliff", ".po": "po", ".tmx": "tmx"}
NOTE_ORIGIN = "fidelity"
_PREFIX = f"({NOTE_ORIGIN}) "  # PO and TMX notes keep no origin: the text says whose note it is


def file_format(path: Path) -> str | None:
    """``xliff``, ``po`` or ``tmx`` by the file's suffix; None for any other file."""
    return FORMATS.get(path.suffix.lower())


@dataclass(frozen=True)
class Unit:
    index: int  # 1-based position among the file's translation units
    id: str  # the format's own id (XLIFF id, TMX tuid, PO msgctxt or location), else "#index"
    source: str
    target: str


@dataclass(frozen=True)
class UnitReport:
    unit: Unit
    report: Report


@dataclass(frozen=True)
class Skipped:
    unit: Unit
    reason: str  # "untranslated", "empty source", or why the text could not be checked


@dataclass(frozen=True)
class BilingualReport:
    """A bilingual file's report, unit by unit; frozen like ``Report`` (display options go to the renderer)."""

    path: str
    format: str
    source_language: str | None
    target_language: str | None
    units: list[UnitReport]
    skipped: list[Skipped]
    store: Any = None  # the translate-toolkit store that was read (``annotate`` writes it back)

    @property
    def findings(self) -> list[Finding]:
        """Every unit's findings (``--fail-on`` counts these)."""
        return [f for u in self.units for f in u.report.findings]

    @property
    def score(self) -> float | None:
        """The units' scores weighted by their length, capped as a document's is when any unit has a
        critical finding; None when no unit was compared."""
        scored = [(u.report.score, len(u.unit.source) + len(u.unit.target)) for u in self.units
                  if u.report.score is not None]
        if not scored:
            return None
        score = sum(s * w for s, w in scored) / sum(w for _s, w in scored)
        if any(f.severity is Severity.CRITICAL for f in self.findings):
            score = min(score, CRITICAL_CAP)
        return round(score, 1)

    @property
    def settings(self) -> dict[str, Any]:
        """The check's settings (the same for every unit: one config, the file's languages)."""
        return self.units[0].report.settings if self.units else {}

    def summary(self, min_severity: Severity | None = None) -> dict[str, Any]:
        """Score and counts; with ``min_severity`` (and units to list), ``filtered`` says what a listing leaves out."""
        listed = [f for u in self.units for f in u.report.listed_findings(min_severity)]
        out: dict[str, Any] = {
            "score": self.score,
            "units": {"total": len(self.units) + len(self.skipped), "checked": len(self.units),
                      "skipped": len(self.skipped), "with_findings": sum(1 for u in self.units if u.report.findings)},
            "counts": {"findings": len(self.findings),
                       "severity": {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}},
        }
        if min_severity is not None and self.units:
            out["filtered"] = {"min_severity": min_severity.value, "findings": len(self.findings) - len(listed)}
        if any(u.report.suppressed is not None for u in self.units):
            out["suppressed"] = {"findings": sum(len(u.report.suppressed or []) for u in self.units)}
        return out

    def to_dict(self, min_severity: Severity | None = None) -> dict[str, Any]:
        def unit(u: UnitReport) -> dict[str, Any]:
            report = {k: v for k, v in u.report.to_dict(min_severity).items() if k not in ("settings", "set_aside")}
            return {"index": u.unit.index, "id": u.unit.id, "report": report}

        return {"path": self.path, "format": self.format, "source_language": self.source_language,
                "target_language": self.target_language, "units": [unit(u) for u in self.units],
                "skipped": [{"index": s.unit.index, "id": s.unit.id, "reason": s.reason} for s in self.skipped],
                "summary": self.summary(min_severity), "settings": self.settings}


# --- reading --------------------------------------------------------------------------------------

def _load_store(path: Path) -> Any:  # a translate-toolkit store
    try:
        from translate.storage import factory
    except ImportError:
        raise InputError("reading XLIFF, PO and TMX files needs translate-toolkit (GPL-3.0): pip install 'fidelity[bilingual]'") from None
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return factory.getobject(str(path))
    except Exception as exc:  # lxml, PO and format errors differ; each is the user's file, told in one line
        raise InputError(f"{path}: cannot read it as {FORMATS[path.suffix.lower()].upper()} "
                         f"({type(exc).__name__}: {' '.join(str(exc).split())})") from None


def _languages(store: Any, fmt: str) -> tuple[str | None, str | None]:
    source, target = store.getsourcelanguage(), store.gettargetlanguage()
    if fmt == "tmx" and target is None:  # TMX names the target language only on each unit's second <tuv>
        from translate.misc.xml_helpers import getXMLlang

        for tu in store.units:
            nodes = tu.getlanguageNodes()
            if len(nodes) > 1:
                target = getXMLlang(nodes[1])
                break
    return (source or None), (target or None)


def _own_id(unit: Any, fmt: str) -> str | None:
    own_id: str | None
    if fmt == "po":
        own_id = unit.getcontext() or next(iter(unit.getlocations()), None)
    else:
        own_id = unit.xmlelement.get("id" if fmt == "xliff" else "tuid")
    return own_id


def read_units(store: Any, fmt: str) -> list[Unit]:
    """The store's translation units (its PO header left out), each with a unique id."""
    units, seen = [], set()
    for n, u in enumerate((u for u in store.units if not u.isheader()), 1):
        uid = _own_id(u, fmt) or f"#{n}"
        uid = uid if uid not in seen else f"{uid}#{n}"
        seen.add(uid)
        units.append(Unit(n, uid, str(u.source or ""), str(u.target or "")))
    return units


# --- checking -------------------------------------------------------------------------------------

def check_file(path: str | Path, checker: Checker | None = None, *, original_lang: str | None = None,
               rewrite_lang: str | None = None, original_date: date | None = None, rewrite_date: date | None = None,
               baseline: Iterable[dict[str, Any]] | None = None) -> BilingualReport:
    """Check every translated unit of an XLIFF, PO or TMX file as one aligned pair, with
    ``checker`` (default: ``Checker.open()``, the default run).

    Languages come from the file (``original_lang``/``rewrite_lang`` override them; a file that
    names none has them detected once from all its units). Untranslated and empty units, and units
    with no words to compare, are skipped and counted. With a glossary, a term rendered two ways
    in two units is ``term_inconsistent`` (``consistent_terms``). ``baseline`` entries are applied
    to each unit's report.
    """
    from fidelity.checking.checker import Checker, TextInput
    from fidelity.checking.pipeline import document_language
    from fidelity.frontends.baseline import apply_baseline

    checker = checker or Checker.open()

    path = Path(path)
    fmt = file_format(path)
    if fmt is None:
        raise InputError(f"{path}: not a bilingual file (expected {', '.join(FORMATS)})")
    store = _load_store(path)
    file_source, file_target = _languages(store, fmt)
    units = read_units(store, fmt)
    todo = [u for u in units if u.source.strip() and u.target.strip()]
    source = original_lang or file_source or (document_language([u.source for u in todo]) if todo else None)
    target = rewrite_lang or file_target or (document_language([u.target for u in todo]) if todo else None)
    entries = list(baseline) if baseline is not None else None
    checked: list[UnitReport] = []
    skipped = []
    for unit in units:
        if not unit.source.strip():
            skipped.append(Skipped(unit, "empty source"))
            continue
        if not unit.target.strip():
            skipped.append(Skipped(unit, "untranslated"))
            continue
        try:
            report = checker.check(TextInput(unit.source, source, original_date),
                                   TextInput(unit.target, target, rewrite_date), aligned=True)
        except InputError as exc:  # a unit of only symbols or numbers-as-markup: nothing to compare
            skipped.append(Skipped(unit, str(exc)))
            continue
        checked.append(UnitReport(unit, report))
    checked = consistent_terms(checker, checked)
    if entries is not None:
        checked = [UnitReport(u.unit, apply_baseline(u.report, entries)) for u in checked]
    return BilingualReport(str(path), fmt, source, target, checked, skipped, store)


def consistent_terms(checker: Checker, units: list[UnitReport]) -> list[UnitReport]:
    """A file is one translation: with a glossary, a term rendered one way in one unit and another
    way in another is ``term_inconsistent`` on the unit that differs from the file's usual
    rendering, as it is within one text (the units' own inconsistency findings are replaced by
    the file's). Without a glossary, or with the terminology detector off, the units as they are."""
    from dataclasses import replace

    from fidelity.checking.detectors import AlignedPair, resolve
    from fidelity.checking.pipeline import number_findings
    from fidelity.types import Category

    config = checker.run.check
    detector = next((r.create(config.detector_config(r.name), checker.resources)
                     for r in resolve(config.detectors) if r.name == "terminology" and r.available(checker.resources)),
                    None)
    if detector is None or len(units) < 2:
        return units
    # The unit's own texts (a back-translated unit's rewrite as written, not its pivot); no encoder is needed.
    pairs = [AlignedPair(u.report.original, u.report.rewrite, u.report.alignment) for u in units]
    found = detector.across(pairs, [f"unit {u.unit.id}" for u in units])
    out = []
    for u, inconsistent in zip(units, found, strict=True):
        kept = [f for f in u.report.findings if f.category is not Category.TERM_INCONSISTENT]
        if len(kept) == len(u.report.findings) and not inconsistent:
            out.append(u)
            continue
        added = [replace(f, detector="terminology") for f in inconsistent]
        out.append(UnitReport(u.unit, replace(u.report, findings=number_findings(kept + added))))
    return out


# --- writing notes --------------------------------------------------------------------------------

def note_text(f: Finding) -> str:
    from fidelity.frontends.render.common import whole_message

    return f"{f.id} {f.severity.value} {f.category}: {' '.join(whole_message(f).split())}"


def _clear_notes(unit: Any, fmt: str) -> None:
    """Remove the notes an earlier run wrote, so that annotating twice does not repeat them."""
    if fmt == "xliff":
        unit.removenotes(origin=NOTE_ORIGIN)
    elif fmt == "po":
        unit.othercomments = [c for c in unit.othercomments if not c[1:].lstrip().startswith(_PREFIX)]
    else:
        for note in unit.xmlelement.findall(unit.namespaced("note")):
            if (note.text or "").startswith(_PREFIX):
                unit.xmlelement.remove(note)


def annotate(report: BilingualReport, output: Path, min_severity: Severity | None = None) -> int:
    """Write the file that was read, with each unit's listed findings (at least ``min_severity``) as notes
    on it (XLIFF ``<note from="fidelity">``, PO translator comments and TMX ``<note>`` starting "(fidelity) ");
    the notes of an earlier run are replaced. Returns the number of notes written."""
    fmt = report.format
    if file_format(output) != fmt:
        raise InputError(f"--output {output}: an annotated {fmt.upper()} file is written as "
                         f"{', '.join(s for s, f in FORMATS.items() if f == fmt)}")
    by_index = {u.unit.index: u.report for u in report.units}
    written = 0
    for n, unit in enumerate((u for u in report.store.units if not u.isheader()), 1):
        _clear_notes(unit, fmt)
        for f in by_index[n].listed_findings(min_severity) if n in by_index else []:
            unit.addnote(note_text(f) if fmt == "xliff" else _PREFIX + note_text(f),
                         origin=NOTE_ORIGIN if fmt == "xliff" else "translator")
            written += 1
    report.store.savefile(str(output))
    return written

