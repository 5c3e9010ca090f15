"""What the app remembers of each run in a session: the series its charts and table draw."""

from __future__ import annotations

from dataclasses import dataclass, field

from regtui.engine import EpochReport, RunInfo, RunResult, TaskKind, task_of


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
        self.last = r


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
