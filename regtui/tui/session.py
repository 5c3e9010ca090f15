"""What the app remembers of each run in a session: the series its charts and table draw."""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from regtui.engine import EpochReport, RunInfo, RunResult, TaskKind, task_of

BASE_KEYS = ("train_acc", "val_acc", "train_loss", "val_loss", "total_norm")  # SessionRun's own lists
NOISY_KEYS = ("train_acc_clean", "train_acc_memorized", "changed_true_acc")  # NoisyLabelAcc's order


@dataclass
class SessionRun:
    """One run's history as plain lists, appended to on the main thread as reports arrive."""

    name: str
    info: RunInfo
    epochs: list[int] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    total_norm: list[float] = field(default_factory=list)
    last: EpochReport | None = None
    curve: tuple[int, tuple[float, ...]] | None = None  # toy: (epoch, predictions) latest snapshot
    result: RunResult | None = None
    # The other metrics.csv columns by name ("norm:fc1.weight", "train_acc_clean", "elapsed_s"):
    # 8-byte doubles, not Python floats (a 10,000-step toy run keeps ~0.5 MB, not ~2 MB); NaN
    # where a value is missing (e.g. no changed labels to measure).
    extra: dict[str, array] = field(default_factory=dict)

    @property
    def task(self) -> str:
        return self.info.config.task

    @property
    def kind(self) -> TaskKind:
        """What the run's task measures and draws."""
        return task_of(self.info.config)

    def add(self, r: EpochReport) -> None:
        """Append one epoch's numbers."""
        self.epochs.append(r.epoch)
        self.train_loss.append(r.train_loss)
        self.val_loss.append(r.val_loss)
        self.total_norm.append(r.total_norm)
        if r.train_acc is not None:
            self.train_acc.append(r.train_acc)
            self.val_acc.append(r.val_acc)
        if r.curve is not None:
            self.curve = (r.epoch, r.curve)
        self._put("best_epoch", r.best_epoch)
        self._put("elapsed_s", r.elapsed)
        for layer, norm in zip(self.info.layers, r.layer_norms, strict=False):
            self._put(f"norm:{layer.name}", norm)
        if r.noisy is not None:
            for key, value in zip(NOISY_KEYS, r.noisy, strict=True):
                self._put(key, value)
        self.last = r

    def _put(self, key: str, value: float | None) -> None:
        """Append one epoch's value of `key` (a column that starts late is padded with NaN)."""
        column = self.extra.get(key)
        if column is None:
            column = self.extra[key] = array("d", [math.nan] * (len(self.epochs) - 1))
        column.append(math.nan if value is None else value)

    def series(self, key: str) -> Sequence[float]:
        """The per-epoch values of a metrics.csv column (empty when this run has none)."""
        if key in BASE_KEYS:
            return getattr(self, key)
        return self.extra.get(key, ())


def downsample(xs: list, ys: list, limit: int) -> tuple[list, list]:
    """At most ~`limit` points of a series, evenly strided, always keeping the last point."""
    n = len(xs)
    if n <= limit or limit < 2:
        return xs, ys
    step = -(-n // limit)  # ceil division
    idx = list(range(0, n, step))
    if idx[-1] != n - 1:
        idx.append(n - 1)
    return [xs[i] for i in idx], [ys[i] for i in idx]
