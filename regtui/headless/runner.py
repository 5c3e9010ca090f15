"""Run every run of a preset in turn, feeding a listener and writing the run folders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from regtui.engine import EpochReport, RunInfo, RunResult, Trainer
from regtui.presets import Preset
from regtui.results import new_session_dir, write_run


class Listener(Protocol):
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


def run_preset(preset: Preset, out_root: Path, listener: Listener) -> Outcome:
    """Train the preset's runs one after another; Ctrl-C keeps what is done and stops.

    Each run's folder is written as soon as that run ends, so an interrupt or a failure in a
    later run loses nothing already computed; a run that fails keeps its completed epochs.
    The session folder is made only once the first run has loaded its data (a bad data path
    leaves no empty folders behind).
    """
    outcome = Outcome()
    for cfg in preset.runs:
        try:
            trainer = Trainer(cfg)  # loading data and building the model can take a while
        except KeyboardInterrupt:
            outcome.interrupted = True
            break
        if outcome.session_dir is None:
            outcome.session_dir = new_session_dir(out_root, preset.name)
        listener.run_started(trainer.info)
        try:
            for report in trainer:
                listener.epoch(report)
        except KeyboardInterrupt:
            outcome.interrupted = True
        except RuntimeError as exc:  # torch's errors (out of memory, CUDA faults) are RuntimeErrors
            outcome.error = f"run {cfg.name!r} failed at epoch {len(trainer.history) + 1}: {exc}"
        reason = "interrupted" if outcome.interrupted else "failed" if outcome.error else None
        result = trainer.finish(reason)
        folder = write_run(outcome.session_dir, result, preset.description)
        outcome.results.append(result)
        listener.run_ended(result, folder)
        if outcome.interrupted or outcome.error:
            break
    return outcome
