"""Which metrics the app can chart (every per-epoch column of metrics.csv) and its pages of charts.

A page is what the chart area shows at once: up to four charts, each one metric over every
visible run (or a special chart: accuracy with its best epochs, the toy's fit and losses). `m`
cycles the default pages; the command palette adds any metric to a page of the user's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from regtui.engine import TaskKind
from regtui.tui.session import NOISY_KEYS as NOISY

ACCURACY, FIT, TOY_LOSS = "accuracy", "fit", "toy loss"  # charts that are not one metric
MAX_CHARTS = 4  # on one page: two by two
CHOSEN = "chosen"  # the page of metrics picked in the palette


@dataclass(frozen=True)
class Metric:
    """One per-epoch column of metrics.csv as the app charts it."""

    key: str  # the metrics.csv column: "val_loss", "norm:fc1.weight"
    title: str  # the chart's title
    scale: str  # "percent" (0-100), "log" (losses), "norm" (linear; log with `l`), "linear"
    short: str  # its name in the values table (the epoch cursor)

    def text(self, value: float) -> str:
        """A value as the values table writes it: 97.0%, 0.0123, 8.017, 29."""
        if value != value:  # NaN: not measured at that epoch (no changed labels, say)
            return "–"
        if self.scale == "percent":
            return f"{value:.1f}%"
        if self.scale == "log":
            return f"{value:.3g}"
        if self.key == "best_epoch":
            return str(round(value))
        if self.scale == "norm":
            return f"{value:.4f}"  # as the norm table writes them
        return f"{value:.4g}"


_METRICS = (
    Metric("train_acc", "Train accuracy %", "percent", "train"),
    Metric("val_acc", "Validation accuracy %", "percent", "val"),
    Metric("train_loss", "Train loss (log)", "log", "train loss"),
    Metric("val_loss", "Validation loss (log)", "log", "val loss"),
    Metric("best_epoch", "Best epoch so far", "linear", "best"),
    Metric("total_norm", "Total weight norm", "norm", "norm"),
    Metric("elapsed_s", "Seconds of training", "linear", "s"),
    Metric("train_acc_clean", "Kept labels: train acc %", "percent", "clean"),
    Metric("train_acc_memorized", "Changed labels memorized %", "percent", "memorized"),
    Metric("changed_true_acc", "Changed images: true class %", "percent", "true class"),
)
TOY_WORDS = {"val_loss": Metric("val_loss", "Test loss vs 2x (log)", "log", "test loss")}
CLASSIFY_ONLY = {"train_acc", "val_acc", "best_epoch", *NOISY}


def layer_metric(layer: str) -> Metric:
    """The norm of one parameter tensor, e.g. 'norm:fc1.weight'."""
    return Metric(f"norm:{layer}", f"Norm of {layer}", "norm", layer)


def metrics_for(kind: TaskKind, layers: Iterable[str]) -> dict[str, Metric]:
    """Every metric a run of `kind` with these parameter tensors writes, by metrics.csv column."""
    out = {}
    for m in _METRICS:
        if kind.has_accuracy or m.key not in CLASSIFY_ONLY:
            out[m.key] = m if kind.has_accuracy else TOY_WORDS.get(m.key, m)
    for name in layers:
        out[f"norm:{name}"] = layer_metric(name)
    return out


def step_word(kind: TaskKind) -> str:
    """What one point on the x axis is: an epoch, or (the toy's full-batch training) a step."""
    return "epoch" if kind.has_accuracy else "step"


@dataclass(frozen=True)
class Page:
    """A page of charts: its name and the charts it shows (ACCURACY, FIT, TOY_LOSS or a metric key)."""

    name: str
    charts: tuple[str, ...]


def pages(kind: TaskKind, layers: list[str], chosen: tuple[str, ...] = ()) -> list[Page]:
    """The default pages for a task and the model's parameter tensors, then the chosen metrics'."""
    if kind.has_accuracy:
        out = [Page("accuracy & norm", (ACCURACY, "total_norm")), Page("losses", ("train_loss", "val_loss"))]
    else:
        out = [Page("fit & loss", (FIT, TOY_LOSS, "total_norm"))]
    weights = [name for name in layers if name.endswith("weight")] or layers  # biases stay small
    for start in range(0, len(weights), MAX_CHARTS):
        part = f" {start // MAX_CHARTS + 1}" if len(weights) > MAX_CHARTS else ""
        out.append(Page(f"layer norms{part}", tuple(f"norm:{n}" for n in weights[start:start + MAX_CHARTS])))
    if kind.has_accuracy:
        out.append(Page("noisy labels", (*NOISY, "val_acc")))
    if chosen:
        out.append(Page(CHOSEN, chosen))
    return out


def shown_metrics(chart: str, kind: TaskKind, catalogue: dict[str, Metric]) -> list[Metric]:
    """The metrics a chart draws, for the values table of the epoch cursor."""
    if chart == ACCURACY:
        return [catalogue["train_acc"], catalogue["val_acc"], catalogue["best_epoch"]]
    if chart == TOY_LOSS:
        return [catalogue["train_loss"], catalogue["val_loss"]]
    return [catalogue[chart]] if chart in catalogue else []
