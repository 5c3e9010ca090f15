"""Read run folders written by `regtui run` or the app's save back into RunResults (no UI).

A run folder holds config.toml, status, metrics.csv and summary.json (run_folders.py). A
folder from a killed run may lack summary.json: the layer shapes are then unknown, the norms
at epoch 1 stand in for the initial ones and `status` says how it ended (still `running`
after a kill -9). Runs opened together get names unique across sessions (RunNames). What
regtui writes, it reads: NaN and infinite numbers of a run that diverged are kept.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from regtui.engine.config import COUNT_MAX, ConfigError, RunConfig, from_mapping
from regtui.engine.reports import STOP_REASONS, EpochReport, RunInfo, RunResult
from regtui.experiments.presets import load_preset
from regtui.experiments.run_lookup import METRICS, STATUS, SavedRunError, run_folders
from regtui.experiments.run_names import RunNames
from regtui.models.layers import LayerInfo, total_from_layers
from regtui.system.errors import shown

REQUIRED = ("epoch", "train_loss", "val_loss", "total_norm")


def read_status(folder: Path) -> str | None:
    """The run's `status` file: `running`, or how it ended; None when absent or unreadable."""
    try:
        return (folder / STATUS).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def load_run(folder: Path) -> RunResult:
    """One run folder as a RunResult (no weights: final_state is empty).

    NaN and infinite numbers (a run that diverged) are kept as such and the epochs holding
    them are named in a note; a last row cut short by a crash (no newline at its end) is left out.
    """
    summary = _summary(folder)
    cfg = read_config(folder, summary)
    header, rows = _metrics(folder)
    norm_cols = [h for h in header if h.startswith("norm:")]
    history = [row_report(cfg, row, norm_cols, f"{shown(folder / METRICS)} line {i}")
               for i, row in enumerate(rows, 2)]
    _check_epochs(history, folder / METRICS)
    x_test, curves = _curves(folder)
    history = [replace(r, curve=curves[r.epoch]) if r.epoch in curves else r for r in history]
    val = {r.epoch: r.val_acc for r in history}
    history = [with_best(r, val) for r in history]
    try:
        info = run_info(folder, cfg, summary, norm_cols, history[0] if history else None, x_test)
        notes = _non_finite_note(history)
        if notes:
            info = replace(info, notes=(*info.notes, f"{cfg.name}: {notes}"))
        if summary:
            stop = str(summary.get("stop_reason", "finished"))
            stop = stop if stop in STOP_REASONS else "stopped"
        else:  # no summary: `status` says how it ended, or still `running` after a kill -9
            stop = read_status(folder) or ""
            stop = stop if stop in STOP_REASONS else "interrupted"
        wall = float(summary.get("wall_time_s") or 0.0) if summary else 0.0
        return RunResult(info=info, history=history, stop_reason=stop,
                         wall_time=wall if math.isfinite(wall) else 0.0, final_state={},
                         restored_best=summary.get("restored_best") is True if summary else False)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a summary of another shape
        raise SavedRunError(f"{shown(folder / 'summary.json')}: not a regtui run summary "
                            f"({type(exc).__name__}: {exc})") from None


def with_best(report: EpochReport, val_acc: dict[int, float | None]) -> EpochReport:
    """`report` with the validation accuracy of its best epoch, from `val_acc` by epoch (the
    CSV holds only the best epoch's number); no best epoch when that epoch is not known."""
    if report.best_epoch in val_acc:
        return replace(report, best_val_acc=val_acc[report.best_epoch])
    return replace(report, best_epoch=None)


def run_info(folder: Path, cfg: RunConfig, summary: dict | None, norm_cols: list[str],
             first: EpochReport | None, x_test: tuple[float, ...] | None = None) -> RunInfo:
    """What the run started with: from summary.json, or for an unfinished run the CSV header's
    layer names (shapes unknown), epoch 1's norms (`first`) for the initial ones and the
    device it was asked for (config.toml: e.g. "auto"; summary.json names the one it got)."""
    if summary and len(summary.get("norms", {}).get("layers", [])) == len(norm_cols):
        layers_doc = summary["norms"]["layers"]
        layers = tuple(LayerInfo(str(d["name"]), tuple(int(n) for n in d["shape"]), int(d["params"]))
                       for d in layers_doc)
        initial = tuple(float(d["norm_before"]) for d in layers_doc)
    else:
        layers = tuple(LayerInfo(h[5:], (), 0) for h in norm_cols)
        initial = first.layer_norms if first else (0.0,) * len(layers)
    return RunInfo(config=cfg, device=str(summary.get("device", "")) if summary else cfg.device,
                   layers=layers, initial_norms=initial, initial_total=total_from_layers(initial),
                   data_source=str(summary.get("data_source", "")) if summary else str(folder),
                   x_test=x_test)


def _non_finite_note(history: list[EpochReport]) -> str:
    """'epochs 3-5 hold NaN or infinite numbers ...' for a run that diverged; '' otherwise."""
    bad = [r.epoch for r in history
           if not all(math.isfinite(v) for v in (r.train_loss, r.val_loss, r.total_norm, *r.layer_norms,
                                                 *(a for a in (r.train_acc, r.val_acc) if a is not None)))]
    if not bad:
        return ""
    where = f"epoch {bad[0]}" if len(bad) == 1 else f"epochs {bad[0]}-{bad[-1]}" \
        if bad == list(range(bad[0], bad[-1] + 1)) else f"{len(bad)} epochs from {bad[0]}"
    verb = "holds" if len(bad) == 1 else "hold"
    return f"{where} {verb} NaN or infinite numbers (the run diverged); the charts leave them out"


def _check_epochs(history: list[EpochReport], path: Path) -> None:
    """Epochs must be 1, 2, 3 ... as regtui writes them (the charts and tables index by them)."""
    for i, report in enumerate(history, 1):
        if report.epoch != i:
            raise SavedRunError(f"{shown(path)} line {i + 1}: epoch {report.epoch} where epoch {i} "
                                "belongs; a regtui metrics file counts its epochs 1, 2, 3 ...")


def load_runs(paths: Sequence[str | os.PathLike[str]]) -> list[RunResult]:
    """Every run under `paths`, in order; names made unique across sessions (RunNames)."""
    return [result for result, _ in load_runs_with_folders(paths)]


def load_runs_with_folders(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[RunResult, Path]]:
    """load_runs, each run with the folder it was read from (the folders are walked once)."""
    names = RunNames()
    return [(names.rename(load_run(folder), folder), folder) for folder in run_folders(paths)]


def _curves(folder: Path) -> tuple[tuple[float, ...] | None, dict[int, tuple[float, ...]]]:
    """Toy runs: the test inputs and the fitted curve per snapshot epoch, from curves.csv."""
    path = folder / "curves.csv"
    if not path.is_file():
        return None, {}
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            header, *rows = list(csv.reader(fh))
        x_test = tuple(float(row[0]) for row in rows)
        curves = {int(name.removeprefix("epoch_")): tuple(float(row[k]) for row in rows)
                  for k, name in enumerate(header) if k and name.startswith("epoch_")}
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, IndexError) as exc:
        raise SavedRunError(f"{path}: cannot read: {exc}") from None
    return x_test, curves


def _summary(folder: Path) -> dict | None:
    path = folder / "summary.json"
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SavedRunError(f"{shown(path)}: not readable JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise SavedRunError(f"{shown(path)}: not a regtui run summary (it holds a JSON "
                            f"{type(doc).__name__}, not an object)")
    return doc


def read_config(folder: Path, summary: dict | None = None) -> RunConfig:
    """The run's settings: config.toml, else the summary's copy; named after its folder."""
    try:
        if (folder / "config.toml").is_file():
            return load_preset(str(folder / "config.toml")).runs[0].replace(name=folder.name)
        if summary and isinstance(summary.get("config"), dict):
            return from_mapping({**summary["config"], "name": folder.name}, str(folder / "summary.json"))
    except ConfigError as exc:
        raise SavedRunError(str(exc)) from None
    raise SavedRunError(f"{folder}: not a run folder (no config.toml or summary.json)")


def _metrics(folder: Path) -> tuple[list[str], list[dict[str, str]]]:
    path = folder / METRICS
    try:
        if path.exists() and not path.is_file():  # a FIFO or /dev/zero would be read forever
            raise SavedRunError(f"{shown(path)}: not a regular file; a run folder's {METRICS} is one")
        with open(path, newline="", encoding="utf-8") as fh:
            text = fh.read()
        reader = csv.DictReader(io.StringIO(text))
        rows = list(reader)
        header = list(reader.fieldnames or [])
    except FileNotFoundError:
        raise SavedRunError(f"{shown(folder)}: not a run folder (no {METRICS})") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SavedRunError(f"{shown(path)}: cannot read: {exc}") from None
    if rows and not text.endswith("\n"):
        rows.pop()  # a row a crash cut short: every row regtui writes ends with its newline
    check_header(header, path)
    return header, rows


def check_header(header: list[str], path: Path) -> None:
    """Raise SavedRunError unless `header` has the columns every regtui metrics.csv has."""
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SavedRunError(f"{shown(path)}: not a regtui metrics file (missing column {missing[0]!r})")


def _number(row: dict[str, str], key: str, where: str) -> float | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    try:
        return float(value)  # NaN and inf included: a diverged run writes them
    except ValueError:
        raise SavedRunError(f"{where}: {key} is {shown(value)[:40]!r}, not a number") from None


def _whole(row: dict[str, str], key: str, where: str) -> int | None:
    """An epoch number: a whole number from 1 to COUNT_MAX, or None for an empty cell."""
    number = _number(row, key, where)
    if number is None:
        return None
    if not (number.is_integer() and 1 <= number <= COUNT_MAX):
        raise SavedRunError(f"{where}: {key} is {row[key][:40]!r}, not an epoch number (1 to "
                            f"{COUNT_MAX:,})")
    return int(number)


def row_report(cfg: RunConfig, row: dict[str, str], norm_cols: list[str], where: str) -> EpochReport:
    """One metrics.csv row (a dict by column) as an EpochReport; SavedRunError naming `where`."""
    def num(key: str) -> float | None:
        return _number(row, key, where)

    def need(key: str) -> float:
        value = num(key)
        if value is None:
            raise SavedRunError(f"{where}: {key} is missing")
        return value

    epoch = _whole(row, "epoch", where)
    if epoch is None:
        raise SavedRunError(f"{where}: epoch is missing")
    best = _whole(row, "best_epoch", where)
    return EpochReport(run=cfg.name, epoch=epoch, epochs=cfg.epochs,
                       train_loss=need("train_loss"), val_loss=need("val_loss"),
                       layer_norms=tuple(need(c) for c in norm_cols),
                       total_norm=need("total_norm"), elapsed=num("elapsed_s") or 0.0,
                       train_acc=num("train_acc"), val_acc=num("val_acc"),
                       best_epoch=best, best_val_acc=None)
