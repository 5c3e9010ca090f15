"""Loading torch and the engine in a worker thread, so the app paints before they are imported.

Importing torch takes seconds; the app's modules import none of it, start this after their
first paint, and start runs (and the seeded norm preview) once it has posted EngineReady.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"  # one frame per status-line redraw: the wait visibly moves


@dataclass
class EngineReady(Message):
    """torch and the engine are imported; `devices` lists what the device field may offer.

    `error` (then no devices): why they could not be imported, in one line.
    """

    devices: list[str]
    error: str = ""


@dataclass
class ProcessReady(Message):
    """The app's training process (regtui.engine.process_exec) has imported torch and may train
    (`devices` as in EngineReady), or cannot: `error` says why, and the app trains in a thread."""

    devices: list[str]
    error: str = ""


def torch_loaded() -> bool:
    """True when torch is imported already (tests, a second app in one process): no wait then."""
    return "torch" in sys.modules


def load_engine(on_torch: Callable[[], object] | None = None, cuda: bool = True) -> list[str]:
    """Import torch, the run loop and the models (seconds, in a worker thread); return the devices.

    `on_torch` runs here once they are imported (the launcher sets torch's CPU threads);
    `cuda`: start CUDA's initialisation too (not where a training process will use the GPU).
    """
    import regtui.data.classification
    import regtui.engine.classify
    import regtui.engine.regress
    import regtui.engine.runs
    import regtui.models.nets
    import regtui.models.norms  # noqa: F401  (the norm preview's seeded model)

    return torch_ready(on_torch, cuda)


def torch_ready(on_torch: Callable[[], object] | None = None, cuda: bool = True) -> list[str]:
    """Once torch is imported: run `on_torch` and return the devices the device field may offer."""
    from regtui.system.devices import device_choices, warm_cuda

    if on_torch is not None:
        on_torch()
    if cuda:
        warm_cuda()  # overlaps with the first run's data load
    return device_choices()


def loading_text(elapsed: float, pending: bool) -> str:
    """The status line while torch loads: a spinner, the seconds waited, and whether a start waits."""
    spin = SPINNER[int(elapsed * 10) % len(SPINNER)]
    then = " · starting as soon as it is loaded" if pending else " · s/a start when it is loaded"
    return f"{spin} Loading torch … {elapsed:.1f} s{then}"
