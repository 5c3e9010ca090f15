"""Read run folders written by `regtui run` or the app's save back into RunResults (no UI).

A run folder holds config.toml, status, metrics.csv and summary.json (run_folders.py). A
folder from a killed run may lack summary.json: the layer shapes are then unknown, the norms
at epoch 1 stand in for the initial ones and `status` says how it ended (still `running`
after a kill -9). Runs opened together get names unique across sessions (RunNames).
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
from regtui.experiments.seeds import group_of
from regtui.models.layers import LayerInfo, total_from_layers
from regtui.system.errors import RegtuiError
from regtui.system.folder_names import NAME_MAX_BYTES, folder_key, folder_name_problem

METRICS = "metrics.csv"
STATUS = "status"  # RUNNING while the run trains, then its stop reason (run_folders.py writes it)
RUNNING = "running"
REQUIRED = ("epoch", "train_loss", "val_loss", "total_norm")


class SavedRunError(RegtuiError):
    """A path that is not a readable run or session folder (exit code 2)."""


def is_run_folder(path: Path) -> bool:
    """Whether `path` is one run's folder (rather than a session folder holding run folders)."""
    return (path / METRICS).is_file() or (path / "config.toml").is_file()


def runs_in(session: Path) -> list[Path]:
    """The run folders inside a session folder, in the order they were trained (a session
    writes its runs' metrics one after another)."""
    inner = [p for p in session.iterdir() if p.is_dir() and (p / METRICS).is_file()]
    return sorted(inner, key=lambda p: ((p / METRICS).stat().st_mtime, p.name))


def run_folders(paths: list[Path]) -> list[Path]:
    """The run folders named: each path is a run folder or a session folder holding some; a
    folder named twice (itself, or through its session) is read once."""
    found: dict[Path, Path] = {}
    for path in paths:
        if not path.is_dir():
            raise SavedRunError(f"{path}: no such folder")
        inner = [path] if is_run_folder(path) else runs_in(path)
        if not inner:
            raise SavedRunError(f"{path}: not a run folder (no {METRICS}) nor a session folder holding any")
        found.update((p.resolve(), p) for p in inner if p.resolve() not in found)
    return list(found.values())


def read_status(folder: Path) -> str | None:
    """The run's `status` file: `running`, or how it ended; None when absent or unreadable."""
    try:
        return (folder / STATUS).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def load_run(folder: Path) -> RunResult:
    """One run folder as a RunResult (no weights: final_state is empty)."""
    summary = _summary(folder)
    cfg = read_config(folder, summary)
    header, rows = _metrics(folder)
    norm_cols = [h for h in header if h.startswith("norm:")]
    history = [row_report(cfg, row, norm_cols, f"{folder / METRICS} line {i}")
               for i, row in enumerate(rows, 2)]
    x_test, curves = _curves(folder)
    history = [replace(r, curve=curves[r.epoch]) if r.epoch in curves else r for r in history]
    val = {r.epoch: r.val_acc for r in history}
    history = [with_best(r, val) for r in history]
    info = run_info(folder, cfg, summary, norm_cols, history[0] if history else None, x_test)
    if summary:
        reason = str(summary.get("stop_reason", "finished"))
        reason = reason if reason in STOP_REASONS else "stopped"
    else:  # no summary: `status` says how it ended, or still `running` after a kill -9
        reason = read_status(folder) or ""
        reason = reason if reason in STOP_REASONS else "interrupted"
    return RunResult(info=info, history=history, stop_reason=reason,
                     wall_time=float(summary.get("wall_time_s", 0.0)) if summary else 0.0, final_state={},
                     restored_best=bool(summary.get("restored_best", False)) if summary else False)


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
        layers = tuple(LayerInfo(d["name"], tuple(d["shape"]), int(d["params"])) for d in layers_doc)
        initial = tuple(float(d["norm_before"]) for d in layers_doc)
    else:
        layers = tuple(LayerInfo(h[5:], (), 0) for h in norm_cols)
        initial = first.layer_norms if first else (0.0,) * len(layers)
    return RunInfo(config=cfg, device=str(summary.get("device", "")) if summary else cfg.device,
                   layers=layers, initial_norms=initial, initial_total=total_from_layers(initial),
                   data_source=str(summary.get("data_source", "")) if summary else str(folder),
                   x_test=x_test)


def load_runs(paths: list[Path]) -> list[RunResult]:
    """Every run under `paths`, in order; names made unique across sessions (RunNames)."""
    names = RunNames()
    return [names.rename(load_run(folder), folder) for folder in run_folders(paths)]


class RunNames:
    """Names for runs opened together from several sessions, so none is drawn as another's.

    The first session to use a run name, or a seed group's name, keeps it; a later session's
    run or group of that name is prefixed by its session folder's name ("tuesday-true"), and
    a renamed group's members with it ("tuesday-true-seed1" of "tuesday-true"), so two
    sessions' groups never merge into one. A folder keeps the name it was first given.
    """

    def __init__(self) -> None:
        self._names: set[str] = set()  # folder_key()s of the run names given
        self._owners: dict[str, Path] = {}  # folder_key(line name) -> the session that has it
        self._lines: dict[tuple[Path, str], str] = {}  # (session, group or run name) -> given
        self._given: dict[Path, tuple[str, str]] = {}  # run folder -> (name, group)

    def config(self, cfg: RunConfig, folder: Path) -> RunConfig:
        """`cfg` of the run in `folder` under its name among the runs opened together."""
        real = folder.resolve()
        if real not in self._given:
            self._given[real] = self._new(cfg, real.parent)
        name, group = self._given[real]
        return cfg if (name, group) == (cfg.name, cfg.group) else cfg.replace(name=name, group=group)

    def rename(self, result: RunResult, folder: Path) -> RunResult:
        """`result` (read from `folder`) under its given name, its reports too."""
        cfg = self.config(result.info.config, folder)
        if cfg is not result.info.config:
            result.info = replace(result.info, config=cfg)
            result.history = [replace(r, run=cfg.name) for r in result.history]
        return result

    def _new(self, cfg: RunConfig, session: Path) -> tuple[str, str]:
        line = group_of(cfg)
        given = self._lines.get((session, line))
        if given is None:
            owner = self._owners.get(folder_key(line))
            given = line if owner in (None, session) else \
                unique_name(line, session.name, self._names | set(self._owners))
            self._lines[(session, line)] = given
            self._owners[folder_key(given)] = session
        name = given
        if cfg.group:  # a seed member: <group>-seed<N> follows its group's new name
            name = given + cfg.name[len(cfg.group):] if cfg.name.startswith(cfg.group) else cfg.name
            name = unique_name(name, session.name, self._names)
        self._names.add(folder_key(name))
        return name, given if cfg.group else ""


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
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except FileNotFoundError:
        raise SavedRunError(f"{folder}: not a run folder (no {METRICS})") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SavedRunError(f"{path}: cannot read: {exc}") from None
    check_header(header, path)
    return header, rows


def check_header(header: list[str], path: Path) -> None:
    """Raise SavedRunError unless `header` has the columns every regtui metrics.csv has."""
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SavedRunError(f"{path}: not a regtui metrics file (missing column {missing[0]!r})")


def _number(row: dict[str, str], key: str, where: str) -> float | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise SavedRunError(f"{where}: {key} is {value!r}, not a number") from None
    return number if math.isfinite(number) or "loss" in key else None


def row_report(cfg: RunConfig, row: dict[str, str], norm_cols: list[str], where: str) -> EpochReport:
    """One metrics.csv row (a dict by column) as an EpochReport; SavedRunError naming `where`."""
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
