"""The runs table's columns and rows: one row per run or seed group of the session.

A run's row holds the numbers of the weights it ended with (the restored best epoch's after early
stopping, as summary.json and the headless tables), or while it trains its latest epoch; a seed group's
row the mean ± sample sd over its finished members (regtui.experiments.aggregate's `stat`, as
the headless group table), so a group reads as its legend entry and chart line do. Pure: the
widget (widgets/runs_table.py) only lays these out and sorts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from regtui.engine import EpochReport, stop_phrase
from regtui.experiments.aggregate import Stat, stat
from regtui.tui.groups import Line
from regtui.tui.session import SessionRun

Number = Callable[[SessionRun], float | None]


@dataclass(frozen=True)
class Column:
    """One column: its key, its header, and how a run's number is read (None: a text column)."""

    key: str
    label: str
    number: Number | None = None
    digits: int = 1  # decimals of the number
    significant: bool = False  # losses: `digits` significant digits (1.3e-10 and 6.6 alike)


@dataclass(frozen=True)
class Cell:
    """What a cell shows and what it sorts by (None sorts last, either way)."""

    text: str
    sort: float | str | None


@dataclass(frozen=True)
class Row:
    """A run's or a group's row: its legend number (1-based), key (the line's) and cells by column."""

    number: int
    key: str
    cells: tuple[Cell, ...]


def _best(run: SessionRun) -> int | None:
    """Index in the run's series of its best epoch (best validation accuracy so far)."""
    best = run.last.best_epoch if run.last else None
    return None if best is None or not run.epochs else best - run.epochs[0]


def _at_best(attr: str) -> Number:
    def number(run: SessionRun) -> float | None:
        i = _best(run)
        series = getattr(run, attr)
        return series[i] if i is not None and 0 <= i < len(series) else None
    return number


def _end_report(run: SessionRun) -> EpochReport | None:
    """The epoch whose weights the run ends with: the restored best epoch's after early stopping
    with restore_best (as summary.json and the headless tables report), else its latest."""
    return run.result.end_weights if run.result is not None else run.last


def _end(attr: str) -> Number:
    return lambda run: getattr(end, attr) if (end := _end_report(run)) is not None else None


def _noisy(attr: str) -> Number:
    return lambda run: getattr(end.noisy, attr) if (end := _end_report(run)) and end.noisy else None


def _end_norm(run: SessionRun) -> float:
    """The total norm of the weights the run ends with (the restored best epoch's, if restored)."""
    end = _end_report(run)
    return end.total_norm if end is not None else run.info.initial_total


def _lowest(attr: str, step: bool = False) -> Number:
    def number(run: SessionRun) -> float | None:
        series = getattr(run, attr)
        if not series:
            return None
        i = min(range(len(series)), key=series.__getitem__)
        return float(run.epochs[i]) if step else series[i]
    return number


def _last(attr: str) -> Number:
    return lambda run: getattr(run, attr)[-1] if getattr(run, attr) else None


NAME, ENDED, NORM = Column("run", "run"), Column("ended", "ended"), Column("norm", "norm start→end")
TRAIN, VAL = Column("train", "train", _end("train_acc")), Column("val", "val", _end("val_acc"))
BEST = (
    Column("best_val", "best val", _at_best("val_acc")),
    Column("best_epoch", "best ep", lambda r: r.last.best_epoch if r.last else None, 0),
    Column("best_train", "train@best", _at_best("train_acc")),
)
CLEAN = Column("clean", "clean", _noisy("clean"))
MEMORIZED = Column("memorized", "memorized", _noisy("memorized"))
REGRESS = (
    Column("train_loss", "train loss", _last("train_loss"), 3, True),
    Column("test_loss", "test loss", _last("val_loss"), 3, True),
    Column("best_test", "best test", _lowest("val_loss"), 3, True),
    Column("best_step", "at step", _lowest("val_loss", step=True), 0),
)


def columns(lines: list[Line], has_accuracy: bool) -> tuple[Column, ...]:
    """The table's columns, what each preset teaches first (a narrow terminal scrolls the rest):
    accuracies, the memorized share when a run has noisy labels, the norm, how it ended, the
    best epoch's numbers; for the toy, its losses."""
    if not has_accuracy:
        return (NAME, *REGRESS, NORM, ENDED)
    noisy = any(r.last is not None and r.last.noisy is not None for line in lines for r in line.runs)
    return (NAME, TRAIN, VAL, *((MEMORIZED,) if noisy else ()), NORM, ENDED, *BEST,
            *((CLEAN,) if noisy else ()))


def number_text(s: Stat | None, column: Column) -> str:
    """A cell's number: the run's own, or a group's 'mean±sd' (sample sd); '-' when there is none."""
    if s is None:
        return "-"
    spec = f".{column.digits}{'g' if column.significant else 'f'}"
    spread = "" if s.sd is None else f"±{s.sd:{'.2g' if column.significant else spec}}"
    return f"{s.mean:{spec}}{spread}"


def ended_text(line: Line) -> str:
    """How the line's runs ended: 'finished', 'stopped early @50'; a group counts its members'
    ends ('2 finished, 1 stopped early'); while a member trains, its progress."""
    live = line.live
    if live is not None and live.last is not None:
        progress = f"training {live.last.epoch}/{live.last.epochs}"
        return progress if not line.grouped else f"{progress}, {len(line.finished)}/{len(line.runs)} done"
    ends = [r.result for r in line.runs if r.result is not None]
    if not ends:
        return "starting"
    if len(ends) == 1:
        res = ends[0]
        words = stop_phrase(res.stop_reason)
        epoch = res.last.epoch if res.last else 0
        return words if res.stop_reason == "finished" else f"{words} @{epoch}"
    counts = Counter(stop_phrase(r.stop_reason) for r in ends)
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{n} {words}" for words, n in counts.most_common())


def members(line: Line) -> list[SessionRun]:
    """The runs a row's numbers come from: a group's finished members (its live one until then)."""
    if not line.grouped:
        return [r for r in line.runs if r.last is not None]
    return line.finished or [r for r in (line.live,) if r is not None]


def cell(line: Line, column: Column) -> Cell:
    """One cell of the line's row."""
    runs = members(line)
    if column is NAME:  # sorts by legend number
        return Cell(f"{line.key} ×{len(line.runs)}" if line.grouped else line.key, None)
    if column is ENDED:
        text = ended_text(line)
        return Cell(text, text)
    if column is NORM:
        start, end = stat(r.info.initial_total for r in runs), stat(_end_norm(r) for r in runs)
        if start is None or end is None:
            return Cell("-", None)
        spread = "" if end.sd is None else f"±{end.sd:.2f}"
        return Cell(f"{start.mean:.2f}→{end.mean:.2f}{spread}", end.mean)
    assert column.number is not None
    s = stat(column.number(r) for r in runs)
    return Cell(number_text(s, column), None if s is None else s.mean)


def table_rows(lines: list[Line], cols: tuple[Column, ...]) -> list[Row]:
    """One row per line (run or seed group), numbered as the legend numbers them."""
    return [Row(i + 1, line.key, tuple(cell(line, c) for c in cols)) for i, line in enumerate(lines)
            if line.runs and line.runs[0].last is not None]


def sorted_rows(rows: list[Row], cols: tuple[Column, ...], index: int, reverse: bool) -> list[Row]:
    """The rows by column `index` (the run column: legend order); cells without a value go last."""
    if cols[index] is NAME:
        return sorted(rows, key=lambda r: r.number, reverse=reverse)
    have = [r for r in rows if r.cells[index].sort is not None]
    missing = [r for r in rows if r.cells[index].sort is None]
    return sorted(have, key=lambda r: r.cells[index].sort, reverse=reverse) + missing
