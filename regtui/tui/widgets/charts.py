"""Live charts drawn in braille, rebuilt only when their data, options or size change.

Each line (a run, or a seed group: regtui.tui.groups) keeps one colour and one marker
character everywhere (charts and legend), so lines can be told apart without colour. Train is
a braille line, validation sparse markers drawn after it, so both stay visible where they
overlap (e.g. both at 100%). A seed group draws its means so, its validation (or norm) min–max
band as a faint dotted shade beneath, and its member in training on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from textual.strip import Strip
from textual.widget import Widget

from regtui.engine import TaskKind
from regtui.tui.groups import Line, chart_lines
from regtui.tui.session import SessionRun, downsample
from regtui.tui.widgets.budget import Budgeted
from regtui.tui.widgets.raster import Chart, Series, faint, render
from regtui.tui.widgets.ticks import compact, int_ticks, log_ticks

# One palette for plotext and the legend, as RGB so both agree (plotext's named colours do
# not match rich's); Textual converts them for 256-colour and no-colour terminals. Green is
# kept out of it: it marks the best epoch only.
COLORS = ((0, 190, 255), (255, 70, 160), (255, 175, 0), (190, 130, 255), (255, 90, 70),
          (170, 170, 170), (120, 140, 255))
MARKERS = ("•", "+", "x", "o", "*", "#", "@")  # one per run: told apart without colour
GREEN, YELLOW = (90, 220, 110), (255, 200, 0)
LOSS_FLOOR = 1e-10  # losses below this (float noise) are drawn at it: no forest of spikes
TICK_WIDTH = 5  # log-axis labels padded to this width so the plot area does not jump
MARKS_EVERY = 3  # columns between two validation markers


def run_color(index: int) -> tuple[int, int, int]:
    """The colour of the session's `index`-th run."""
    return COLORS[index % len(COLORS)]


def run_marker(index: int) -> str:
    """The marker character of the session's `index`-th run."""
    return MARKERS[index % len(MARKERS)]


@dataclass(frozen=True)
class ChartOptions:
    """What the chart controls chose: log scale, the last N epochs only, runs hidden."""

    log: bool = False  # norm chart on a log scale (the toy loss chart is always log)
    last: int | None = None  # show only the last N epochs (None: the whole run)
    hidden: frozenset[str] = frozenset()  # keys of lines not drawn (run or seed group names)


class LiveChart(Budgeted, Widget):
    """A chart over the session's runs; `redraw()` is called by the app's frame clock."""

    DEFAULT_CSS = """
    LiveChart {
        width: 1fr;
        height: 1fr;
    }
    """
    title = ""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runs: list[SessionRun] = []
        self.options = ChartOptions()
        self.frames = 0  # charts actually rebuilt (tests check the budget holds)
        self._data_key: object = None
        self._strips: tuple[object, list[Strip]] | None = None  # (size and style, lines)

    def redraw(self, runs: list[SessionRun], options: ChartOptions) -> None:
        """Take the session's runs; repaint only if what this chart shows has changed."""
        key = (tuple((id(r), len(r.epochs), r.curve and r.curve[0], r.last and r.last.best_epoch,
                      r.result is None) for r in runs), options)  # an ending member joins its band
        if not self.display or key == self._data_key:
            return
        self._data_key, self.runs, self.options, self._strips = key, runs, options, None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One line of the chart, from strips cached until its data, size or style change."""
        looks = (self.size, self.app.theme, self.app.ansi_color)
        if self._strips is None or self._strips[0] != looks:
            self.frames += 1
            chart = Chart(self.title, (1, 2), (0, 1))
            self.draw(chart, max(20, 2 * self.size.width))
            self._strips = (looks, render(chart, self.size.width, self.size.height, self.rich_style))
        lines = self._strips[1]
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)

    def draw(self, chart: Chart, points: int) -> None:
        """Fill `chart` with this chart's series, at most `points` points per series."""
        raise NotImplementedError

    # ----- helpers for the epoch axis --------------------------------------------------
    def window(self, runs: list[SessionRun]) -> tuple[int, int]:
        """First and last epoch on the x axis: the whole run, or the last N epochs."""
        done = max((r.epochs[-1] for r in runs if r.epochs), default=1)
        if self.options.last is not None:
            return max(1, done - self.options.last + 1), max(done, 2)
        # the whole run: the axis spans the planned epochs, so curves grow across a still axis
        planned = max((r.last.epochs for r in runs if r.last), default=done)
        return 1, max(planned, done, 2)

    def epoch_axis(self, chart: Chart, lo: int, hi: int) -> None:
        """Integer epoch ticks (never 50.8) across [lo, hi]."""
        chart.xticks = [(t, str(t)) for t in int_ticks(lo, hi, max(2, self.size.width // 10))]
        chart.x_range = (lo, hi)

    def visible(self, kind: Callable[[TaskKind], bool] | None = None) -> list[tuple[int, SessionRun]]:
        """(line index, run) of the runs to draw: not hidden, with epochs, of a task `kind` likes."""
        return [(i, r) for i, line in self.lines(kind) for r in line.runs if r.epochs]

    def lines(self, kind: Callable[[TaskKind], bool] | None = None) -> list[tuple[int, Line]]:
        """(line index, line) of the lines to draw: not hidden, of a task `kind` likes."""
        return [(i, line) for i, line in enumerate(chart_lines(self.runs))
                if line.key not in self.options.hidden and (kind is None or kind(line.runs[0].kind))]

    def curves(self, attr: str, kind: Callable[[TaskKind], bool] | None = None,
               ) -> list[tuple[int, list[int], list[float], tuple[list[float], list[float]] | None]]:
        """(line index, epochs, values, band or None) of each visible line's `attr` series: a run's
        own, a group's mean with its min–max band, and a group's member in training on its own."""
        out = []
        for i, line in self.lines(kind):
            band = line.band(attr)
            if band is not None:
                edges = (band.low, band.high) if band.low is not None and band.high is not None else None
                out.append((i, band.epochs, band.mean, edges))
            live = line.live if line.grouped else None
            if live is not None:
                out.append((i, live.epochs, getattr(live, attr), None))
        return out


def clip(run_xs: list[int], ys: list[float], lo: int) -> tuple[list[int], list[float]]:
    """The part of a series from epoch `lo` on (epochs are 1-based and consecutive)."""
    start = max(0, lo - run_xs[0]) if run_xs else 0
    return run_xs[start:], ys[start:]


def log_axis(chart: Chart, series: list[list[float]], height: int) -> None:
    """Compact, fixed-width log ticks (0.01, 6.7, 1e-8; never '0') for series already in log10."""
    values = [v for s in series for v in s if math.isfinite(v)]  # NaN/inf: not drawn (a gap)
    if not values:
        return
    ticks = log_ticks(min(values), max(values), max(2, height // 3))
    chart.yticks = [(t, compact(10**t).rjust(TICK_WIDTH)) for t in ticks]
    chart.y_range = (ticks[0], ticks[-1])


def linear_axis(chart: Chart, series: list[list[float]], height: int) -> None:
    """Round y ticks over the data (compact labels, padded to a fixed width)."""
    values = [v for s in series for v in s if math.isfinite(v)]  # NaN/inf: not drawn (a gap)
    if not values:
        return
    lo, hi = min(values), max(values)
    step = nice_step((hi - lo) or abs(hi) or 1, max(2, height // 3))
    first, last = math.floor(lo / step), math.ceil(hi / step)
    digits = max(0, -math.floor(math.log10(step)))  # enough decimals to tell ticks apart
    label = (lambda v: f"{v:.{digits}f}") if step >= 0.001 and abs(hi) < 1e5 else compact
    chart.yticks = [(k * step, label(k * step).rjust(TICK_WIDTH)) for k in range(first, last + 1)]
    chart.y_range = (first * step, last * step)


def nice_step(span: float, most: int) -> float:
    """The smallest of 1, 2, 5 x 10^k that cuts `span` into at most `most` - 1 steps."""
    k = math.floor(math.log10(span / max(1, most - 1)))
    return next(m * 10**k for m in (1, 2, 5, 10) if span / (m * 10**k) <= max(1, most - 1))


def log10s(values: list[float]) -> list[float]:
    """log10 of each value, floored at LOSS_FLOOR (noise-level values sit on the floor)."""
    return [math.log10(max(v, LOSS_FLOOR)) for v in values]


class AccuracyChart(LiveChart):
    """Train (braille line) and val (the run's marker) accuracy per epoch; best epoch in green."""

    title = "Accuracy % per epoch"

    def draw(self, chart: Chart, points: int) -> None:
        runs = self.visible(lambda k: k.has_accuracy)
        lo, hi = self.window([r for _, r in runs])
        val = self.curves("val_acc", lambda k: k.has_accuracy)
        add_bands(chart, val, lo, points)  # first: lines and markers are drawn over them
        for i, epochs, train, _ in self.curves("train_acc", lambda k: k.has_accuracy):
            xs, ys = clip(epochs, train, lo)
            chart.series.append(Series(*downsample(xs, ys, points), run_color(i)))
        marks = max(4, self.size.width // MARKS_EVERY)
        for i, epochs, ys, _ in val:  # after every train line: markers stay on top
            xs, ys = clip(epochs, ys, lo)
            chart.series.append(Series(*downsample(xs, ys, marks), run_color(i), run_marker(i)))
        best = next((r.last.best_epoch for _, r in reversed(runs) if r.last and r.last.best_epoch), None)
        if best and best >= lo:
            chart.vlines.append((best, GREEN))
        self.epoch_axis(chart, lo, hi)
        chart.yticks = [(v, str(v).rjust(3)) for v in (0, 25, 50, 75, 100)]
        chart.y_range = (0, 100)


class NormChart(LiveChart):
    """Total Frobenius norm of the weights per epoch, every run (linear or log scale)."""

    title = "Total weight norm"

    def draw(self, chart: Chart, points: int) -> None:
        if self.options.log:
            chart.title = f"{self.title} (log)"
        runs = self.visible()
        lo, hi = self.window([r for _, r in runs])
        drawn = []
        every = max(4, self.size.width // 8)  # a few of the run's markers along its line
        norms = self.curves("total_norm")
        if self.options.log:
            norms = [(i, xs, log10s(ys), band and (log10s(band[0]), log10s(band[1])))
                     for i, xs, ys, band in norms]
        drawn += [clip(epochs, edge, lo)[1] for _, epochs, _, band in norms if band for edge in band]
        add_bands(chart, norms, lo, points)
        for i, epochs, ys, _ in norms:
            xs, ys = clip(epochs, ys, lo)
            drawn.append(ys)
            chart.series.append(Series(*downsample(xs, ys, points), run_color(i)))
            chart.series.append(Series(*downsample(xs, ys, every), run_color(i), run_marker(i)))
        self.epoch_axis(chart, lo, hi)
        (log_axis if self.options.log else linear_axis)(chart, drawn, self.size.height)


def add_bands(chart: Chart, curves: list, lo: int, points: int) -> None:
    """The min–max bands of `curves` (from LiveChart.curves), faint, from epoch `lo` on."""
    for i, epochs, _, band in curves:
        if band is not None:
            xs, low = clip(epochs, band[0], lo)
            _, high = clip(epochs, band[1], lo)
            (xs, low), (_, high) = downsample(xs, low, points), downsample(xs, high, points)
            chart.series.append(Series(xs, low, faint(run_color(i)), high=high))


class FitChart(LiveChart):
    """Toy regression: the 10 noisy points, the true line 2x and the network's current fit."""

    title = "Fit to 10 points"

    def draw(self, chart: Chart, points: int) -> None:
        toy = self.visible(lambda k: k.has_curve)
        if not toy:
            return
        run = toy[-1][1]
        if run.info.x_test is None:
            return
        # a saved run (regtui show) keeps its fitted curves but not the 10 training points
        xs, ys = (list(v) for v in run.info.points) if run.info.points else ([], [])
        x_test = list(run.info.x_test)
        true = [2 * x for x in x_test]
        chart.series.append(Series(x_test, true, GREEN, "·"))
        curve = list(run.curve[1]) if run.curve is not None else []
        if curve:
            chart.series.append(Series(x_test, curve, COLORS[0]))
        if xs:
            chart.series.append(Series(xs, ys, YELLOW, "●"))  # last: on top of the curve
        chart.x_range = (min(x_test + xs), max(x_test + xs))
        ticks = int_ticks(math.floor(chart.x_range[0]), math.ceil(chart.x_range[1]), 6)
        chart.xticks = [(t, str(t)) for t in ticks if chart.x_range[0] <= t <= chart.x_range[1]]
        linear_axis(chart, [ys, true, curve], self.size.height)


class LossChart(LiveChart):
    """Toy regression: train loss and test loss (against 2x) per step, log scale with a floor."""

    title = f"Loss (log; floor {compact(LOSS_FLOOR)})"

    def draw(self, chart: Chart, points: int) -> None:
        toy = self.visible(lambda k: not k.has_accuracy)
        if not toy:
            return
        run = toy[-1][1]
        lo, hi = self.window([run])
        xs, train = clip(run.epochs, log10s(run.train_loss), lo)
        _, test = clip(run.epochs, log10s(run.val_loss), lo)
        chart.series.append(Series(*downsample(xs, train, points), COLORS[0]))
        chart.series.append(Series(*downsample(xs, test, max(4, self.size.width // MARKS_EVERY)),
                                   COLORS[1], MARKERS[1]))
        self.epoch_axis(chart, lo, hi)
        log_axis(chart, [train, test], self.size.height)
