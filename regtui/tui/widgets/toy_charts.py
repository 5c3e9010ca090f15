"""The toy regression's own charts: the network's fit to the 10 points, and its two losses."""

from __future__ import annotations

import math

from regtui.tui.session import downsample
from regtui.tui.widgets.axes import LOSS_FLOOR, clip, linear_axis, log10s, log_axis
from regtui.tui.widgets.charts import MARKS_EVERY, LiveChart
from regtui.tui.widgets.colors import MARKERS
from regtui.tui.widgets.raster import Chart, Series
from regtui.tui.widgets.ticks import compact, int_ticks


class FitChart(LiveChart):
    """Toy regression: the 10 noisy points, the true line 2x and the network's current fit."""

    title = "Fit to 10 points"

    def draw(self, chart: Chart, points: int) -> None:
        toy = self.visible_runs()
        if not toy:
            return
        run, pal = toy[-1][1], self.palette
        if run.info.x_test is None:
            return
        # a saved run (regtui show) keeps its fitted curves but not the 10 training points
        xs, ys = (list(v) for v in run.info.points) if run.info.points else ([], [])
        x_test = list(run.info.x_test)
        true = [2 * x for x in x_test]
        chart.series.append(Series(x_test, true, pal.green, "·"))
        curve = list(run.curve[1]) if run.curve is not None else []
        if curve:
            chart.series.append(Series(x_test, curve, pal.run(0)))
        if xs:
            chart.series.append(Series(xs, ys, pal.yellow, "●"))  # last: on top of the curve
        chart.x_range = (min(x_test + xs), max(x_test + xs))
        ticks = int_ticks(math.floor(chart.x_range[0]), math.ceil(chart.x_range[1]), 6)
        chart.xticks = [(t, str(t)) for t in ticks if chart.x_range[0] <= t <= chart.x_range[1]]
        linear_axis(chart, [ys, true, curve], self.size.height)


class LossChart(LiveChart):
    """Toy regression: train loss and test loss (against 2x) per step, log scale with a floor."""

    title = f"Loss (log; floor {compact(LOSS_FLOOR)})"

    def draw(self, chart: Chart, points: int) -> None:
        toy, window = self.visible_runs(), self.window()
        self.epoch_axis(chart, window)  # before any run: the planned steps
        if not toy:
            return
        run, pal = toy[-1][1], self.palette
        xs, train = clip(run.epochs, log10s(run.train_loss), window.lo)
        test_xs, test = clip(run.epochs, log10s(run.val_loss), window.lo)
        chart.series.append(Series(*downsample(xs, train, points), pal.run(0)))
        chart.series.append(Series(*downsample(test_xs, test, max(4, self.size.width // MARKS_EVERY)),
                                   pal.run(1), MARKERS[1]))
        log_axis(chart, [train, test], self.size.height)
