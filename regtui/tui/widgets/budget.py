"""The app's frame budget: at most 10 frames a second, and at most ~1/8 of the time drawing."""

from __future__ import annotations

import time

MIN_INTERVAL_S = 0.1  # never more than 10 frames a second
# The frame clock asks every TICK_S. Each wake-up of the UI thread costs the training thread
# a GIL hand-over, so it is not asked more often; instead a frame due within half a tick is
# drawn now (else a frame due at 0.12 s would wait for the 0.2 s tick: 5 frames a second).
TICK_S = MIN_INTERVAL_S
COST_FACTOR = 8.0  # after a frame that cost c seconds, wait >= 8c: drawing stays under ~12%


class RedrawBudget:
    """Decides when the next frame may be drawn, from what the last frame really cost.

    Training shares the CPU and the GIL with the UI thread. The cost is charged where
    Textual renders widget lines, by `add()`, and a frame is only due once 8x the last
    frame's cost has passed. With frames of ~15 ms at 120x40 (benchmarks/bench_tui.py)
    that allows 8-10 frames a second; were frames dear (plotext's ~60 ms), it would cut
    the rate rather than slow training.
    """

    def __init__(self) -> None:
        self.cost = 0.0  # seconds the last completed frame cost, exponentially averaged
        self._pending = 0.0  # cost charged to the frame being drawn
        self.last = -1e9
        self.frames = 0

    def due(self) -> bool:
        """True when the next frame may be drawn."""
        wait = max(MIN_INTERVAL_S, COST_FACTOR * self.cost)
        return time.monotonic() - self.last >= wait - (TICK_S / 2 if wait > MIN_INTERVAL_S else 0.005)

    def start_frame(self) -> None:
        """Close the previous frame's account and start a new one."""
        if self.frames:
            self.cost = self._pending if self.frames == 1 else 0.7 * self.cost + 0.3 * self._pending
        self._pending = 0.0
        self.last = time.monotonic()
        self.frames += 1

    def add(self, seconds: float) -> None:
        """Charge rendering work to the current frame."""
        self._pending += seconds


class Budgeted:
    """Mixin for widgets whose line rendering is charged to the app's frame budget."""

    def render_lines(self, crop):  # Textual calls this to turn the widget into strips
        # CPU time of this thread, not wall time: waiting for the GIL while training holds it,
        # or for a core on a loaded machine, is not drawing and must not slow the frame rate.
        start = time.thread_time()
        lines = super().render_lines(crop)
        budget = getattr(self.app, "frame_budget", None)
        if budget is not None:
            budget.add(time.thread_time() - start)
        return lines
