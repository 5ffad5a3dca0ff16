"""A run: one ``RunConfig``, its device resolved once, its models loaded once, any number of pairs.

    >>> from fidelity import Checker, RunConfig
    >>> checker = Checker.open(RunConfig(encoder="use"))
    >>> report = checker.check(Path("original.txt"), Path("rewrite.txt"))

Every front door builds one: ``fidelity.check`` (a one-call convenience), the CLI's ``check``,
``batch`` and ``quotes``, bilingual files, and each batch worker (local process or Ray actor).
Models come from ``fidelity.models.store`` (one per process), so a second checker with the same
settings loads nothing again. A model a detector needs besides the encoder is a ``ModelEntry``
here (its name, the run setting that names it, its loader); the detector declares the name
(``Traits.needs``) and gets the model through ``Resources``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fidelity import __version__
from fidelity.checking.config import CheckConfig
from fidelity.checking.detectors import AlignedPair, Detector, build_detectors, judge
from fidelity.checking.detectors.registry import Resources, plain
from fidelity.checking.pipeline import (
    article_date,
    back_translate,
    choose_encoder,
    cue_coverage,
    cues_as_hints_across_languages,
    language_pair_shift,
    number_findings,
    only_covered,
    prepare,
    without_redundant,
)
from fidelity.checking.pivot import map_finding
from fidelity.checking.progress import ProgressHook, embed_sides, silent
from fidelity.checking.repetition import repetition_findings
from fidelity.checking.report import Report
from fidelity.errors import FidelityError
from fidelity.models.context import DEFAULT_MODEL as DEFAULT_CONTEXT_MODEL
from fidelity.models.context import load_context_model
from fidelity.models.device import resolve_device
from fidelity.models.encoder_types import Encoder
from fidelity.models.encoders import WithThresholds, shifted
from fidelity.models.nli import load_nli, nli_signature
from fidelity.models.translate import NoTranslator, Translator, load_translator, translator_signature
from fidelity.text.lang import base_language
from fidelity.text.langid import DETECTOR_SETTINGS
from fidelity.types import Bead, Document, Finding, Span

if TYPE_CHECKING:
    from fidelity.checking.quotations.trace import QuoteTrace

Source = str | Path  # the text itself (str) or a file (Path)


def _named(spec: Any) -> str | None:
    """A model setting as the signature records it (None for no model)."""
    if spec is None or (isinstance(spec, str) and spec.strip().lower() in ("", "none")):
        return None
    return getattr(spec, "name", None) if not isinstance(spec, (str, Path)) else str(spec)


@dataclass(frozen=True)
class RunConfig:
    """Everything a run is made with besides the texts: models, where they run, the check's config."""

    encoder: str = "auto"  # auto (USE, or e5 for languages USE lacks), use, e5-small, a manifest name, a directory
    translator: str | Path | Translator | None = None  # back-translation model (None: compare across languages)
    nli: str | Path | None = None  # NLI judge model (None: no NLI detector)
    context_model: str = DEFAULT_CONTEXT_MODEL  # words judged in context (wording); "none" for the encoder alone
    device: str = "auto"  # auto, cpu, cuda, cuda:N, mps
    offline: bool | None = None  # True: never contact the model hub
    threads: int | None = None  # encoder threads (None: $FIDELITY_THREADS, else the encoder's default)
    cache_dir: Path | None = None  # sentence embeddings kept on disk across processes (fidelity batch)
    # The learned judge (fidelity/judge): "builtin" (the shipped weights), a weights file, or None
    # for the rules alone; ``sensitivity`` picks its thresholds (high, balanced, precise).
    judge: str | Path | None = None
    sensitivity: str = "balanced"
    check: CheckConfig = field(default_factory=CheckConfig)


@dataclass(frozen=True)
class TextInput:
    """One side of a pair: the text (``str``) or a file (``Path``), and what is known of it."""

    source: Source
    language: str | None = None  # ISO 639-1; detected when None
    date: date | None = None  # publication day ("last Wednesday" is read from it); its date line when None

    @classmethod
    def of(cls, value: TextInput | Source) -> TextInput:
        return value if isinstance(value, TextInput) else cls(value)


@dataclass(frozen=True)
class ModelEntry:
    """A model detectors may need besides the encoder: the run setting that names it, and its loader."""

    name: str
    spec: Callable[[RunConfig], Any]  # which model the run asks for (None: none)
    load: Callable[[Any, str, bool | None], Any]  # (spec, device, offline) -> the model, or None
    eager: bool = False  # loaded when the checker opens, so that a bad name fails before any text is read


MODELS: dict[str, ModelEntry] = {}


def register_model(entry: ModelEntry) -> ModelEntry:
    MODELS[entry.name] = entry
    return entry


register_model(ModelEntry("nli", spec=lambda run: run.nli, eager=True,
                          load=lambda spec, device, offline: load_nli(spec, device=device, offline=offline)))
register_model(ModelEntry("context", spec=lambda run: run.context_model,
                          load=lambda spec, device, offline: load_context_model(str(spec), device=device)))


def _load_translator(spec: Any, device: str, offline: bool | None) -> Translator | None:
    """A translator by name or directory, or the ``Translator`` given; None for no translation."""
    loaded = load_translator(spec, device=device, offline=offline) if isinstance(spec, (str, Path)) else spec
    return None if isinstance(loaded, NoTranslator) else loaded


# Loaded on the first pair in two languages: a same-language run never touches it.
register_model(ModelEntry("translator", spec=lambda run: run.translator, load=_load_translator))


def _load_judge(spec: Any, device: str, offline: bool | None) -> Any:
    from fidelity.judge.model import load_model

    return load_model(None if str(spec) in ("builtin", "fidelity-judge") else Path(spec))


register_model(ModelEntry("judge", spec=lambda run: run.judge, load=_load_judge, eager=True))


def _glossary_files(run: RunConfig) -> Any:
    from fidelity.text.glossary import GlossaryFiles

    return GlossaryFiles(tuple(run.check.glossary)) if run.check.glossary else None


# The glossary the terminology detector follows, read when the checker opens: a bad one fails at once.
register_model(ModelEntry("glossary", spec=_glossary_files, load=lambda spec, device, offline: spec.read(), eager=True))


def run_settings(run: RunConfig, device: str) -> dict[str, Any]:
    """A run's settings, its device resolved: with the texts, they decide every result."""
    return {
        "version": __version__,
        "encoder": run.encoder,
        "translator": _named(run.translator),
        "nli": _named(run.nli),
        "context_model": _named(run.context_model),
        "judge": {"model": _named(run.judge), "sensitivity": run.sensitivity} if _named(run.judge) else None,
        "device": device,
        "config": run.check.to_dict(),
    }


def run_signature(run: RunConfig, device: str | None = None) -> str:
    """A digest of ``run_settings``: equal for two runs that give the same results (``fidelity batch``
    keys its resume on it). Computed without loading a model; ``device`` is resolved when not given."""
    settings = run_settings(run, device or resolve_device(run.device))
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


class Checker:
    """Checks pairs with one run's settings and models (see the module's docstring)."""

    def __init__(self, run: RunConfig, device: str, resources: Resources, cache: Any = None) -> None:
        self.run = run
        self.device = device
        self.resources = resources
        self.cache = cache  # an EmbeddingCache, or None

    @classmethod
    def open(cls, run: RunConfig | None = None) -> Checker:
        """Resolve the device and load the run's models (the eager ones now, the rest on first use)."""
        run = run or RunConfig()
        from fidelity.judge.model import SENSITIVITIES

        if run.sensitivity not in SENSITIVITIES:
            raise FidelityError(f"unknown sensitivity {run.sensitivity!r}; use {', '.join(SENSITIVITIES)}")
        device = resolve_device(run.device)
        loaders = {}
        for entry in MODELS.values():
            spec = entry.spec(run)
            if _named(spec) is None:
                continue
            loaders[entry.name] = (lambda e=entry, s=spec: e.load(s, device, run.offline))
        cache = None
        if run.cache_dir is not None:
            from fidelity.models.embedding_cache import EmbeddingCache

            cache = EmbeddingCache(run.cache_dir)
            if "context" in loaders:  # words judged in context: their similarities kept on disk too
                loaders["context"] = (lambda load=loaders["context"], c=cache: c.wrap_context(load()))
        resources = Resources(loaders)
        for entry in MODELS.values():
            if entry.eager and entry.name in loaders:
                resources.get(entry.name)
        return cls(run, device, resources, cache)

    # --- what the run was made with ---

    def settings(self) -> dict[str, Any]:
        """The run's settings: with the texts, they decide every result (``fidelity batch`` keys on them)."""
        return run_settings(self.run, self.device)

    def signature(self) -> str:
        """A digest of ``settings()``: equal for two runs that give the same results."""
        return run_signature(self.run, self.device)

    # --- checking ---

    def encoder_for(self, *docs: Document) -> Encoder:
        return choose_encoder(self.run.encoder, *docs, device=self.device, offline=self.run.offline,
                              threads=self.run.threads)

    def check(self, original: TextInput | Source, rewrite: TextInput | Source, *, aligned: bool = False,
              progress: ProgressHook | None = None) -> Report:
        """Compare ``rewrite`` with ``original`` and report where the meaning deviates.

        ``aligned=True`` says the two texts are one segment and its translation (a bilingual
        file's unit): nothing is set aside as boilerplate and all their sentences form one bead.
        ``progress`` is called as ``progress(stage, done, total)`` along the way (``progress.py``:
        the CLI draws a bar from it); without it the check is silent.
        """
        from fidelity.checking.align import align, one_bead

        progress = progress or silent
        original, rewrite = TextInput.of(original), TextInput.of(rewrite)
        config = self.run.check
        progress("segment", 0, 2)
        original_doc = prepare(original.source, "original", original.language, boilerplate=not aligned)
        progress("segment", 1, 2)
        rewrite_doc = prepare(rewrite.source, "rewrite", rewrite.language, boilerplate=not aligned)
        progress("segment", 2, 2)
        original_doc.date = article_date(original_doc, original.date)
        rewrite_doc.date = article_date(rewrite_doc, rewrite.date)
        languages = {base_language(original_doc.language), base_language(rewrite_doc.language)}
        used = self.resources.get("translator") if len(languages) == 2 and "und" not in languages else None
        compared = rewrite_doc  # what the encoder and detectors see on the rewrite side
        if used is not None:
            rewrite_doc, compared = back_translate(original_doc, rewrite_doc, used)
        # The encoder only ever sees the original's language and what it compares it with (the
        # pivot, in the original's language, when back-translating): choose it for those.
        chosen = self.encoder_for(original_doc, compared)
        if self.cache is not None:
            chosen = self.cache.wrap(chosen)
        if config.thresholds.any():  # on the encoder's scale, before a language pair's shift
            chosen = WithThresholds(chosen, config.thresholds.apply(chosen.thresholds))
        shift = language_pair_shift(chosen, original_doc, compared)
        if shift:
            chosen = WithThresholds(chosen, shifted(chosen.thresholds, shift), word_thresholds=chosen.thresholds)
        sides = ([s.text for s in original_doc.sentences], [s.text for s in compared.sentences])
        embed_sides(chosen, sides, progress)
        progress("align", 0, 1)
        beads = (one_bead if aligned else align)(sides[0], sides[1], chosen, config.align)
        beads = judge(beads, chosen.thresholds)
        progress("align", 1, 1)
        pair = AlignedPair(original_doc, compared, beads, chosen, config.parallel_word_overlap)
        detectors = build_detectors(config, self.resources)
        detected = []
        for k, detector in enumerate(detectors):
            progress("detect", k, len(detectors))
            detected.append((detector, detector.detect(pair)))
        progress("detect", len(detectors), len(detectors))
        found = cues_as_hints_across_languages(only_covered(detected, pair), pair)
        findings = without_redundant(found, beads)
        if self.resources.provides("judge"):
            findings = self._judged(findings, beads, original_doc, compared)
        if used is not None:
            findings = [map_finding(f, compared, rewrite_doc) for f in findings]
        findings += repetition_findings(original_doc, rewrite_doc, beads)
        findings = number_findings(findings)
        settings = self._report_settings(chosen, shift, used, detectors, original_doc, rewrite_doc, compared)
        return Report(original_doc, rewrite_doc, beads, findings, settings)

    def _judged(self, findings: list[Finding], beads: Sequence[Bead], original: Document,
                compared: Document) -> list[Finding]:
        """The findings with their severities decided by the learned judge (``fidelity/judge/grade.py``)."""
        from fidelity.checking.detectors.base import side_language
        from fidelity.judge import JudgePair, evidence_of, judge_pairs
        from fidelity.judge.alignment import Aligner, PairAlignment
        from fidelity.judge.grade import BeadJudgement, grade, pointed_span
        from fidelity.models.encoders import load_encoder

        model = self.resources.get("judge")
        matched = [i for i, b in enumerate(beads) if b.original and b.rewrite]
        if not matched:
            return findings
        pairs = [JudgePair(" ".join(original.sentences[k].text for k in beads[i].original),
                           " ".join(compared.sentences[k].text for k in beads[i].rewrite),
                           base_language(side_language(original, beads[i].original)),
                           base_language(side_language(compared, beads[i].rewrite)),
                           evidence_of(f for f in findings if f.bead == i))
                 for i in matched]
        encoder: Encoder = load_encoder(model.encoder, device=self.device, offline=self.run.offline,
                                        threads=self.run.threads)
        base = encoder

        def aligner(texts: Sequence[tuple[str, str]]) -> Sequence[PairAlignment]:
            """USE's token alignment, from the weights the judge's USE encoder holds (loaded on first use)."""
            from fidelity.judge import token_aligner

            return token_aligner(base, self.run.threads)(texts)

        align: Aligner = aligner
        if self.cache is not None:
            encoder = self.cache.wrap(encoder)
            align = self.cache.wrap_aligner(aligner)
        judged = [BeadJudgement(i, j) for i, j in zip(matched, judge_pairs(
            pairs, model=model, encoder=encoder, aligner=align if model.alignment else None))]
        pair_of = dict(zip(matched, pairs))

        def point(i: int) -> tuple[Span | None, Span | None]:
            """Where the judge points on bead ``i``: aligned only for the few beads the judge flags and
            no detector named (for a model with alignment features, aligned again here: a batch reads
            them back from its disk cache)."""
            (aligned,) = align([(pair_of[i].src, pair_of[i].tgt)])
            return (pointed_span(original, beads[i].original, aligned.src_span),
                    pointed_span(compared, beads[i].rewrite, aligned.tgt_span))

        return grade(findings, beads, judged, model.threshold(self.run.sensitivity), original, compared, point=point)

    def _report_settings(self, chosen: Encoder, shift: float, used: Translator | None, detectors: Sequence[Detector],
                         original_doc: Document, rewrite_doc: Document, compared: Document) -> dict[str, Any]:
        if used is not None:
            back_translation = (f"{used.name} ({rewrite_doc.language}→{original_doc.language}), "
                                f"compared in {original_doc.language}")
        elif original_doc.language != rewrite_doc.language:
            back_translation = "none (compared cross-lingually with the multilingual encoder)"
        else:
            back_translation = "not needed (same language)"
        nli = self.resources.get("nli")
        settings = {
            "version": __version__,
            "encoder": chosen.name,
            "thresholds": {
                "equivalent": chosen.thresholds.equivalent,
                "related": chosen.thresholds.related,
                "align_min": chosen.thresholds.align_min,
                "counterpart": chosen.thresholds.counterpart,
            },
            # The thresholds above already hold it: the encoder's own, lowered by this much.
            "language_pair_shift": shift,
            "translator": used.settings() if used is not None else None,
            "back_translation": back_translation,
            "language_id": DETECTOR_SETTINGS,
            "align": plain(self.run.check.align),
            "parallel_word_overlap": self.run.check.parallel_word_overlap,
            "detectors": {d.name: d.settings() for d in detectors},
            "cue_coverage": cue_coverage(detectors, original_doc, compared),
            "nli": nli.settings() if nli is not None else None,
            "device": self.device,
            "context_model": _named(self.run.context_model),
            "judge": self._judge_settings(),
            "run": self.signature()[:10],
        }
        settings["signature"] = report_signature(settings)
        return settings

    def _judge_settings(self) -> dict[str, Any] | None:
        model = self.resources.get("judge") if self.resources.provides("judge") else None
        if model is None:
            return None
        t = model.threshold(self.run.sensitivity)
        return {"name": model.name, "version": model.version, "encoder": model.encoder,
                "sensitivity": self.run.sensitivity, "thresholds": {"deviation": t.deviation, "critical": t.critical}}

    def trace(self, original: TextInput | Source, others: Sequence[TextInput | Source]) -> list[QuoteTrace]:
        """Trace every quotation in ``others`` to its source in ``original`` (``fidelity quotes``)."""
        from fidelity.checking.quotations.trace import trace_quotes

        original, inputs = TextInput.of(original), [TextInput.of(o) for o in others]
        original_doc = prepare(original.source, "original", original.language)
        other_docs = [prepare(o.source, "rewrite", o.language) for o in inputs]
        return trace_quotes(original_doc, other_docs, self.encoder_for(original_doc, *other_docs))


def report_signature(settings: dict[str, Any]) -> str:
    """One line that records every setting, sacrebleu-style, so a result can be reproduced.

    The main settings are spelled out; ``cfg:`` is a digest of all of ``settings`` (every
    detector's config, the aligner's options...), so no setting can be left out: two reports
    with the same signature were made with the same settings, which ``settings`` lists in full.
    """
    t = settings["thresholds"]
    parts = [
        f"fidelity:{settings['version']}", f"enc:{settings['encoder']}", f"eq:{t['equivalent']}",
        f"rel:{t['related']}", f"amin:{t['align_min']}", f"cp:{t['counterpart']}",
        f"tr:{translator_signature(settings['translator'])}", f"det:{'+'.join(settings['detectors'])}",
    ]
    if settings.get("nli"):
        parts.append(f"nli:{nli_signature(settings['nli'])}")
    if settings.get("judge"):
        judge = settings["judge"]
        parts.append(f"judge:{judge['name']}@{judge['version']}.{judge['sensitivity']}")
    parts.append(f"dev:{settings.get('device', 'cpu')}")
    everything = {k: v for k, v in settings.items() if k != "signature"}
    digest = hashlib.sha256(json.dumps(everything, sort_keys=True, ensure_ascii=False, default=str).encode())
    parts.append(f"cfg:{digest.hexdigest()[:10]}")
    return "|".join(parts)


_RUN_FIELDS = {f for f in RunConfig.__dataclass_fields__}


def check(
    original: TextInput | Source,
    rewrite: TextInput | Source,
    *,
    original_lang: str | None = None,
    rewrite_lang: str | None = None,
    original_date: date | None = None,
    rewrite_date: date | None = None,
    config: CheckConfig | None = None,
    aligned: bool = False,
    **run: Any,
) -> Report:
    """Compare a rewrite with its original and report where the meaning deviates: one call that
    opens a ``Checker`` (models come from the process's model store, so a second call loads
    nothing) and checks one pair.

    Each of ``original`` and ``rewrite`` is the text itself (``str``), a ``pathlib.Path``, or a
    ``TextInput``. ``original_lang``/``rewrite_lang`` and ``original_date``/``rewrite_date``
    apply to a ``str`` or ``Path``. ``config`` (a ``CheckConfig``) selects and configures the
    detectors, overrides thresholds and sets the aligner's options. Any other keyword is a
    ``RunConfig`` field: ``encoder``, ``translator`` (a model directory, a cached hub id, a
    ``Translator``, or ``None``), ``nli``, ``context_model``, ``device`` (auto, cpu, cuda),
    ``offline``, ``threads``, ``cache_dir``. The report's ``settings`` record all of it.
    """
    unknown = sorted(set(run) - _RUN_FIELDS)
    if unknown:
        raise TypeError(f"check() got an unexpected keyword argument {unknown[0]!r}")
    checker = Checker.open(RunConfig(check=config or CheckConfig(), **run))
    sides = [value if isinstance(value, TextInput) else TextInput(value, lang, day)
             for value, lang, day in ((original, original_lang, original_date), (rewrite, rewrite_lang, rewrite_date))]
    return checker.check(sides[0], sides[1], aligned=aligned)
