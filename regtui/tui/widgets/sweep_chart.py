"""The sweep's charts: seed groups against the one numeric setting they differ in.

The app's counterpart of `regtui run`'s chart against a setting (regtui.headless.charts
versus_chart), drawn with the app's braille rasterizer: on the left the mean over seeds of
the final train and validation accuracy and their gap (train and val inside their min–max
band), on the right the median epoch at which train accuracy first reached 100%, a member
that never did counted as censored at its last epoch (Kaplan–Meier, as the headless tables):
a group where more than half never did is an `x` at the epoch count, not a lucky average (its
own axis: epochs, not %). E.g. label-noise-sweep against label_fraction.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.strip import Strip
from textual.widget import Widget

from regtui.engine import RunResult, task_of
from regtui.experiments.aggregate import Group, group_results, has_groups, varying_setting
from regtui.tui.widgets.axes import linear_axis
from regtui.tui.widgets.budget import Budgeted
from regtui.tui.widgets.colors import FULL
from regtui.tui.widgets.raster import Chart, Series, render

Sweep = tuple[list[Group], str]  # the groups, in setting order, and the setting's key
# (aggregate METRICS key, words, colour, marker): the accuracy chart's three lines. Letters,
# not the runs' markers: these lines are numbers of every group, not runs of the legend.
COLORS = FULL.runs  # the sweep's own lines (not runs): train, gap, val, epochs to 100%
ACCURACY_LINES = (("end_train_acc", "train", COLORS[0], "T"),
                  ("end_val_acc", "val", COLORS[2], "V"),
                  ("gap", "gap", COLORS[1], "G"))
EPOCH_COLOR, EPOCH_MARKER, CENSORED_MARKER = COLORS[3], "E", "x"


def sweep_of(results: Sequence[RunResult]) -> Sweep | None:
    """The finished seed groups and the one numeric setting they differ in, as `regtui run`
    decides it (groups of two or more seeds, image classification); None otherwise."""
    if not results or not task_of(results[0].info.config).has_accuracy or not has_groups(results):
        return None
    groups = group_results(results)
    key = varying_setting(groups)
    if key is None:
        return None
    return sorted(groups, key=lambda g: setting(g, key)), key


def setting(group: Group, key: str) -> float:
    """The group's value of the swept setting."""
    return float(getattr(group.results[0].info.config, key))


def x_axis(chart: Chart, xs: list[float]) -> None:
    """One tick per swept value (0, 0.2, ... 1): the values the groups were trained at."""
    lo, hi = min(xs), max(xs)
    pad = (hi - lo) * 0.04 or 0.5  # the end points' markers stay inside the plot
    chart.x_range = (lo - pad, hi + pad)
    chart.xticks = [(x, f"{x:g}") for x in xs]


def fitting(width: int, *titles: str) -> str:
    """The first (longest) of `titles` that fits `width` columns; else the last."""
    return next((t for t in titles if len(t) <= width - 2), titles[-1])


class SweepChart(Budgeted, Widget):
    """One of the sweep's two charts (`what`: "accuracy" or "epochs"); repainted by `show`."""

    DEFAULT_CSS = """
    SweepChart {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, what: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.what = what
        self.sweep: Sweep | None = None
        self._key: object = None
        self._strips: tuple[object, list[Strip]] | None = None

    def show(self, sweep: Sweep | None) -> None:
        """Take the sweep's groups; repaint only when they changed."""
        key = sweep and (tuple(id(r) for g in sweep[0] for r in g.results), sweep[1])
        if key != self._key:
            self._key, self.sweep, self._strips = key, sweep, None
            self.refresh()

    def render_line(self, y: int) -> Strip:
        looks = (self.size, self.app.theme, self.app.ansi_color)
        if self._strips is None or self._strips[0] != looks:
            chart = Chart("", (0, 1), (0, 1))
            if self.sweep is not None:
                (self.accuracy if self.what == "accuracy" else self.epochs)(chart, *self.sweep)
            self._strips = (looks, render(chart, self.size.width, self.size.height, self.rich_style))
        lines = self._strips[1]
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)

    def accuracy(self, chart: Chart, groups: list[Group], key: str) -> None:
        """Final train and val accuracy (mean over seeds, min–max band) and their gap."""
        xs = [setting(g, key) for g in groups]
        words = "  ".join(f"{marker} {name}" for _, name, _, marker in ACCURACY_LINES)
        tight = " ".join(f"{marker}{name}" for _, name, _, marker in ACCURACY_LINES)
        chart.title = fitting(self.size.width, f"Accuracy % vs {key} (mean of seeds): {words}",
                              f"% vs {key}: {words}", f"% vs {key}: {tight}")
        for metric, _, color, marker in ACCURACY_LINES:
            points = [(x, g.stats[metric]) for x, g in zip(xs, groups, strict=True) if g.stats[metric]]
            if not points:
                continue
            px = [x for x, _ in points]
            if metric != "gap":  # the band over seeds; the gap's own spread would clutter it
                chart.series.insert(0, Series(px, [s.min for _, s in points], FULL.band(color),
                                              high=[s.max for _, s in points]))
            chart.series.append(Series(px, [s.mean for _, s in points], color))
            chart.series.append(Series(px, [s.mean for _, s in points], color, marker))
        x_axis(chart, xs)
        chart.yticks = [(v, str(v).rjust(3)) for v in (0, 25, 50, 75, 100)]
        chart.y_range = (0, 100)

    def epochs(self, chart: Chart, groups: list[Group], key: str) -> None:
        """The median epoch train accuracy first reached 100% per group, censored where a member
        never did (the band: min–max over the members, a censored one at its last epoch); a
        group whose median is past its last epoch is an `x` there. The title counts members."""
        xs = [setting(g, key) for g in groups]
        fits = [g.fits["fit_epoch"] for g in groups]
        done, total = sum(f.n_reached for f in fits), sum(f.n for f in fits)
        chart.title = fitting(self.size.width, f"{EPOCH_MARKER} median epoch train accuracy first hit 100% "
                              f"({done} of {total} runs did; {CENSORED_MARKER}: most never did)",
                              f"{EPOCH_MARKER} median epoch to 100% train ({done}/{total} did)",
                              f"{EPOCH_MARKER} epoch of 100% train ({done}/{total})")
        x_axis(chart, xs)
        known = [(x, f, f.median()[0]) for x, f in zip(xs, fits, strict=True) if f.n]
        if not known:
            return
        chart.series.append(Series([x for x, _, _ in known], [float(min(f.epochs)) for _, f, _ in known],
                                   FULL.band(EPOCH_COLOR), high=[float(max(f.epochs)) for _, f, _ in known]))
        medians = [(x, m) for x, _, m in known if m is not None]
        if medians:
            chart.series.append(Series([x for x, _ in medians], [m for _, m in medians], EPOCH_COLOR))
            chart.series.append(Series([x for x, _ in medians], [m for _, m in medians], EPOCH_COLOR,
                                       EPOCH_MARKER))
        past = [(x, float(max(f.epochs))) for x, f, m in known if m is None]
        if past:
            chart.series.append(Series([x for x, _ in past], [y for _, y in past], EPOCH_COLOR,
                                       CENSORED_MARKER))
        linear_axis(chart, [[0.0], [float(max(f.epochs)) for _, f, _ in known]], self.size.height)
