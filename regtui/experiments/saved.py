"""Read run folders written by `regtui run` or the app's save back into RunResults (no UI).

A run folder holds config.toml, metrics.csv and summary.json (see results.py). A folder
from a killed run may lack summary.json: the layer shapes are then unknown and the norms
at epoch 1 stand in for the initial ones.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from pathlib import Path

from regtui.engine.config import ConfigError, RunConfig, from_mapping
from regtui.engine.reports import STOP_REASONS, EpochReport, RunInfo, RunResult
from regtui.experiments.presets import load_preset
from regtui.models.layers import LayerInfo, total_from_layers
from regtui.system.errors import RegtuiError
from regtui.system.folder_names import NAME_MAX_BYTES, folder_key, folder_name_problem

METRICS = "metrics.csv"
REQUIRED = ("epoch", "train_loss", "val_loss", "total_norm")


class SavedRunError(RegtuiError):
    """A path that is not a readable run or session folder (exit code 2)."""


def run_folders(paths: list[Path]) -> list[Path]:
    """The run folders named: each path is a run folder or a session folder holding some."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise SavedRunError(f"{path}: no such folder")
        if (path / METRICS).is_file() or (path / "config.toml").is_file():
            found.append(path)
            continue
        # in the order they were trained: a session writes its runs' metrics one after another
        inner = sorted((p for p in path.iterdir() if p.is_dir() and (p / METRICS).is_file()),
                       key=lambda p: ((p / METRICS).stat().st_mtime, p.name))
        if not inner:
            raise SavedRunError(f"{path}: not a run folder (no {METRICS}) nor a session folder holding any")
        found.extend(inner)
    return found


def load_run(folder: Path) -> RunResult:
    """One run folder as a RunResult (no weights: final_state is empty)."""
    summary = _summary(folder)
    cfg = _config(folder, summary)
    header, rows = _metrics(folder)
    norm_cols = [h for h in header if h.startswith("norm:")]
    history = [_report(cfg, row, norm_cols, f"{folder / METRICS} line {i}") for i, row in enumerate(rows, 2)]
    x_test, curves = _curves(folder)
    history = [replace(r, curve=curves[r.epoch]) if r.epoch in curves else r for r in history]
    by_epoch = {r.epoch: r for r in history}
    history = [replace(r, best_val_acc=by_epoch[r.best_epoch].val_acc) if r.best_epoch in by_epoch
               else replace(r, best_epoch=None) for r in history]
    if summary and len(summary.get("norms", {}).get("layers", [])) == len(norm_cols):
        layers_doc = summary["norms"]["layers"]
        layers = tuple(LayerInfo(d["name"], tuple(d["shape"]), int(d["params"])) for d in layers_doc)
        initial = tuple(float(d["norm_before"]) for d in layers_doc)
    else:  # unfinished run: names from the CSV header, epoch 1's norms for the start
        layers = tuple(LayerInfo(h[5:], (), 0) for h in norm_cols)
        initial = history[0].layer_norms if history else (0.0,) * len(layers)
    info = RunInfo(config=cfg, device=str(summary.get("device", "")) if summary else "saved",
                   layers=layers, initial_norms=initial, initial_total=total_from_layers(initial),
                   data_source=str(summary.get("data_source", "")) if summary else str(folder),
                   x_test=x_test)
    reason = str(summary.get("stop_reason", "finished")) if summary else "interrupted"
    return RunResult(info=info, history=history, stop_reason=reason if reason in STOP_REASONS else "stopped",
                     wall_time=float(summary.get("wall_time_s", 0.0)) if summary else 0.0, final_state={},
                     restored_best=bool(summary.get("restored_best", False)) if summary else False)


def load_runs(paths: list[Path]) -> list[RunResult]:
    """Every run under `paths`, in order; run names made unique across sessions."""
    results, seen = [], set()
    for folder in run_folders(paths):
        result = load_run(folder)
        name = unique_name(result.info.config.name, folder.parent.name, seen)
        if name != result.info.config.name:  # two sessions' "true" runs: named by their session
            result.info = replace(result.info, config=result.info.config.replace(name=name))
            result.history = [replace(r, run=name) for r in result.history]
        seen.add(folder_key(name))
        results.append(result)
    return results


def unique_name(name: str, session: str, seen: set[str]) -> str:
    """`name`, or "<session>-<name>" (then "-2", "-3" ...) when a run of that name came first.

    A run name is one folder name (no '/'), so the session is joined with a dash; `seen`
    holds folder_key()s, as names differing in case only are one folder on some disks.
    """
    if folder_key(name) not in seen:
        return name
    base = f"{session}-{name}"
    if folder_name_problem(base):  # too long for one folder name: the name and a number
        base = name.encode()[:NAME_MAX_BYTES - 8].decode(errors="ignore").strip()
    candidate, n = base, 2
    while folder_key(candidate) in seen:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


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
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SavedRunError(f"{path}: not readable JSON: {exc}") from None
    return doc if isinstance(doc, dict) else None


def _config(folder: Path, summary: dict | None) -> RunConfig:
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
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except FileNotFoundError:
        raise SavedRunError(f"{folder}: not a run folder (no {METRICS})") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SavedRunError(f"{path}: cannot read: {exc}") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SavedRunError(f"{path}: not a regtui metrics file (missing column {missing[0]!r})")
    return header, rows


def _number(row: dict[str, str], key: str, where: str) -> float | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise SavedRunError(f"{where}: {key} is {value!r}, not a number") from None
    return number if math.isfinite(number) or "loss" in key else None


def _report(cfg: RunConfig, row: dict[str, str], norm_cols: list[str], where: str) -> EpochReport:
    def num(key: str) -> float | None:
        return _number(row, key, where)

    def need(key: str) -> float:
        value = num(key)
        if value is None:
            raise SavedRunError(f"{where}: {key} is missing")
        return value

    best = num("best_epoch")
    return EpochReport(run=cfg.name, epoch=int(need("epoch")), epochs=cfg.epochs,
                       train_loss=need("train_loss"), val_loss=need("val_loss"),
                       layer_norms=tuple(need(c) for c in norm_cols),
                       total_norm=need("total_norm"), elapsed=num("elapsed_s") or 0.0,
                       train_acc=num("train_acc"), val_acc=num("val_acc"),
                       best_epoch=int(best) if best is not None else None, best_val_acc=None)
