"""The charts' axes and series helpers: the epoch window, y ticks (linear, log, percent), clipping.

The epoch window is one function of the runs and the chart controls, so every chart of a page
(and the epoch cursor) shares one x axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from regtui.tui.groups import Line
from regtui.tui.widgets.raster import Chart
from regtui.tui.widgets.ticks import compact, int_ticks, log_ticks

LOSS_FLOOR = 1e-10  # losses below this (float noise) are drawn at it: no forest of spikes
TICK_WIDTH = 5  # y labels padded to this width so the plot area does not jump
SQUEEZED = 0.5  # the whole-run axis fits itself to the data when the data spans less than this share


@dataclass(frozen=True)
class Window:
    """The epochs on the x axis, and whether the whole-run axis was fitted to the data."""

    lo: int
    hi: int
    fitted: bool = False  # the planned epochs would have squeezed the curves: the axis fits the runs


def epoch_window(lines: list[Line], last: int | None, fit: bool, planned: int | None) -> Window:
    """The x axis for `lines` (the visible ones): the last N epochs, fitted to the data, or the
    whole run.

    The whole run spans the planned epochs (the pane's Epochs before any run), so curves grow
    across a still axis; but a run that has ended counts only up to its last epoch, and when
    what is left would fill less than half the axis, the axis fits the runs instead (a long run
    stopped early would otherwise squeeze every other run into a column or two).
    """
    runs = [r for line in lines for r in line.runs]
    data = max((r.epochs[-1] for r in runs if r.epochs), default=0)
    if last is not None:
        return Window(max(1, data - last + 1), max(data, 2))
    if fit and data:
        return Window(1, max(data, 2))
    if not runs:
        return Window(1, max(planned or 2, 2))
    whole = max(r.info.config.epochs for r in runs)
    extent = max(r.info.config.epochs if r.result is None else (r.epochs[-1] if r.epochs else 0)
                 for r in runs)
    if extent < SQUEEZED * whole:
        return Window(1, max(extent, data, 2), fitted=True)
    return Window(1, max(whole, data, 2))


def clip(run_xs: Sequence[int], ys: Sequence[float], lo: int) -> tuple[list[int], list[float]]:
    """The finite points of a series from epoch `lo` on (epochs are 1-based and consecutive)."""
    start = max(0, lo - run_xs[0]) if run_xs else 0
    pts = [(x, y) for x, y in zip(run_xs[start:], ys[start:], strict=False) if math.isfinite(y)]
    return [x for x, _ in pts], [y for _, y in pts]


def log10s(values: Sequence[float]) -> list[float]:
    """log10 of each value, floored at LOSS_FLOOR (noise-level values sit on the floor; NaN stays NaN)."""
    return [math.log10(max(v, LOSS_FLOOR)) if v == v else v for v in values]


def log_axis(chart: Chart, series: list[list[float]], height: int) -> None:
    """Compact, fixed-width log ticks (0.01, 6.7, 1e-8; never '0') for series already in log10."""
    values = [v for s in series for v in s if math.isfinite(v)]
    if not values:
        return
    ticks = log_ticks(min(values), max(values), max(2, height // 3))
    chart.yticks = [(t, compact(10**t).rjust(TICK_WIDTH)) for t in ticks]
    chart.y_range = (ticks[0], ticks[-1])


def linear_axis(chart: Chart, series: list[list[float]], height: int) -> None:
    """Round y ticks over the data (compact labels, padded to a fixed width)."""
    values = [v for s in series for v in s if math.isfinite(v)]
    if not values:
        return
    lo, hi = min(values), max(values)
    step = nice_step((hi - lo) or abs(hi) or 1, max(2, height // 3))
    first, last = math.floor(lo / step), math.ceil(hi / step)
    digits = max(0, -math.floor(math.log10(step)))  # enough decimals to tell ticks apart
    label = (lambda v: f"{v:.{digits}f}") if step >= 0.001 and abs(hi) < 1e5 else compact
    chart.yticks = [(k * step, label(k * step).rjust(TICK_WIDTH)) for k in range(first, last + 1)]
    chart.y_range = (first * step, last * step)


def percent_axis(chart: Chart) -> None:
    """0 to 100 %, ticks every 25."""
    chart.yticks = [(v, str(v).rjust(3)) for v in (0, 25, 50, 75, 100)]
    chart.y_range = (0, 100)


def nice_step(span: float, most: int) -> float:
    """The smallest of 1, 2, 5 x 10^k that cuts `span` into at most `most` - 1 steps."""
    k = math.floor(math.log10(span / max(1, most - 1)))
    return next(m * 10**k for m in (1, 2, 5, 10) if span / (m * 10**k) <= max(1, most - 1))


def epoch_ticks(chart: Chart, window: Window, width: int) -> None:
    """Integer epoch ticks (never 50.8) across the window."""
    chart.xticks = [(t, str(t)) for t in int_ticks(window.lo, window.hi, max(2, width // 10))]
    chart.x_range = (window.lo, window.hi)
