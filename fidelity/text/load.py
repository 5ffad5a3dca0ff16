"""Load stage: read a path, stdin or a string into text; extract article text from HTML.

Offsets everywhere point into the text returned here. For plain text that is the file
decoded as UTF-8 with no newline translation (so ``\\r\\n`` stays two characters, as an
editor counting code points sees it). For HTML it is the extracted article text.
"""

from __future__ import annotations

import codecs
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from fidelity.errors import InputError

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<article|<div|<p[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class LoadedText:
    text: str
    path: str | None  # None for text given as a string; "-" for stdin
    from_html: bool = False


def _decode(data: bytes, label: str) -> str:
    """UTF-8, or UTF-16 when the file starts with its byte-order mark (the BOM is dropped; offsets
    then index the decoded text) or, without one, shows UTF-16's pattern of NUL bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{label} starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                             f"(at byte {exc.start})") from None
        if not text.strip():
            raise InputError(f"{label} is empty")
        return text
    if not data.strip():
        raise InputError(f"{label} is empty")
    if b"\x00" in data[:8192]:
        utf16_text = _utf16_without_bom(data)
        if utf16_text is None:
            raise InputError(f"{label} looks like a binary file, not text (neither UTF-8 nor UTF-16)")
        if not utf16_text.strip():
            raise InputError(f"{label} is empty")
        return utf16_text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        encoding = _guess_encoding(data)
        hint = (f"it looks like {encoding}; convert it first, e.g. iconv -f {encoding} -t utf-8" if encoding
                else "convert it to UTF-8 first, e.g. iconv -f ENCODING -t utf-8")
        raise InputError(
            f"{label} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); {hint}"
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark, told by its NUL pattern: text in the Latin
    range has a NUL in every other byte (the high byte: odd positions in little-endian, even in
    big-endian). None when the bytes do not look like that, or do not decode to readable text."""
    sample = data[:8192]
    if len(data) % 2:
        return None
    half = len(sample) // 2
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        encoding = "utf-16-le"
    elif even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    head = text[:4096]
    readable = sum(ch.isprintable() or ch.isspace() for ch in head)
    return text if readable >= 0.95 * len(head) else None


def _guess_encoding(data: bytes) -> str | None:
    """The encoding charset-normalizer (if installed) finds most likely, as iconv names it; None if unsure."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    best = from_bytes(data[:65536]).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return None
    name = best.encoding
    if name.startswith("cp") and name[2:].isdigit():
        return name.upper()
    if name.startswith("latin_") or name.startswith("iso8859_"):
        return "ISO-8859-" + name.rsplit("_", 1)[1]
    return name.replace("_", "-").upper()


def _looks_like_html(data: bytes, path: str | None) -> bool:
    if path and Path(path).suffix.lower() in {".html", ".htm", ".xhtml"}:
        return True
    return bool(_HTML_START.match(data[:2048]))


def _extract_html(html: str, label: str) -> str:
    import trafilatura

    text: str | None = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise InputError(f"{label}: no article text found in the HTML")
    return text


def _with_words(loaded: LoadedText, label: str) -> LoadedText:
    """Text with nothing to compare (only emoji, symbols, punctuation) is bad input, not a perfect score."""
    if not any(ch.isalnum() for ch in loaded.text):
        raise InputError(f"{label} has no words (only symbols or emoji): nothing to compare")
    return loaded


def load_bytes(data: bytes, path: str | None) -> LoadedText:
    label = path if path not in (None, "-") else "standard input" if path == "-" else "text"
    if _looks_like_html(data, path):
        html = _decode(data, label)
        return _with_words(LoadedText(_extract_html(html, label), path, from_html=True), label)
    return _with_words(LoadedText(_decode(data, label), path), label)


def load(source: str | Path) -> LoadedText:
    """Load a ``Path`` (or ``"-"`` for stdin as a Path/str from the CLI) or take a ``str`` as the text itself."""
    if isinstance(source, Path):
        name = str(source)
        if name == "-":
            return load_bytes(sys.stdin.buffer.read(), "-")
        if not source.exists():
            raise InputError(f"{name}: no such file")
        if source.is_dir():
            raise InputError(f"{name} is a directory, not a text file")
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
        return load_bytes(data, name)
    if not isinstance(source, str):
        raise InputError(f"expected text or a pathlib.Path, got {type(source).__name__}")
    if not source.strip():
        raise InputError("the text is empty")
    if _HTML_START.match(source[:2048].encode("utf-8", "replace")):
        return _with_words(LoadedText(_extract_html(source, "text"), None, from_html=True), "text")
    return _with_words(LoadedText(source, None), "text")
