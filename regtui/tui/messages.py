"""Messages the app's workers post (training, following folders); handled on the main thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from regtui.engine import EpochReport, RunInfo, RunResult
from regtui.experiments.follow import FollowUpdate


@dataclass
class RunStarted(Message):
    """A run has loaded its data and built its model; its first epoch is under way."""

    info: RunInfo


@dataclass
class EpochsDone(Message):
    """One or more epochs finished since the last message (batched to spare the UI thread)."""

    reports: tuple[EpochReport, ...]


@dataclass
class RunEnded(Message):
    """A run ended (finished, early-stopped, stopped or failed numerically)."""

    result: RunResult


@dataclass
class RunFailed(Message):
    """A run could not start (bad settings, unusable data) or training raised; `error` is for people."""

    name: str
    error: str


@dataclass
class TrainingDone(Message):
    """The worker has finished every run it was given (or was stopped, or failed)."""

    stopped: bool
    error: str | None = None  # why training failed, for people; None when it did not


@dataclass
class Followed(Message):
    """The folders `regtui show --follow` watches changed (new runs, epochs, ends, a stall)."""

    update: FollowUpdate
