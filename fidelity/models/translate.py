"""Machine translation for back-translation: the ``Translator`` interface and its backends.

A rewrite in another language is translated back into the original's language so that the
detectors can compare two texts in one language (see ``pivot.py`` and ``pipeline.check``).

Backends:

- ``TransformersTranslator``: any sequence-to-sequence model transformers loads with
  ``AutoModelForSeq2SeqLM`` (MarianMT ``Helsinki-NLP/opus-mt-{src}-{tgt}``, NLLB-200, M2M100),
  from a local directory or a hub id already in the local cache.
- ``CTranslate2Translator``: the same models converted with ``ct2-transformers-converter``
  (faster on CPU, int8), tokenizer files in the same directory.
- ``NoTranslator``: no translation (``--translator none``).

Translation is deterministic: greedy or a fixed beam, never sampling. Nothing is downloaded
when offline (``offline=True``, ``HF_HUB_OFFLINE=1`` or ``FIDELITY_OFFLINE=1``); model names are
resolved by ``models.resolve`` (a directory, a manifest name, or a hub id: cache first), and one
that is not on disk and cannot be fetched fails at once with ``ModelUnavailableError``.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from fidelity.errors import ModelUnavailableError, TranslationError
from fidelity.models.device import resolve_device
from fidelity.models.manifest import first_line, quiet_loading, resolve
from fidelity.models.store import STORE
from fidelity.text.lang import base_language

DEFAULT_BATCH_SIZE = 16
DEFAULT_BEAMS = 1  # greedy: deterministic and fast; pass num_beams for a fixed beam search
MAX_NEW_TOKENS = 512

# ISO 639-1 (and the langid codes the pipeline produces) → FLORES-200 codes used by NLLB-200.
NLLB_CODES = {
    "ar": "arb_Arab", "az": "azj_Latn", "be": "bel_Cyrl", "bg": "bul_Cyrl", "bn": "ben_Beng",
    "ca": "cat_Latn", "cs": "ces_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek",
    "en": "eng_Latn", "es": "spa_Latn", "et": "est_Latn", "fa": "pes_Arab", "fi": "fin_Latn",
    "fr": "fra_Latn", "he": "heb_Hebr", "hi": "hin_Deva", "hr": "hrv_Latn", "hu": "hun_Latn",
    "hy": "hye_Armn", "id": "ind_Latn", "it": "ita_Latn", "ja": "jpn_Jpan", "ka": "kat_Geor",
    "kk": "kaz_Cyrl", "ko": "kor_Hang", "lt": "lit_Latn", "lv": "lvs_Latn", "nl": "nld_Latn",
    "no": "nob_Latn", "nb": "nob_Latn", "pl": "pol_Latn", "pt": "por_Latn", "ro": "ron_Latn",
    "ru": "rus_Cyrl", "sk": "slk_Latn", "sl": "slv_Latn", "sr": "srp_Cyrl", "sv": "swe_Latn",
    "sw": "swh_Latn", "th": "tha_Thai", "tr": "tur_Latn", "uk": "ukr_Cyrl", "ur": "urd_Arab",
    "uz": "uzn_Latn", "vi": "vie_Latn", "zh": "zho_Hans", "zh-cn": "zho_Hans", "zh-tw": "zho_Hant",
}



@runtime_checkable
class Translator(Protocol):
    """Translates sentences; ``settings()`` records everything needed to reproduce a run."""

    name: str

    def translate(self, texts: list[str], source: str, target: str) -> list[str]: ...

    def settings(self) -> dict[str, Any]: ...


class NoTranslator:
    """No translation: cross-language pairs are compared cross-lingually by the encoder."""

    name = "none"

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return list(texts)

    def settings(self) -> dict[str, Any]:
        return {"name": "none"}


# ----------------------------------------------------------------------------- helpers


def nllb_code(language: str) -> str:
    """The NLLB-200 (FLORES-200) code for an ISO 639-1 code; a clear error for unmapped ones."""
    key = language.lower()
    code = NLLB_CODES.get(key) or NLLB_CODES.get(base_language(key))
    if code is None:
        raise TranslationError(
            f"no NLLB language code is mapped for '{language}'; mapped: {', '.join(sorted(NLLB_CODES))}"
        )
    return code


def _clean(text: str) -> str:
    return " ".join(text.split())


def is_ctranslate2_dir(path: Path) -> bool:
    """A ``ct2-transformers-converter`` output: ``model.bin`` beside a ``config.json``."""
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def _batches(texts: Sequence[str], size: int) -> list[list[int]]:
    """Indices in batches of similar length (less padding); the caller restores the order."""
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    return [order[k:k + size] for k in range(0, len(order), size)]


class _LanguageTokens:
    """How a model is told the language pair: NLLB/M2M100 language tokens, Marian >>xx<< codes."""

    def __init__(self, tokenizer: Any, model_dir: Path) -> None:
        self.tokenizer = tokenizer
        vocab = tokenizer.get_vocab()
        self.kind = "nllb" if "eng_Latn" in vocab else "m2m100" if "__en__" in vocab else "plain"
        self.marian_codes = sorted(t for t in vocab if t.startswith(">>") and t.endswith("<<"))
        self.source_lang = getattr(tokenizer, "source_lang", None)
        self.target_lang = getattr(tokenizer, "target_lang", None)
        self.model_dir = model_dir

    def source_token(self, source: str) -> str | None:
        if self.kind == "nllb":
            return nllb_code(source)
        if self.kind == "m2m100":
            return self._m2m(source)
        return None

    def target_token(self, target: str) -> str | None:
        if self.kind == "nllb":
            return nllb_code(target)
        if self.kind == "m2m100":
            return self._m2m(target)
        return None

    def _m2m(self, language: str) -> str:
        token = f"__{base_language(language)}__"
        if token not in self.tokenizer.get_vocab():
            raise TranslationError(f"translation model {self.model_dir.name} does not cover '{language}'")
        return token

    def check_fixed_pair(self, source: str, target: str) -> None:
        """A bilingual (Marian) model translates one direction only: refuse another one."""
        if self.kind != "plain":
            return
        for asked, has, role in ((source, self.source_lang, "from"), (target, self.target_lang, "into")):
            if has and len(has) == 2 and not self.marian_codes and base_language(asked) != base_language(has):
                raise TranslationError(
                    f"translation model {self.model_dir.name} translates {self.source_lang}→{self.target_lang}, "
                    f"not {source}→{target} ({role} '{asked}')"
                )

    def prefix(self, target: str) -> str:
        """Multi-target Marian models need a ``>>xxx<<`` target code in front of the input."""
        if not self.marian_codes:
            return ""
        base = base_language(target)
        for candidate in (f">>{base}<<", f">>{nllb_code(base)[:3]}<<" if base in NLLB_CODES else None):
            if candidate is not None and candidate in self.marian_codes:
                return candidate + " "
        raise TranslationError(f"translation model {self.model_dir.name} has no target code for '{target}'")


def _plan(languages: _LanguageTokens, texts: list[str], source: str,
          target: str) -> tuple[list[str], list[int], str | None, str | None, str]:
    """What both backends do first: check the pair, skip empty texts, pick language tokens."""
    languages.check_fixed_pair(source, target)
    out = [""] * len(texts)
    todo = [i for i, t in enumerate(texts) if _clean(t)]
    return out, todo, languages.source_token(source), languages.target_token(target), languages.prefix(target)


def _decoding_settings(device: str, dtype: str, batch_size: int, num_beams: int) -> dict[str, Any]:
    """How a translator decodes, as its settings record it: greedy or beam search, never sampling."""
    return {"device": device, "dtype": dtype, "batch_size": batch_size, "num_beams": num_beams, "sampling": False}


# ----------------------------------------------------------------------------- transformers


class TransformersTranslator:
    """A transformers sequence-to-sequence model (MarianMT, NLLB-200, M2M100)."""

    def __init__(
        self,
        model: str | Path,
        device: str = "auto",
        batch_size: int = DEFAULT_BATCH_SIZE,
        offline: bool | None = None,
        *,
        num_beams: int = DEFAULT_BEAMS,
        dtype: str = "auto",
    ) -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        if batch_size < 1:
            raise TranslationError("batch size must be at least 1")
        self.spec = str(model)
        resolved = resolve(self.spec, role="translator", offline=offline)
        self.model_dir, self.revision = resolved.files("a translation model"), resolved.revision
        self.device = resolve_device(device)
        if dtype == "auto":
            if self.device.startswith("cuda"):
                dtype = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
            else:
                dtype = "float32"
        self.dtype = dtype
        self.batch_size = batch_size
        self.num_beams = num_beams
        try:
            with warnings.catch_warnings():  # MarianTokenizer's "Recommended: pip install sacremoses."
                warnings.filterwarnings("ignore", message=".*sacremoses")
                self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
            with quiet_loading():
                self.model = AutoModelForSeq2SeqLM.from_pretrained(
                    self.model_dir, local_files_only=True, dtype=getattr(torch, dtype)
                )
        except (OSError, ValueError, KeyError) as error:
            raise ModelUnavailableError(f"cannot load translation model from {self.model_dir}: {first_line(error)}") from None
        self.model.to(self.device).eval()
        # Longest output: the model's own limits (positions, generation_config.max_length) and ours.
        positions = getattr(self.model.config, "max_position_embeddings", None) or MAX_NEW_TOKENS + 1
        configured = getattr(self.model.generation_config, "max_length", None) or MAX_NEW_TOKENS
        self._max_tokens = max(1, min(MAX_NEW_TOKENS, positions - 1, configured))
        self.model.generation_config.max_length = None  # we pass max_new_tokens (no clash warning)
        self.languages = _LanguageTokens(self.tokenizer, self.model_dir)
        self.name = self.spec if not Path(self.spec).expanduser().is_dir() else self.model_dir.name
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "backend": "transformers",
            "model": self.spec,
            "revision": self.revision,
            "architecture": getattr(self.model.config, "model_type", None),
            **_decoding_settings(self.device, self.dtype, self.batch_size, self.num_beams),
        }

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        import torch

        out, todo, src_token, tgt_token, prefix = _plan(self.languages, texts, source, target)
        if not todo:
            return out
        cleaned = [prefix + _clean(texts[i]) for i in todo]
        generate: dict[str, Any] = {"do_sample": False, "num_beams": self.num_beams}
        if tgt_token is not None:
            generate["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(tgt_token)
        with self._lock:  # src_lang is tokenizer state
            if src_token is not None:
                self.tokenizer.src_lang = source if self.languages.kind == "m2m100" else src_token
            for batch in _batches(cleaned, self.batch_size):
                inputs = self.tokenizer([cleaned[k] for k in batch], return_tensors="pt", padding=True, truncation=True)
                inputs = {k: v.to(self.device) for k, v in inputs.items()}
                length = int(inputs["input_ids"].shape[1])
                with torch.inference_mode():
                    generated = self.model.generate(
                        **inputs, max_new_tokens=min(self._max_tokens, 2 * length + 16), **generate
                    )
                decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
                for k, text in zip(batch, decoded):
                    out[todo[k]] = _clean(text)
        return out


# ----------------------------------------------------------------------------- CTranslate2


class CTranslate2Translator:
    """A model converted with ``ct2-transformers-converter``; tokenizer files in the same directory
    (convert with ``--copy_files`` for the tokenizer files, e.g. ``source.spm target.spm vocab.json
    tokenizer_config.json`` for Marian)."""

    def __init__(
        self,
        model_dir: str | Path,
        device: str = "auto",
        compute_type: str = "auto",
        batch_size: int = DEFAULT_BATCH_SIZE,
        *,
        num_beams: int = DEFAULT_BEAMS,
    ) -> None:
        import ctranslate2
        from transformers import AutoTokenizer

        self.model_dir = Path(model_dir).expanduser().resolve()
        if not is_ctranslate2_dir(self.model_dir):
            raise ModelUnavailableError(f"{model_dir} is not a CTranslate2 model directory (no model.bin / config.json)")
        device = resolve_device(device)
        if device not in ("cpu", "cuda"):
            raise TranslationError(f"CTranslate2 runs on cpu or cuda, not {device}")
        if compute_type == "auto":
            compute_type = "int8" if device == "cpu" else "int8_float16"
        self.device, self.compute_type = device, compute_type
        self.batch_size, self.num_beams = batch_size, num_beams
        try:
            self.translator = ctranslate2.Translator(str(self.model_dir), device=device, compute_type=compute_type)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*sacremoses")
                self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
        except (OSError, ValueError, RuntimeError) as error:
            raise ModelUnavailableError(f"cannot load CTranslate2 model from {self.model_dir}: {first_line(error)}") from None
        self.languages = _LanguageTokens(self.tokenizer, self.model_dir)
        self.name = self.model_dir.name
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "backend": "ctranslate2",
            "model": str(self.model_dir),
            **_decoding_settings(self.device, self.compute_type, self.batch_size, self.num_beams),
        }

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        out, todo, src_token, tgt_token, prefix = _plan(self.languages, texts, source, target)
        if not todo:
            return out
        with self._lock:
            if src_token is not None:
                self.tokenizer.src_lang = source if self.languages.kind == "m2m100" else src_token
            tokens = [
                self.tokenizer.convert_ids_to_tokens(self.tokenizer.encode(prefix + _clean(texts[i]), truncation=True))
                for i in todo
            ]
        results = self.translator.translate_batch(
            tokens,
            max_batch_size=self.batch_size,
            beam_size=self.num_beams,
            max_decoding_length=min(MAX_NEW_TOKENS, 2 * max(len(t) for t in tokens) + 16),
            target_prefix=[[tgt_token]] * len(tokens) if tgt_token else None,
        )
        for i, result in zip(todo, results):
            ids = self.tokenizer.convert_tokens_to_ids(result.hypotheses[0])
            out[i] = _clean(self.tokenizer.decode(ids, skip_special_tokens=True))
        return out


# ----------------------------------------------------------------------------- loading

def load_translator(spec: str | Path | None, *, device: str = "auto", offline: bool | None = None) -> Translator:
    """A translator by name: ``None``/``"none"`` (no translation), a local directory (CTranslate2
    when it holds ``model.bin``, else transformers), or a hub id (from the local cache; fetched
    only when not offline). Loaded once per (spec, device) in ``fidelity.models.store``."""
    if spec is None or str(spec).strip().lower() in ("", "none"):
        return NoTranslator()
    path = Path(spec).expanduser()
    device = resolve_device(device)

    def load() -> Translator:
        if path.is_dir() and is_ctranslate2_dir(path):
            return CTranslate2Translator(path, device=device)
        return TransformersTranslator(spec, device=device, offline=offline)

    return STORE.get("translator", (str(path.resolve()) if path.is_dir() else str(spec), device), load)


def translator_signature(settings: dict[str, Any] | None) -> str:
    """The translator part of a report's signature line, e.g. ``opus-mt-ru-en@cpu.float32.b16.beam1``."""
    if not settings or settings.get("name") == "none":
        return "none"
    return (f"{settings['name']}@{settings.get('device')}.{settings.get('dtype')}"
            f".b{settings.get('batch_size')}.beam{settings.get('num_beams')}")
