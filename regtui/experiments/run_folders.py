"""Run folders on disk: resolved config, streamed per-epoch metrics CSV, summary JSON and weights.

A run's folder is made when the run starts: config.toml, a `status` file saying `running`
and the metrics.csv header. Each epoch's row is appended and flushed as it completes, so a
kill -9 or a power cut loses at most the last second. When the run ends, the weights,
curves.csv and summary.json are written (each atomically) and `status` is replaced by the
stop reason: a folder whose `status` still says `running` (and that has no summary.json)
belongs to a run that never finished.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from regtui.engine.listener import RunListener
from regtui.engine.reports import EpochReport, PackedState, RunInfo, RunResult
from regtui.experiments.presets import config_to_toml
from regtui.experiments.summary import strict_json, summarize
from regtui.system.atomic import atomic_open, atomic_save, atomic_write_text
from regtui.system.errors import EXIT_FAILED, RegtuiError, reason, shown

if TYPE_CHECKING:
    import torch

RUNNING = "running"  # the `status` file's content from a run's start until it ends
SYNC_EVERY_S = 1.0  # metrics rows reach the disk (fsync) at least this often while epochs come


class RunFolderError(RegtuiError):
    """A run folder could not be written (disk full, read-only, a file in the way)."""

    exit_code = EXIT_FAILED


def folder_error(path: Path, exc: OSError) -> RunFolderError:
    """A message naming the path, what went wrong and what to do about it (in words that hold
    for `regtui run` and for the app's save alike)."""
    return RunFolderError(f"cannot write {shown(path)}: {reason(exc)}. Free some space or choose a "
                          "writable folder; epochs already written there are kept")


def check_out_dir(root: Path) -> None:
    """Make sure run folders can be written under `root` (created if missing), before training.

    Raises RegtuiError (exit 2: the user's path is unusable) naming the path and what to do.
    """
    if root.exists() and not root.is_dir():
        raise RegtuiError(f"--out {root} is a file, not a folder: choose a folder for the runs")
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as exc:
        raise RegtuiError(f"cannot write run folders in {root}: {exc.strerror or exc}. "
                          "Choose a writable folder with --out") from None


def new_session_dir(root: Path, preset_name: str) -> Path:
    """Create `root/<preset>-<YYYYmmdd-HHMMSS>` (with a suffix if that exists) and return it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        root.mkdir(parents=True, exist_ok=True)
        for i in range(1000):
            path = root / (f"{preset_name}-{stamp}" + (f"-{i}" if i else ""))
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue
    except OSError as exc:
        raise folder_error(Path(exc.filename or root), exc) from None
    raise RunFolderError(f"cannot create a run folder under {root}: 1000 folders named "
                         f"{preset_name}-{stamp}* exist already")


def metric_rows(info: RunInfo, reports: Iterable[EpochReport]) -> tuple[list[str], list[list[object]]]:
    """Header and rows of a run's metrics.csv, one row per report (the one place columns are defined).

    Streaming calls it with one report at a time, and with none for the header.
    """
    names = [li.name for li in info.layers]
    # the noisy-label split (empty unless labels are partial/random) goes last: older readers
    # of the file keep their column positions
    header = ["epoch", "train_acc", "val_acc", "train_loss", "val_loss", "best_epoch",
              "total_norm", *[f"norm:{n}" for n in names], "elapsed_s",
              "train_acc_clean", "train_acc_memorized", "changed_true_acc"]
    rows = [[r.epoch, r.train_acc, r.val_acc, r.train_loss, r.val_loss, r.best_epoch,
             r.total_norm, *r.layer_norms, round(r.elapsed, 6),
             *(r.noisy if r.noisy is not None else (None, None, None))] for r in reports]
    return header, rows


class RunWriter:
    """One run's folder, written as the run goes: open at its start, a row per epoch, close at its end."""

    def __init__(self, session_dir: Path, info: RunInfo, description: str) -> None:
        self.info = info
        self.folder = session_dir / info.config.name
        self._path = self.folder  # the file being written, for error messages
        with self._errors():
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write_text("config.toml", config_to_toml(info.config, description))
            self._write_text("status", RUNNING + "\n")
            self._path = self.folder / "metrics.csv"
            self._fh = open(self._path, "w", newline="", encoding="utf-8")  # noqa: SIM115 (open for the run)
            self._csv = csv.writer(self._fh)
            self._csv.writerow(metric_rows(info, [])[0])
            self._sync()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn an OSError into a RunFolderError naming the file being written."""
        try:
            yield
        except OSError as exc:
            raise folder_error(Path(exc.filename) if exc.filename else self._path, exc) from None

    def _write_text(self, name: str, text: str) -> None:
        self._path = self.folder / name
        atomic_write_text(self._path, text)

    def _sync(self) -> None:
        self._fh.flush()  # to the OS: survives kill -9
        os.fsync(self._fh.fileno())  # to the disk: survives a power cut
        self._synced = time.monotonic()

    def append(self, report: EpochReport) -> None:
        """Append one epoch's row; flushed at once, synced to disk at least every second."""
        with self._errors():
            self._path = self.folder / "metrics.csv"
            for row in metric_rows(self.info, [report])[1]:
                self._csv.writerow(["" if v is None else v for v in row])
            if time.monotonic() - self._synced >= SYNC_EVERY_S:
                self._sync()
            else:
                self._fh.flush()

    def close(self, result: RunResult) -> Path:
        """Finish the folder: metrics synced, weights, curves and summary; `status` last."""
        with self._errors():
            self._path = self.folder / "metrics.csv"
            if not self._fh.closed:
                self._sync()
                self._fh.close()
            if result.curves and result.info.x_test is not None:
                self._path = self.folder / "curves.csv"
                with atomic_open(self._path, "w", newline="") as fh:
                    writer = csv.writer(fh)
                    writer.writerow(["x", *[f"epoch_{e}" for e, _ in result.curves]])
                    for i, x in enumerate(result.info.x_test):
                        writer.writerow([x, *[c[i] for _, c in result.curves]])
            if result.final_state:  # none for a run whose Ray worker was lost: no final.pt
                self._save_weights("final.pt", result.final_state)
            if result.best_state is not None:
                self._save_weights("best.pt", result.best_state)
            self._write_text("summary.json", json.dumps(strict_json(summarize(result)), indent=2,
                                                        allow_nan=False) + "\n")
            self._write_text("status", result.stop_reason + "\n")
        return self.folder

    def _save_weights(self, name: str, state: dict[str, torch.Tensor] | PackedState) -> None:
        self._path = self.folder / name
        if isinstance(state, PackedState):  # torch.save's bytes already: no torch needed here
            atomic_save(self._path, lambda fh: fh.write(state.data))
            return
        import torch

        cpu = {k: v.cpu() for k, v in state.items()}
        atomic_save(self._path, lambda fh: torch.save(cpu, fh))


def write_run(session_dir: Path, result: RunResult, description: str) -> Path:
    """Write a finished run's whole folder inside `session_dir` at once; return the folder.

    Files: config.toml (re-runnable preset), status, metrics.csv, summary.json, final.pt and,
    for classification, best.pt; curves.csv for the toy regression's fitted-curve snapshots.
    """
    writer = RunWriter(session_dir, result.info, description)
    for report in result.history:
        writer.append(report)
    return writer.close(result)


class SessionWriter(RunListener):
    """A RunListener that streams a session's runs into run folders as they train.

    The session folder `<root>/<name>-<YYYYmmdd-HHMMSS>` is made when the first run has loaded
    its data (a bad data path leaves no empty folders); each run's folder, config.toml and
    metrics header exist before its first epoch, each epoch's row is on disk before anyone is
    told of it, and a run's folder is finished as soon as it ends, so a later interrupt or
    failure loses nothing done.
    """

    def __init__(self, root: Path, name: str, description: str) -> None:
        self.root, self.name, self.description = root, name, description
        self.session_dir: Path | None = None
        self.folders: dict[str, Path] = {}  # finished runs' folders, by run name
        self._writers: dict[str, RunWriter] = {}

    def run_started(self, info: RunInfo) -> None:
        if self.session_dir is None:
            self.session_dir = new_session_dir(self.root, self.name)
        self._writers[info.config.name] = RunWriter(self.session_dir, info, self.description)

    def epoch(self, report: EpochReport) -> None:
        self._writers[report.run].append(report)

    def run_ended(self, result: RunResult) -> None:
        name = result.info.config.name
        self.folders[name] = self._writers.pop(name).close(result)
