"""Times to an event over seed members, where some members never reached it (right-censored).

"The epoch train accuracy first reached 100%" has no value for a member that never got there
within its epochs; averaging over the members that did would report the lucky ones only. Such
a member is *censored* at its last epoch: all we know is that its time is later. The median
then follows Kaplan and Meier's product-limit estimate of the share not yet there, which uses
the censored members as far as they go; it is ">N" when more than half never got there by N.
UI-free: tables, charts and the JSON read these records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from regtui.engine.reports import RunResult

FULL = 100.0 - 1e-9  # train accuracy (%) that counts as 100%: every training label fitted


def first_epoch_at(result: RunResult, level: float = FULL) -> int | None:
    """The first epoch whose train accuracy reached `level` percent, or None if none did."""
    return next((r.epoch for r in result.history
                 if r.train_acc is not None and r.train_acc >= level), None)


def fit_time(result: RunResult, level: float = FULL) -> tuple[int, bool]:
    """(epoch, reached): the first epoch at `level`, or the last epoch run with reached=False."""
    epoch = first_epoch_at(result, level)
    if epoch is not None:
        return epoch, True
    return (result.last.epoch if result.last else 0), False


def km_median(times: Sequence[int], reached: Sequence[bool]) -> tuple[float | None, str]:
    """The Kaplan–Meier median of right-censored times, and how to print it.

    The share not yet there, S(t), drops at each event time t by the events there over the
    members still at risk (a member censored at t counts as at risk at t). The median is the
    first event time where S falls to 1/2 or below; where S is exactly 1/2 until the next event,
    the midpoint of the two (as R's survfit). (None, ">N") when S stays above 1/2 up to the
    largest time N; (None, "≥t") when S is exactly 1/2 after t and nothing follows but censoring.
    """
    if not times:
        return None, "-"
    s = Fraction(1)
    events = sorted({t for t, r in zip(times, reached, strict=True) if r})
    for i, t in enumerate(events):
        at_risk = sum(1 for u in times if u >= t)
        died = sum(1 for u, r in zip(times, reached, strict=True) if r and u == t)
        s *= 1 - Fraction(died, at_risk)
        if s < Fraction(1, 2):
            return float(t), f"{t}"
        if s == Fraction(1, 2):
            if i + 1 < len(events):
                mid = (t + events[i + 1]) / 2
                return mid, f"{mid:g}"
            return None, f"≥{t}"
    return None, f">{max(times)}"


@dataclass(frozen=True)
class FitTimes:
    """Per member: the epoch a train-accuracy level was first reached, or censored at its end."""

    level: float  # percent
    epochs: tuple[int, ...]  # the epoch reached, or the last epoch run for a censored member
    reached: tuple[bool, ...]

    @property
    def n(self) -> int:
        return len(self.epochs)

    @property
    def n_reached(self) -> int:
        return sum(self.reached)

    @property
    def censored(self) -> bool:
        """Whether any member never reached the level."""
        return self.n_reached < self.n

    def median(self) -> tuple[float | None, str]:
        """The censoring-aware median and its text (see km_median)."""
        return km_median(self.epochs, self.reached)

    def text(self) -> str:
        """For a table: the median and how many reached it, e.g. '141 (3/3)' or '>200 (1/3)'."""
        return f"{self.median()[1]} ({self.n_reached}/{self.n})"

    def summary(self) -> dict[str, Any]:
        """JSON-ready: the level, median (null when censored past it) and every member's time."""
        median, text = self.median()
        return {"level": round(self.level), "n": self.n, "reached": self.n_reached,
                "median": median, "median_text": text, "epochs": list(self.epochs),
                "censored": [not r for r in self.reached],
                "method": "Kaplan-Meier median; a member that never reached the level is "
                          "censored at its last epoch"}


def fit_times(results: Sequence[RunResult], level: float = FULL) -> FitTimes:
    """The FitTimes of `results` at train accuracy `level` (percent)."""
    pairs = [fit_time(r, level) for r in results]
    return FitTimes(round(level), tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))
