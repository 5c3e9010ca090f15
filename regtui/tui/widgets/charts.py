"""Live plotext charts that redraw at most 10 times a second, whatever the epoch rate."""

from __future__ import annotations

from rich.text import Text
from textual_plotext import PlotextPlot

from regtui.engine import TaskKind
from regtui.tui.session import SessionRun, downsample
from regtui.tui.widgets.budget import Budgeted

# One palette for plotext and the legend, as RGB so both agree (plotext's named colours do
# not match rich's); Textual converts them for 256-colour and no-colour terminals.
COLORS = ((0, 190, 255), (255, 70, 160), (255, 175, 0), (90, 220, 110), (190, 130, 255),
          (255, 90, 70), (200, 200, 200))
GREEN, YELLOW = (90, 220, 110), (255, 200, 0)


def rgb(color: tuple[int, int, int]) -> str:
    """A colour as rich style text."""
    return "rgb({},{},{})".format(*color)


def legend(runs: list[SessionRun], kind: TaskKind) -> Text:
    """One line naming what each colour and marker means (plotext's own legend hides data)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if not kind.has_accuracy:
        text.append("● points", style=rgb(YELLOW))
        text.append("   ·· true 2x", style=rgb(GREEN))
        text.append("   ━ network fit", style=rgb(COLORS[0]))
        text.append("    loss: ")
        text.append("━ train", style=rgb(COLORS[0]))
        text.append(f"   ·· {kind.val_words}", style=rgb(COLORS[1]))
        return text
    text.append(f"━ train  ·· {kind.val_words}  ")
    text.append("│ best epoch ", style=rgb(GREEN))
    text.append("  runs:")
    for i, run in enumerate(r for r in runs if r.kind.has_accuracy):
        text.append(f" ■ {run.name}", style=rgb(COLORS[i % len(COLORS)]))
    return text


class LiveChart(Budgeted, PlotextPlot):
    """A chart over the session's runs, redrawn by the app's frame clock via `redraw()`."""

    title = ""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runs: list[SessionRun] = []
        self.frames = 0  # frames drawn (tests check the budget holds)

    def redraw(self, runs: list[SessionRun]) -> None:
        """Rebuild the chart from the session's runs (plotext) and schedule a repaint."""
        if not self.display:
            return
        self.runs = runs
        self.frames += 1
        plt = self.plt
        plt.clear_figure()
        plt.title(self.title)
        self.draw(plt, max(20, 2 * self.size.width))
        self.refresh()

    def draw(self, plt, points: int) -> None:
        """Add this chart's series to `plt`, at most `points` points per series."""
        raise NotImplementedError


def _classify_runs(runs: list[SessionRun]) -> list[SessionRun]:
    return [r for r in runs if r.kind.has_accuracy and r.epochs]


class AccuracyChart(LiveChart):
    """Train (solid braille) and val (dots) accuracy of every run; best epoch of the latest marked."""

    title = "Accuracy % per epoch"

    def draw(self, plt, points: int) -> None:
        runs = _classify_runs(self.runs)
        for i, run in enumerate(runs):
            color = COLORS[i % len(COLORS)]
            plt.plot(*downsample(run.epochs, run.train_acc, points), marker="braille", color=color)
            plt.plot(*downsample(run.epochs, run.val_acc, points), marker="dot", color=color)
        if runs and runs[-1].last and runs[-1].last.best_epoch:
            plt.vline(runs[-1].last.best_epoch, GREEN)
        plt.ylim(0, 100)


class NormChart(LiveChart):
    """Total Frobenius norm of the weights per epoch, every run."""

    title = "Total weight norm"

    def draw(self, plt, points: int) -> None:
        for i, run in enumerate(r for r in self.runs if r.epochs):
            plt.plot(*downsample(run.epochs, run.total_norm, points), marker="braille",
                     color=COLORS[i % len(COLORS)])


class FitChart(LiveChart):
    """Toy regression: the 10 noisy points, the true line 2x and the network's current fit."""

    title = "Fit to 10 points"

    def draw(self, plt, points: int) -> None:
        toy = [r for r in self.runs if r.kind.has_curve]
        if not toy:
            return
        run = toy[-1]
        xs, ys = run.info.points
        x_test = list(run.info.x_test)
        plt.plot(x_test, [2 * x for x in x_test], marker="dot", color=GREEN)
        if run.curve is not None:
            _, curve = run.curve
            plt.plot(x_test, list(curve), marker="braille", color=COLORS[0])
        plt.scatter(list(xs), list(ys), marker="●", color=YELLOW)  # last: on top of the curve


class LossChart(LiveChart):
    """Toy regression: train loss and test loss (against 2x) per step, log scale."""

    title = "Loss (log)"

    def draw(self, plt, points: int) -> None:
        toy = [r for r in self.runs if not r.kind.has_accuracy and r.epochs]
        if not toy:
            return
        run = toy[-1]
        plt.plot(*downsample(run.epochs, [max(v, 1e-12) for v in run.train_loss], points),
                 marker="braille", color=COLORS[0])
        plt.plot(*downsample(run.epochs, [max(v, 1e-12) for v in run.val_loss], points),
                 marker="dot", color=COLORS[1])
        plt.yscale("log")
