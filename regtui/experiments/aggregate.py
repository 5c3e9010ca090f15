"""Mean and spread over seed members: the numbers behind group tables, bands and JSON.

A group is the runs sharing `group_of(config)` (the seed members of one run). Spread is the
sample standard deviation (n - 1 in the denominator; None for a single member), with the
minimum and maximum beside it. Each member counts with the weights it ends with (restored
ones after early stopping), and times to fit are censored (experiments/censored.py).
UI-free: tables, charts and the JSON all read these records.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from regtui.engine.reports import RunResult
from regtui.experiments.censored import FULL, FitTimes, fit_times
from regtui.experiments.seeds import group_of


@dataclass(frozen=True)
class Stat:
    """Mean, sample sd (n-1; None when n < 2), min and max of n values."""

    n: int
    mean: float
    sd: float | None
    min: float
    max: float

    def text(self, digits: int = 1, unit: str = "") -> str:
        """'mean ± sd' for a table ('mean' alone for one value)."""
        body = f"{self.mean:.{digits}f}{unit}"
        return body if self.sd is None else f"{body} ± {self.sd:.{digits}f}"


def stat(values: Iterable[float | None]) -> Stat | None:
    """The Stat of the values that are not None, or None when there are none."""
    xs = [float(v) for v in values if v is not None]
    if not xs:
        return None
    sd = statistics.stdev(xs) if len(xs) > 1 else None
    return Stat(len(xs), statistics.fmean(xs), sd, min(xs), max(xs))


def epoch_band(series: Sequence[Sequence[float]]) -> tuple[list[float], list[float], list[float]]:
    """Per epoch, up to the shortest series: the mean, min and max over the members' series.

    `series` holds one list per member, aligned by epoch (index 0 = epoch 1); the charts draw
    the mean as a group's curve inside its min–max band.
    """
    n = min((len(s) for s in series), default=0)
    columns = [[s[i] for s in series] for i in range(n)]
    return ([statistics.fmean(c) for c in columns], [min(c) for c in columns],
            [max(c) for c in columns])


def _end(attr: str) -> Callable[[RunResult], float | None]:
    """A number of the weights the run ends with (the restored best epoch's, after early stopping)."""
    return lambda res: getattr(res.end_weights, attr) if res.end_weights else None


def _end_noisy(attr: str) -> Callable[[RunResult], float | None]:
    """A noisy-label accuracy of the end weights (None for true labels)."""
    return lambda res: (getattr(res.end_weights.noisy, attr)
                        if res.end_weights and res.end_weights.noisy else None)


def _gap(res: RunResult) -> float | None:
    end = res.end_weights
    if end is None or end.train_acc is None or end.val_acc is None:
        return None
    return end.train_acc - end.val_acc


# What a group reports, by JSON key: the member's number (None when it has none). "end" numbers
# are those of the weights the member ends with, as its summary.json's norms: the restored best
# epoch's after early stopping with restore_best, else the last epoch's.
METRICS: dict[str, Callable[[RunResult], float | None]] = {
    "end_train_acc": _end("train_acc"),
    "end_val_acc": _end("val_acc"),
    "gap": _gap,  # end train minus end validation accuracy, in points
    "best_val_acc": lambda res: res.best.val_acc if res.best else None,
    "best_epoch": lambda res: res.best.epoch if res.best else None,
    "end_total_norm": lambda res: res.end_weights.total_norm if res.end_weights else res.info.initial_total,
    "end_train_loss": _end("train_loss"),
    "end_val_loss": _end("val_loss"),
    "end_clean_acc": _end_noisy("clean"),  # labels partial/random: train acc on unchanged labels
    "end_memorized_acc": _end_noisy("memorized"),  # ... and on changed labels (memorized)
}
END_WORDS = ("the weights each member ends with: its restored best epoch's after early stopping "
             "with restore_best, else its last epoch's")
FIT_LEVELS = {"fit_epoch": FULL, "fit95_epoch": 95.0}  # train accuracy levels timed per group


@dataclass(frozen=True)
class Group:
    """The runs of one group (seed members, in run order), their Stats by METRICS key and their
    times to fit the training labels (censored where a member never did)."""

    name: str
    results: tuple[RunResult, ...]
    stats: dict[str, Stat | None]
    fits: dict[str, FitTimes]

    @property
    def restored(self) -> int:
        """How many members end with restored (best-epoch) weights."""
        return sum(r.restored_best for r in self.results)

    def summary(self) -> dict[str, Any]:
        """JSON-ready: members, seeds, per metric {n, mean, sd, min, max} (or None), fit times."""
        return {"group": self.name,
                "members": [r.info.config.name for r in self.results],
                "seeds": [r.info.config.seed for r in self.results],
                "sd": "sample (n-1)",
                "end": END_WORDS,
                "restored": self.restored,
                **{k: None if s is None else asdict(s) for k, s in self.stats.items()},
                **{k: f.summary() for k, f in self.fits.items()}}


def group_results(results: Sequence[RunResult]) -> list[Group]:
    """The results gathered by group, in the order groups first appear (runs with history only)."""
    by_name: dict[str, list[RunResult]] = {}
    for res in results:
        if res.history:
            by_name.setdefault(group_of(res.info.config), []).append(res)
    return [Group(name, tuple(rs), {k: stat(f(r) for r in rs) for k, f in METRICS.items()},
                  {k: fit_times(rs, level) for k, level in FIT_LEVELS.items()})
            for name, rs in by_name.items()]


def has_groups(results: Sequence[RunResult]) -> bool:
    """Whether any group has more than one member (then group summaries are worth showing)."""
    return any(len(g.results) > 1 for g in group_results(results))


IGNORED = {"name", "group", "seed", "seeds", "repeats"}  # differ between members by design


def varying_setting(groups: Sequence[Group]) -> str | None:
    """The one numeric setting whose value differs between groups (e.g. label_fraction), or None."""
    if len(groups) < 2:
        return None
    configs = [g.results[0].info.config.as_dict() for g in groups]
    differ = [k for k in configs[0] if k not in IGNORED and len({repr(c[k]) for c in configs}) > 1]
    if len(differ) != 1:
        return None
    key = differ[0]
    values = [c[key] for c in configs]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    return key if numeric else None
