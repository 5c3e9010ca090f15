"""Mean and spread over seed members: the numbers behind group tables, bands and JSON.

A group is the runs sharing `group_of(config)` (the seed members of one run). Spread is the
sample standard deviation (n - 1 in the denominator; None for a single member), with the
minimum and maximum beside it. UI-free: tables, charts and the JSON all read these records.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from regtui.engine.reports import RunResult
from regtui.experiments.seeds import group_of

FULL = 100.0 - 1e-9  # train accuracy (%) that counts as memorized: every training label fitted


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


def memorized_epoch(result: RunResult) -> int | None:
    """The first epoch whose train accuracy reached 100% (every training label fitted), or None."""
    return next((r.epoch for r in result.history
                 if r.train_acc is not None and r.train_acc >= FULL), None)


def _final(attr: str) -> Callable[[RunResult], float | None]:
    return lambda res: getattr(res.last, attr) if res.last else None


def _gap(res: RunResult) -> float | None:
    last = res.last
    if last is None or last.train_acc is None or last.val_acc is None:
        return None
    return last.train_acc - last.val_acc


# What a group reports, by JSON key: the member's number (None when it has none).
METRICS: dict[str, Callable[[RunResult], float | None]] = {
    "final_train_acc": _final("train_acc"),
    "final_val_acc": _final("val_acc"),
    "gap": _gap,  # final train minus final validation accuracy, in points
    "best_val_acc": lambda res: res.best.val_acc if res.best else None,
    "best_epoch": lambda res: res.best.epoch if res.best else None,
    "memorized_epoch": memorized_epoch,  # over the members that memorized (see "memorized")
    "total_norm": lambda res: res.last.total_norm if res.last else res.info.initial_total,
    "final_train_loss": _final("train_loss"),
    "final_val_loss": _final("val_loss"),
}


@dataclass(frozen=True)
class Group:
    """The runs of one group (seed members, in run order) and their Stats by METRICS key."""

    name: str
    results: tuple[RunResult, ...]
    stats: dict[str, Stat | None]

    @property
    def memorized(self) -> int:
        """How many members reached 100% train accuracy."""
        return sum(memorized_epoch(r) is not None for r in self.results)

    def summary(self) -> dict[str, Any]:
        """JSON-ready: members, seeds, and per metric {n, mean, sd, min, max} (or None)."""
        return {"group": self.name,
                "members": [r.info.config.name for r in self.results],
                "seeds": [r.info.config.seed for r in self.results],
                "memorized": self.memorized,
                "sd": "sample (n-1)",
                **{k: None if s is None else asdict(s) for k, s in self.stats.items()}}


def group_results(results: Sequence[RunResult]) -> list[Group]:
    """The results gathered by group, in the order groups first appear (runs with history only)."""
    by_name: dict[str, list[RunResult]] = {}
    for res in results:
        if res.history:
            by_name.setdefault(group_of(res.info.config), []).append(res)
    return [Group(name, tuple(rs), {k: stat(f(r) for r in rs) for k, f in METRICS.items()})
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
