"""Where the models run: the one place that turns ``--device auto|cpu|cuda[:N]|mps`` into a device.

Every model loader (encoders, translators, NLI, the context model) receives the device this
function returned, so a run never has one model on the GPU and another on the CPU by accident.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fidelity.errors import FidelityError

DEVICES = ("auto", "cpu", "cuda", "mps")


class DeviceError(FidelityError):
    """A device that was asked for and cannot be had (one line, exit 2 at the CLI)."""


def _nvidia_driver_visible() -> bool:
    # Asked first: importing torch costs most of a second, which a check on a CPU machine should not pay.
    return Path("/proc/driver/nvidia/version").exists() or any(Path("/dev").glob("nvidia[0-9]*"))


def _cuda_available() -> bool:
    if not _nvidia_driver_visible():
        return False
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def _mps_available() -> bool:
    if sys.platform != "darwin":
        return False
    try:
        import torch
    except ImportError:
        return False
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def resolve_device(asked: str = "auto") -> str:
    """``cpu``, ``cuda``, ``cuda:N`` or ``mps`` for ``asked``; ``auto`` takes CUDA where it is
    usable, then Apple's MPS, else the CPU. A GPU asked for and absent is a ``DeviceError``,
    not a silent run on the CPU."""
    asked = (asked or "auto").strip().lower()
    base = asked.split(":", 1)[0]
    if base not in DEVICES or (":" in asked and (base != "cuda" or not asked.split(":", 1)[1].isdigit())):
        raise DeviceError(f"unknown device {asked!r}; use auto, cpu, cuda, cuda:N or mps")
    if asked == "auto":
        if _cuda_available():
            return "cuda"
        return "mps" if _mps_available() else "cpu"
    if base == "cuda" and not _cuda_available():
        raise DeviceError(f"device {asked}: no CUDA device is available (torch.cuda.is_available() is False); "
                          "use --device cpu or auto")
    if base == "mps" and not _mps_available():
        raise DeviceError("device mps: Apple's MPS is not available here; use --device cpu or auto")
    return asked
