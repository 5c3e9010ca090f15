"""Choosing the torch device: "auto" means CUDA when present, else CPU.

torch is imported on first use, so the app's settings pane can import this before torch loads.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from regtui.system.errors import RegtuiError

if TYPE_CHECKING:
    import torch


class DeviceError(RegtuiError, ValueError):
    """The requested device does not exist on this machine."""


def cuda_available() -> bool:
    """True when torch can use at least one CUDA device."""
    import torch

    return torch.cuda.is_available()


def warm_cuda() -> None:
    """Where a GPU is present, start CUDA's initialisation (creating its context) on a daemon
    thread now, so it overlaps with loading the first run's data.

    A plain overlap: torch.cuda's lazy init holds a lock, so the first CUDA call of training
    waits for this one instead of starting another, and raises its error itself if this one
    failed (a failure here is left unsaid). Without a GPU this does nothing.
    """
    if not cuda_available():
        return
    import threading

    import torch

    def init() -> None:
        with contextlib.suppress(Exception):  # training's own first CUDA call reports it
            torch.cuda.init()

    threading.Thread(target=init, name="regtui-cuda-init", daemon=True).start()


def device_choices() -> list[str]:
    """The devices a user may pick: auto and cpu always; CUDA devices only where torch sees them."""
    choices = ["auto", "cpu"]
    if cuda_available():
        import torch

        choices += ["cuda"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return choices


def resolve_device(name: str) -> torch.device:
    """Turn "auto", "cpu", "cuda" or "cuda:N" into a usable device, or explain why not."""
    import torch

    if name == "auto":
        return torch.device("cuda" if cuda_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise DeviceError(f"unknown device {name!r}; use auto, cpu, cuda or cuda:N") from None
    if device.type == "cuda":
        if not cuda_available():
            raise DeviceError(f"device {name!r} requested but CUDA is not available here; "
                              "use --device cpu or auto")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise DeviceError(f"device {name!r} requested but only "
                              f"{torch.cuda.device_count()} CUDA device(s) exist")
    elif device.type != "cpu":
        raise DeviceError(f"unsupported device {name!r}; use auto, cpu, cuda or cuda:N")
    return device
