"""The Python API, for notebooks (where the course itself runs): `regtui.run` and `regtui.load`.

    import regtui
    session = regtui.run("memorization", epochs=50)      # trains; prints nothing by default
    session["random"].column("val_acc")                 # per-epoch numbers as plain lists
    saved = regtui.load("runs/memorization-20261201-120000")

Both return a Session: its runs with per-epoch metrics as plain Python data (the columns of
metrics.csv), each run's summary (the dict of summary.json) and, with seeds, mean ± sd per
group. The same engine, presets and checks as `regtui run`: a bad setting raises the same
ConfigError (a RegtuiError) with the same message, before anything trains.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from regtui.engine.reports import EpochReport, RunInfo, RunResult
from regtui.engine.runs import RunListener, StopRequest, run_all
from regtui.experiments.aggregate import group_results, has_groups
from regtui.experiments.presets import MAX_RUNS, load_preset
from regtui.experiments.run_folders import SessionWriter, check_out_dir, metric_rows
from regtui.experiments.saved import load_runs_with_folders
from regtui.experiments.summary import summarize
from regtui.experiments.sweep import grid_from_mapping
from regtui.experiments.words import end_text, epoch_text, logged, start_text
from regtui.system.folder_names import given_folder
from regtui.system.signals import SignalGuard


@dataclass(frozen=True)
class Run:
    """One run: its settings, how it ended, its metrics per epoch and its summary."""

    result: RunResult  # the engine's record (weights in final_state/best_state after `run`)
    folder: Path | None = None  # its run folder, when it was written or read from one

    @property
    def name(self) -> str:
        return self.result.info.config.name

    @property
    def config(self) -> dict[str, Any]:
        """Every setting of the run (the keys of a preset file)."""
        return self.result.info.config.as_dict()

    @property
    def stop_reason(self) -> str:
        """finished, patience, non-finite, stopped, interrupted or failed."""
        return self.result.stop_reason

    @property
    def metrics(self) -> list[dict[str, Any]]:
        """One dict per epoch with the columns of metrics.csv (accuracies in %, losses, best
        epoch so far, total and per-layer norms as `norm:<tensor>`, seconds, noisy-label splits)."""
        header, rows = metric_rows(self.result.info, self.result.history)
        return [dict(zip(header, row, strict=True)) for row in rows]

    def column(self, name: str) -> list[Any]:
        """One metric over the epochs, e.g. `run.column("val_acc")` or "norm:fc1.weight"."""
        header, rows = metric_rows(self.result.info, self.result.history)
        if name not in header:
            raise KeyError(f"no metric {name!r}; the run has: {', '.join(header)}")
        k = header.index(name)
        return [row[k] for row in rows]

    @property
    def summary(self) -> dict[str, Any]:
        """What summary.json holds: final, best and restored numbers, norms before and after."""
        return summarize(self.result)

    def __repr__(self) -> str:
        return f"Run({self.name!r}, {len(self.result.history)} epochs, {self.stop_reason})"


@dataclass(frozen=True)
class Session:
    """The runs of one `regtui.run` (or those read by `regtui.load`), in order."""

    name: str
    runs: list[Run]
    folder: Path | None = None  # the session folder written (run with out=...) or read
    interrupted: bool = False  # Ctrl-C (a notebook's interrupt) ended it; finished runs are kept
    error: str | None = None  # a run failed in training (e.g. CUDA out of memory); its epochs are kept
    groups: list[dict[str, Any]] = field(default_factory=list)  # mean ± sd per seed group

    def __getitem__(self, name: str) -> Run:
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError(f"no run {name!r}; the session has: {', '.join(r.name for r in self.runs)}")

    def __iter__(self) -> Iterator[Run]:
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    def __repr__(self) -> str:
        return f"Session({self.name!r}, runs={[r.name for r in self.runs]})"


class _Lines(RunListener):
    """Progress as plain lines (the headless log's), for `progress=True`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def run_started(self, info: RunInfo) -> None:
        self._say(start_text(info))

    def epoch(self, report: EpochReport) -> None:
        if logged(report):
            self._say(epoch_text(report))

    def run_ended(self, result: RunResult) -> None:
        self._say(end_text(result))


class _Both(RunListener):
    """Tells each listener in turn (the folder writer first: on disk before it is shown)."""

    def __init__(self, *listeners: RunListener) -> None:
        self.listeners = listeners

    def run_started(self, info: RunInfo) -> None:
        for listener in self.listeners:
            listener.run_started(info)

    def epoch(self, report: EpochReport) -> None:
        for listener in self.listeners:
            listener.epoch(report)

    def run_ended(self, result: RunResult) -> None:
        for listener in self.listeners:
            listener.run_ended(result)


def _groups(results: list[RunResult]) -> list[dict[str, Any]]:
    return [g.summary() for g in group_results(results)] if has_groups(results) else []


def run(preset: str | os.PathLike, *, out: str | os.PathLike | None = None, progress: bool = False,
        seeds: Sequence[int] | None = None, repeats: int | None = None,
        grid: Mapping[str, Sequence[Any]] | None = None, max_runs: int = MAX_RUNS,
        **settings: Any) -> Session:
    """Train a preset (a bundled name such as "memorization", or a .toml path) and return its runs.

    `settings` override every run's settings, as `regtui run --epochs 50` does (any key of a
    preset file but name and group); `seeds=[2021, 1, 2]` or `repeats=3` repeat each run over
    seeds; `grid={"lr": [1e-3, 5e-3]}` multiplies the runs as `regtui sweep` does (more than
    `max_runs` runs in all is a ConfigError, as `--max-runs` is on the CLI). Nothing is
    written unless `out` names a folder for run folders (as `regtui run --out`); nothing is
    printed unless `progress=True` (plain lines on stderr). Bad settings raise ConfigError
    before anything trains. Ctrl-C (a notebook's interrupt) ends the run in progress after its
    epoch and returns what was done, with `interrupted` set.
    """
    overrides = dict(settings)
    if seeds is not None and repeats is not None:
        from regtui.engine.config import ConfigError

        raise ConfigError("give seeds or repeats, not both")
    if seeds is not None:
        overrides.update(seeds=tuple(seeds), repeats=1)
    elif repeats is not None:
        overrides.update(repeats=repeats, seeds=())
    loaded = load_preset(os.fspath(preset), overrides,
                         grid=grid_from_mapping(grid) if grid else (), max_runs=max_runs)
    listeners: list[RunListener] = []
    writer = None
    if out is not None:
        root = given_folder(out, "out")
        check_out_dir(root)
        writer = SessionWriter(root, loaded.name, loaded.description)
        listeners.append(writer)
    if progress:
        listeners.append(_Lines(sys.stderr))
    stop = StopRequest()
    # Ctrl-C (Jupyter's interrupt) stops after the epoch in progress; a second one at once; a
    # run folder being written is never cut short. The kernel's own handlers come back after.
    with SignalGuard(ignore_after=False) as guard:
        guard.attach(stop)
        outcome = run_all(loaded.runs, _Both(*listeners), stop)
    failure = outcome.failure
    if failure is not None and failure.epoch is None:
        raise failure.error  # a run that could not start: its RegtuiError says why
    folders = writer.folders if writer else {}
    runs = [Run(r, folders.get(r.info.config.name)) for r in outcome.results]
    error = None if failure is None else f"run {failure.name!r} failed at epoch {failure.epoch}: " \
                                         f"{failure.error}"
    return Session(loaded.name, runs, writer.session_dir if writer else None, outcome.interrupted,
                   error, _groups(outcome.results))


def load(*folders: str | os.PathLike) -> Session:
    """Read saved runs back: session folders (from `regtui run`, `regtui sweep` or the app's w)
    or single run folders; several to compare. Runs of the same name from different sessions
    are prefixed by their session. No weights are loaded (`final.pt`/`best.pt` stay on disk)."""
    if not folders:
        raise TypeError("load() needs at least one folder")
    found = load_runs_with_folders(folders)  # an empty name is refused
    runs = [Run(result, folder) for result, folder in found]
    results = [result for result, _ in found]
    paths = [Path(f) for f in folders]
    name = paths[0].name if len(paths) == 1 else "saved runs"
    return Session(name, runs, paths[0] if len(paths) == 1 else None, groups=_groups(results))
