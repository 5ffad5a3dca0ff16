"""The engines ``fidelity batch`` can check pairs with, by name (the CLI's ``--engine`` choices).

An engine is a module with one ``Engine`` (``base.py``) registered here; the rest of a batch
(manifest, keys, resume, writing) is the same whichever engine checks the pairs.
"""

from __future__ import annotations

from fidelity.errors import FidelityError
from fidelity.frontends.batch.engines.base import Checked, Engine
from fidelity.frontends.batch.engines.local import LocalEngine
from fidelity.frontends.batch.engines.ray import RayEngine

ENGINES: dict[str, Engine] = {}


def register_engine(engine: Engine) -> Engine:
    ENGINES[engine.name] = engine
    return engine


def engine_named(name: str) -> Engine:
    try:
        return ENGINES[name]
    except KeyError:
        raise FidelityError(f"unknown engine {name!r} ({' or '.join(ENGINES)})") from None


register_engine(LocalEngine())
register_engine(RayEngine())

__all__ = ["ENGINES", "Checked", "Engine", "engine_named", "register_engine"]
