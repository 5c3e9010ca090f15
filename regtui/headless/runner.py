"""Run a preset headless: the engine's run loop, with a listener that prints and writes run folders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from regtui.engine import EpochReport, RunFailure, RunInfo, RunResult, run_all
from regtui.engine.runs import Executor, StopSignal
from regtui.experiments.presets import Preset
from regtui.experiments.run_folders import SessionWriter


class Printer(Protocol):
    """Whoever shows a headless run: told of each run's start, each epoch and each run's end."""

    def run_started(self, info: RunInfo) -> None: ...
    def epoch(self, report: EpochReport) -> None: ...
    def run_ended(self, result: RunResult, folder: Path) -> None: ...


@dataclass
class Outcome:
    """What a preset run produced: one result per finished run, where they were saved."""

    session_dir: Path | None = None
    results: list[RunResult] = field(default_factory=list)
    interrupted: bool = False
    error: str | None = None  # set when training itself failed (e.g. CUDA out of memory)


class _Recorder(SessionWriter):
    """The headless consumer of the run loop: streams each run's folder to disk, then prints."""

    def __init__(self, preset: Preset, out_root: Path, printer: Printer) -> None:
        super().__init__(out_root, preset.name, preset.description)
        self.printer = printer

    def run_started(self, info: RunInfo) -> None:
        super().run_started(info)  # the folder, config.toml and the metrics header exist first
        self.printer.run_started(info)

    def epoch(self, report: EpochReport) -> None:
        super().epoch(report)  # on disk before it is shown
        self.printer.epoch(report)

    def run_ended(self, result: RunResult) -> None:
        super().run_ended(result)
        self.printer.run_ended(result, self.folders[result.info.config.name])


def run_preset(preset: Preset, out_root: Path, printer: Printer,
               should_stop: StopSignal = None, execute: Executor = run_all) -> Outcome:
    """Train the preset's runs one after another under the engine's policy (see `run_all`).

    `execute` is run_all, or a stand-in with its signature and policy that trains elsewhere
    (regtui.engine.ray_exec) and tells the same listener.

    Ctrl-C or a stop keeps what is done; a run that fails keeps its completed epochs. A run
    that cannot start raises its RegtuiError here, after the earlier runs' folders are written.
    """
    recorder = _Recorder(preset, out_root, printer)
    done = execute(preset.runs, recorder, should_stop)
    failure: RunFailure | None = done.failure
    if failure is not None and failure.epoch is None:
        raise failure.error
    error = None if failure is None else \
        f"run {failure.name!r} failed at epoch {failure.epoch}: {failure.error}"
    return Outcome(recorder.session_dir, done.results, done.interrupted, error)
