"""Follow run folders that `regtui run` or `regtui sweep` is still writing (no UI, no torch).

A run folder is written as its run goes (run_folders.py): config.toml and `status` saying
`running` first, then the metrics.csv header and one row per epoch, flushed as it ends; at
the end summary.json, then `status` says how it ended. A Follower polls the folders it was
given (no inotify, so network file systems work too), reads each metrics.csv on from the
byte where it stopped (a half-written last line waits for its newline), picks up new run
folders in a session, and reads a run whole once its `status` says it ended. It never
writes. A run whose status says `running` but whose epochs stopped coming (a kill -9, a
lost node) is reported as stalled.
"""

from __future__ import annotations

import csv
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from regtui.engine.config import RunConfig
from regtui.engine.reports import EpochReport, RunInfo, RunResult
from regtui.experiments.run_lookup import (
    METRICS,
    RUNNING,
    SavedRunError,
    checked_folder,
    is_run_folder,
    runs_in,
    runs_under,
)
from regtui.experiments.run_names import RunNames
from regtui.experiments.saved import (
    check_header,
    load_run,
    read_config,
    read_status,
    row_report,
    run_info,
    with_best,
)
from regtui.system.errors import shown

POLL_S = 0.5  # seconds between two polls: a new epoch is drawn within about a second
STALL_S = 30.0  # a run still `running` with no new epoch for this long is stalled ...
STALL_EPOCHS = 5.0  # ... or for this many of its own epochs, when they are slower than that


@dataclass(frozen=True)
class RunSeen:
    """A run still training showed its first epoch: what it started with."""

    info: RunInfo


@dataclass(frozen=True)
class NewEpochs:
    """Epochs of run `name` that reached its metrics.csv since the last poll."""

    name: str
    reports: tuple[EpochReport, ...]


@dataclass(frozen=True)
class RunEnd:
    """A run ended (its `status` says how), read whole from its folder."""

    result: RunResult


@dataclass
class FollowUpdate:
    """What one poll found: the events in order, runs gone quiet, folders that cannot be read."""

    events: list[RunSeen | NewEpochs | RunEnd] = field(default_factory=list)
    stalled: dict[str, float] = field(default_factory=dict)  # run -> seconds since its last epoch
    errors: list[str] = field(default_factory=list)

    @property
    def news(self) -> bool:
        """Whether there is anything to show (a stalled run's seconds keep counting)."""
        return bool(self.events or self.stalled or self.errors)


def session_label(paths: list[Path]) -> str:
    """What the folders hold, in a few words: the preset a session was trained from
    ("quick" for runs/quick-20261201-120000 or a run folder in it), or "3 sessions"."""
    names = []
    for path in paths:
        session = path.resolve().parent if is_run_folder(path) else path.resolve()
        names.append(re.sub(r"-\d{8}-\d{6}(-\d+)?$", "", session.name) or session.name)
    names = list(dict.fromkeys(names))
    return " + ".join(names) if len(names) <= 2 else f"{len(paths)} sessions"


class _Tail:
    """One run folder being written: its metrics.csv read from where the last read stopped."""

    def __init__(self, folder: Path, cfg: RunConfig, changed_at: float) -> None:
        self.folder, self.cfg = folder, cfg
        self.offset = 0  # bytes of metrics.csv already read (whole lines only)
        self.line = 0  # lines read, for messages
        self.header: list[str] | None = None
        self.norm_cols: list[str] = []
        self.val_acc: dict[int, float | None] = {}  # by epoch: the CSV names only the best epoch
        self.last: EpochReport | None = None
        self.seen = False  # RunSeen sent (with the first epoch)
        self.changed_at = changed_at  # monotonic time of the last new epoch (or the file's age)

    def read(self) -> list[EpochReport]:
        """The epochs appended since the last read; SavedRunError for a line that is not one."""
        path = self.folder / METRICS
        with open(path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read()
        end = data.rfind(b"\n") + 1  # a line without its newline is still being written
        if not end:
            return []
        self.offset += end
        try:
            rows = list(csv.reader(data[:end].decode("utf-8").splitlines()))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SavedRunError(f"{shown(path)}: cannot read: {exc}") from None
        if self.header is None:
            self.header = rows.pop(0)
            self.line = 1
            check_header(self.header, path)
            self.norm_cols = [h for h in self.header if h.startswith("norm:")]
        reports = []
        for row in rows:
            self.line += 1
            if row:
                r = row_report(self.cfg, dict(zip(self.header, row, strict=False)), self.norm_cols,
                               f"{path} line {self.line}")
                self.val_acc[r.epoch] = r.val_acc
                reports.append(with_best(r, self.val_acc))
        if reports:
            self.last = reports[-1]
        return reports

    def stalled_after(self, stall_s: float) -> float:
        """Seconds without a new epoch after which this run counts as stalled."""
        per_epoch = self.last.elapsed / self.last.epoch if self.last and self.last.epoch else 0.0
        return max(stall_s, STALL_EPOCHS * per_epoch)


class Follower:
    """Polls run and session folders: `poll()` says what changed since the last call.

    The folders are read once when it is made, so a path that is not a run or session folder,
    or a run folder that cannot be read, raises SavedRunError before anything is shown; later
    polls report such problems in FollowUpdate.errors instead. `wait`: a folder holding no
    runs yet is a session still to come (`regtui show --follow`), not an error.
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], wait: bool = False,
                 stall_s: float = STALL_S) -> None:
        self.paths = [_checked(p, wait) for p in paths]
        self.stall_s = stall_s
        self._names = RunNames()
        self._tails: dict[Path, _Tail] = {}  # runs still training, by real folder
        self._ended: set[Path] = set()
        self._first: FollowUpdate | None = self._poll(strict=True)

    def poll(self) -> FollowUpdate:
        """What reached the folders since the last poll (the first: everything there is)."""
        first, self._first = self._first, None
        return first if first is not None else self._poll(strict=False)

    @property
    def running(self) -> list[str]:
        """Names of the runs whose status still says running."""
        return [t.cfg.name for t in self._tails.values()]

    def _folders(self) -> list[Path]:
        """Every run folder under the paths, in the order they first appeared."""
        found: list[Path] = []
        for path in self.paths:
            try:
                found += [path] if is_run_folder(path) else runs_in(path)
            except OSError:  # a network file system's hiccup: the next poll tries again
                continue
        return found

    def _poll(self, strict: bool) -> FollowUpdate:
        now, update = time.monotonic(), FollowUpdate()
        for folder in self._folders():
            real = folder.resolve()
            if real in self._ended:
                continue
            try:
                self._read(folder, real, now, update)
            except (SavedRunError, OSError) as exc:
                if strict:
                    raise SavedRunError(str(exc)) from None
                update.errors.append(str(exc))
                self._tails.pop(real, None)
                self._ended.add(real)  # said once; the rest of the session is still followed
        for tail in self._tails.values():
            quiet = now - tail.changed_at
            if quiet >= tail.stalled_after(self.stall_s):
                update.stalled[tail.cfg.name] = quiet
        return update

    def _read(self, folder: Path, real: Path, now: float, update: FollowUpdate) -> None:
        """Read what is new in one run folder into `update`."""
        status = read_status(folder)
        # No status file: an older regtui; its summary.json marks the end.
        ended = status != RUNNING if status else (folder / "summary.json").is_file()
        tail = self._tails.get(real)
        if tail is None and not ended and not (folder / METRICS).is_file():
            return  # made a moment ago: config.toml and status come before metrics.csv
        if tail is None and not ended:
            age = max(0.0, time.time() - (folder / METRICS).stat().st_mtime)
            tail = self._tails[real] = _Tail(folder, self._names.config(read_config(folder), folder),
                                             now - age)
        if tail is not None:
            seen_before = tail.header is not None
            reports = tail.read()
            if reports and seen_before:  # new since the last poll (the first read: the file's age)
                tail.changed_at = now
            if reports:
                if not tail.seen:
                    tail.seen = True
                    update.events.append(RunSeen(run_info(folder, tail.cfg, None, tail.norm_cols,
                                                          reports[0])))
                update.events.append(NewEpochs(tail.cfg.name, tuple(reports)))
        if ended:
            update.events.append(RunEnd(self._names.rename(load_run(folder), folder)))
            self._tails.pop(real, None)
            self._ended.add(real)


def _checked(name: str | os.PathLike[str], wait: bool) -> Path:
    """`name` as a run folder or a session folder (holding runs, or empty when `wait`)."""
    path = checked_folder(name)
    runs_under(path, empty_ok=wait)
    return path
