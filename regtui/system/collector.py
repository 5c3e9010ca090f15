"""Python's cyclic garbage collector held back while regtui starts, then released.

Importing torch, Textual, pydantic and regtui builds about a million long-lived objects and
almost no garbage, yet with Python's default thresholds (700, 10, 10) the collector scans that
growing heap again and again: measured on the 2-core machine, 12% of `import torch` (2.58 s
instead of 2.95 s, medians of 8 alternating) and of the CLI's and the app's imports (0.67 s
instead of 0.76 s); in all, 0.41 s of `regtui run quick` went to 478 collections. So the
console script holds it back (a gen-0 pass per 500,000 allocations, not 700: startup makes
fewer, so none runs, yet a cycle would still be collected) and the end of startup releases it:
the objects built so far are frozen out of every later scan (gc.freeze, made for this) and
the thresholds are Python's again. `regtui run quick` then spends 5 ms in the collector.

Startup ends where the work begins: a headless session's first run, the app's first frame, the
training process's torch loaded, a download. Nothing numeric depends on when the collector runs.
"""

from __future__ import annotations

import gc

STARTUP_THRESHOLDS = (500_000, 10, 10)
_held: tuple[int, int, int] | None = None  # the thresholds to give back, while held


def hold() -> None:
    """Raise the collector's thresholds for the imports ahead (once; a second call does nothing)."""
    global _held
    if _held is None:
        _held = gc.get_threshold()
        gc.set_threshold(*STARTUP_THRESHOLDS)


def release() -> None:
    """Startup is over: freeze what it built out of later scans and restore the thresholds.
    Does nothing unless hold() was called (a test, the Python API, a second call)."""
    global _held
    if _held is not None:
        gc.freeze()
        gc.set_threshold(*_held)
        _held = None


def held() -> bool:
    """True between hold() and release()."""
    return _held is not None
