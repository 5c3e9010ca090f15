"""The session's runs as chart lines: one per run, or one per seed group (mean with a band).

Seed members (runs sharing `group_of(config)`) are one line: its curve is the mean over the
members that have finished, its band their min–max (regtui.experiments.aggregate's math, as headless).
A member still training is drawn on its own in the group's colour until it ends, so the run
in progress is watchable; it joins the mean and band when it finishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from regtui.experiments.aggregate import epoch_band
from regtui.experiments.seeds import group_of
from regtui.tui.session import SessionRun


@dataclass(frozen=True)
class Band:
    """One line's series over epochs: the mean and, for two or more finished members, min–max."""

    epochs: list[int]
    mean: list[float]
    low: list[float] | None = None  # None: a single run, no band
    high: list[float] | None = None


@dataclass
class Line:
    """One legend entry and its curves: a run, or the members of one seed group, in run order."""

    key: str  # what hide/show acts on: the group's name (a run's own name when ungrouped)
    runs: list[SessionRun]
    grouped: bool  # members of a seed group (even while only one has started)

    @property
    def label(self) -> str:
        """The legend's words: the run's name, or the group's with its seed count."""
        n = len(self.runs)
        return f"{self.key} ({n} seed{'s' if n != 1 else ''})" if self.grouped else self.key

    @property
    def finished(self) -> list[SessionRun]:
        """The members whose run has ended (their numbers are final)."""
        return [r for r in self.runs if r.result is not None and r.epochs]

    @property
    def live(self) -> SessionRun | None:
        """The member still training, drawn on its own until it ends (None when all ended)."""
        return next((r for r in self.runs if r.result is None and r.epochs), None)

    def band(self, attr: str) -> Band | None:
        """The mean and min–max of the series `attr` (a metrics.csv column, e.g. 'val_acc') over
        the finished members; an ungrouped run's own series; None when nothing has finished yet."""
        done = self.finished if self.grouped else [r for r in self.runs if r.epochs]
        series = [r.series(attr) for r in done]
        if not series or not all(series):
            return None
        if len(series) == 1:
            return Band(list(done[0].epochs), list(series[0]))
        mean, low, high = epoch_band(series)
        return Band(done[0].epochs[:len(mean)], mean, low, high)

    def value_at(self, attr: str, epoch: int) -> float | None:
        """The line's `attr` at `epoch`: the group's mean over finished members (else the member in
        training), a run's own value; None where the line has no value there."""
        band = self.band(attr)
        if band is not None and band.epochs and 0 <= epoch - band.epochs[0] < len(band.mean):
            return band.mean[epoch - band.epochs[0]]
        live = self.live if band is None else None
        values = live.series(attr) if live is not None else ()
        if live is not None and 0 <= epoch - live.epochs[0] < len(values):
            return values[epoch - live.epochs[0]]
        return None

    def best_epoch(self) -> int | None:
        """The line's best validation epoch: a run's own; a group's, that of its mean validation
        accuracy (else its member in training's)."""
        if not self.grouped or not self.finished:
            run = self.live if self.grouped else self.runs[-1]
            return run.last.best_epoch if run is not None and run.last else None
        band = self.band("val_acc")
        if band is None or not band.mean:
            return None
        return band.epochs[band.mean.index(max(band.mean))]


def chart_lines(runs: list[SessionRun]) -> list[Line]:
    """The session's lines in the order they first appear: each seed group once, other runs as they are."""
    lines: dict[str, Line] = {}
    for run in runs:
        cfg = run.info.config
        key = group_of(cfg)
        lines.setdefault(key, Line(key, [], grouped=bool(cfg.group))).runs.append(run)
    return list(lines.values())
