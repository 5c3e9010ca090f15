"""Live charts drawn in braille, rebuilt only when their data, options or size change.

Each line (a run, or a seed group: regtui.tui.groups) keeps one colour and one marker
character everywhere (charts, legend, values table), so lines can be told apart without
colour. Train is a braille line, validation sparse markers drawn after it, so both stay
visible where they overlap (e.g. both at 100%). A seed group draws its means so, its min–max
band as a faint dotted shade beneath, and its member in training on its own. One chart shows
one metric of every visible line (MetricChart); the accuracy chart shows two, and each
line's best epoch as a vertical line in its colour with its marker at the foot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.strip import Strip
from textual.widget import Widget

from regtui.tui.groups import Line, chart_lines
from regtui.tui.metrics import Metric
from regtui.tui.session import SessionRun, downsample
from regtui.tui.widgets.axes import (
    Window,
    clip,
    epoch_ticks,
    epoch_window,
    linear_axis,
    log10s,
    log_axis,
    percent_axis,
)
from regtui.tui.widgets.budget import Budgeted
from regtui.tui.widgets.colors import MARKERS, Palette, palette_for, run_marker
from regtui.tui.widgets.raster import Chart, Series, VLine, render

if TYPE_CHECKING:
    from regtui.tui.filters import RunFilter

__all__ = ["MARKERS", "AccuracyChart", "ChartOptions", "LiveChart", "MetricChart", "NormChart"]
MARKS_EVERY = 3  # columns between two validation markers
CURSOR = "┆"  # the epoch cursor's vertical line, told apart from a best epoch's "│" without colour


@dataclass(frozen=True)
class ChartOptions:
    """What the chart controls chose: scale, epochs shown, which lines, the epoch cursor."""

    log: bool = False  # norm charts on a log scale (losses are always log)
    last: int | None = None  # show only the last N epochs (None: the whole run)
    fit: bool = False  # the axis ends at the visible runs' last epoch
    hidden: frozenset[str] = frozenset()  # keys of lines not drawn (run or seed group names)
    solo: str | None = None  # the one line drawn (o), whatever `hidden` says
    query: RunFilter | None = None  # f: only lines matching it are drawn and listed
    cursor: int | None = None  # the epoch cursor (v); None: off
    planned: int | None = None  # the pane's Epochs: the axis before any run

    def listed(self, line: Line) -> bool:
        """In the legend: every line the filter lets through."""
        return self.query is None or self.query.matches(line)

    def shows(self, line: Line) -> bool:
        """Drawn: listed, and the solo line if one is chosen, else not hidden."""
        return self.listed(line) and (line.key == self.solo if self.solo else line.key not in self.hidden)


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

    @property
    def palette(self) -> Palette:
        """The colours for the terminal's colour system (16 colours get their own)."""
        return palette_for(self.app.console.color_system)

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

    def lines(self) -> list[tuple[int, Line]]:
        """(line index, line) of the lines to draw: listed by the filter, not hidden (or the solo)."""
        return [(i, line) for i, line in enumerate(chart_lines(self.runs)) if self.options.shows(line)]

    def visible_runs(self) -> list[tuple[int, SessionRun]]:
        """(line index, run) of the runs to draw that have epochs."""
        return [(i, r) for i, line in self.lines() for r in line.runs if r.epochs]

    def window(self) -> Window:
        """The epoch axis, the same for every chart of the page (axes.epoch_window)."""
        o = self.options
        return epoch_window([line for _, line in self.lines()], o.last, o.fit, o.planned)

    def epoch_axis(self, chart: Chart, window: Window) -> None:
        """Integer epoch ticks across the window, and the epoch cursor when it is on."""
        epoch_ticks(chart, window, self.size.width)
        cursor = self.options.cursor
        if cursor is not None and window.lo <= cursor <= window.hi:
            chart.vlines.append(VLine(cursor, self.palette.cursor, CURSOR))

    def curves(self, attr: str) -> list[tuple[int, list[int], list[float], tuple[list, list] | None]]:
        """(line index, epochs, values, band or None) of each visible line's `attr` series: a run's
        own, a group's mean with its min–max band, and a group's member in training on its own."""
        out = []
        for i, line in self.lines():
            band = line.band(attr)
            if band is not None:
                edges = (band.low, band.high) if band.low is not None and band.high is not None else None
                out.append((i, band.epochs, band.mean, edges))
            live = line.live if line.grouped else None
            if live is not None and live.series(attr):
                out.append((i, live.epochs, list(live.series(attr)), None))
        return out

    def add_bands(self, chart: Chart, curves: list, lo: int, points: int) -> list[list[float]]:
        """The min–max bands of `curves` (from `curves()`), faint, from epoch `lo` on; their edges."""
        edges = []
        for i, epochs, _, band in curves:
            if band is None:
                continue
            pts = [(x, a, b) for x, a, b in zip(epochs, *band, strict=False)
                   if x >= lo and math.isfinite(a) and math.isfinite(b)]
            xs, low, high = [p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts]
            (xs, low), (_, high) = downsample(xs, low, points), downsample(xs, high, points)
            chart.series.append(Series(xs, low, self.palette.band(self.palette.run(i)), high=high))
            edges += [low, high]
        return edges


class AccuracyChart(LiveChart):
    """Train (braille line) and val (the line's marker) accuracy per epoch; each line's best epoch."""

    title = "Accuracy % per epoch"

    def draw(self, chart: Chart, points: int) -> None:
        window, pal = self.window(), self.palette
        lo = window.lo
        val = self.curves("val_acc")
        self.add_bands(chart, val, lo, points)  # first: lines and markers are drawn over them
        for i, line in self.lines():  # under the curves: a best epoch line per visible line
            best = line.best_epoch()
            if best is not None and lo <= best <= window.hi:
                chart.vlines.append(VLine(best, pal.run(i), "│", run_marker(i)))
        for i, epochs, train, _ in self.curves("train_acc"):
            chart.series.append(Series(*downsample(*clip(epochs, train, lo), points), pal.run(i)))
        marks = max(4, self.size.width // MARKS_EVERY)
        for i, epochs, ys, _ in val:  # after every train line: markers stay on top
            chart.series.append(Series(*downsample(*clip(epochs, ys, lo), marks), pal.run(i), run_marker(i)))
        self.epoch_axis(chart, window)
        percent_axis(chart)


class MetricChart(LiveChart):
    """One metric (a metrics.csv column) of every visible line per epoch: a line with the line's
    markers along it, a seed group's min–max band beneath."""

    metric: Metric | None = None

    def show_metric(self, metric: Metric | None) -> None:
        """Chart this metric from now on (the page changed)."""
        if metric != self.metric:
            self.metric, self._data_key, self._strips = metric, None, None
            self.refresh()

    def draw(self, chart: Chart, points: int) -> None:
        m = self.metric
        if m is None:
            return
        log = m.scale == "log" or (m.scale == "norm" and self.options.log)
        chart.title = m.title + (" (log)" if log and m.scale != "log" else "")
        window, pal = self.window(), self.palette
        curves = self.curves(m.key)
        if log:
            curves = [(i, xs, log10s(ys), band and (log10s(band[0]), log10s(band[1])))
                      for i, xs, ys, band in curves]
        drawn = self.add_bands(chart, curves, window.lo, points)
        every = max(4, self.size.width // 8)  # a few of the line's markers along it
        for i, epochs, ys, _ in curves:
            xs, ys = clip(epochs, ys, window.lo)
            drawn.append(ys)
            chart.series.append(Series(*downsample(xs, ys, points), pal.run(i)))
            chart.series.append(Series(*downsample(xs, ys, every), pal.run(i), run_marker(i)))
        if not any(drawn) and self.runs:
            chart.note = self.empty_note(m)
        self.epoch_axis(chart, window)
        if m.scale == "percent":
            percent_axis(chart)
        else:
            (log_axis if log else linear_axis)(chart, drawn, self.size.height)

    def empty_note(self, metric: Metric) -> str:
        """What an empty chart says: why this metric has no data yet."""
        if metric.key.startswith("train_acc_") or metric.key == "changed_true_acc":
            return "needs partial or random labels"
        return "no run shown" if not self.visible_runs() else "no run shown has it"


class NormChart(MetricChart):
    """Total Frobenius norm of the weights per epoch, every line (linear or log scale)."""

    metric = Metric("total_norm", "Total weight norm", "norm", "norm")

