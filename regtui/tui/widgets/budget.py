"""The app's frame budget: at most 10 frames a second, and about 5% of the time drawing."""

from __future__ import annotations

import time

MIN_INTERVAL_S = 0.1  # never more than 10 frames a second
COST_FACTOR = 20.0  # after a frame that cost c seconds, wait >= 20c: drawing stays near 5%


class RedrawBudget:
    """Decides when the next frame may be drawn, from what the last frame really cost.

    Training shares the CPU and the GIL with the UI thread. A plotext chart costs far more to
    turn into terminal strips than to build (measured: ~60 ms a frame at 120x40, a quarter
    of it in plotext), so the cost is charged where Textual renders widget lines, by
    `add()`, and a frame is only due once 20x the last frame's cost has passed.
    """

    def __init__(self) -> None:
        self.cost = 0.0  # seconds the last completed frame cost, exponentially averaged
        self._pending = 0.0  # cost charged to the frame being drawn
        self.last = -1e9
        self.frames = 0

    def due(self) -> bool:
        """True when the next frame may be drawn."""
        return time.monotonic() - self.last >= max(MIN_INTERVAL_S, COST_FACTOR * self.cost)

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
        start = time.perf_counter()
        lines = super().render_lines(crop)
        budget = getattr(self.app, "frame_budget", None)
        if budget is not None:
            budget.add(time.perf_counter() - start)
        return lines
