"""Language codes: the one place that reduces a code to its base language."""

from __future__ import annotations

UND = "und"


def base_language(code: str | None) -> str:
    """``"en-US"``/``"pt_BR"``/``" RU "`` -> ``"en"``/``"pt"``/``"ru"``; empty -> ``"und"``."""
    return (code or UND).strip().lower().replace("_", "-").split("-")[0] or UND


def languages_differ(a: str, b: str) -> bool | None:
    """Whether two texts' languages differ (by base language); ``None`` when either is undetermined."""
    if a != UND and b != UND:
        return base_language(a) != base_language(b)
    return None
