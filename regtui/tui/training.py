"""The body of the app's training worker: the engine's run loop, with a listener that posts messages.

It runs in a thread and never touches a widget: it only calls `post(message)`, and the loop
polls `cancelled()` once per epoch, so a Stop or Quit ends it within one epoch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from regtui.engine.config import RunConfig
from regtui.tui.messages import EpochsDone, RunEnded, RunFailed, RunStarted, TrainingDone

if TYPE_CHECKING:
    from regtui.engine import EpochReport, RunFailure, RunInfo, RunResult
    from regtui.engine.listener import Executor

THREAD_NAME = "regtui-training"  # the worker thread's name while it trains (tests look for it)
POST_EVERY_S = 0.1  # batch epoch reports: at most ~10 messages a second reach the UI thread


class Poster:
    """The app's consumer of the run loop (a regtui.engine.RunListener): turns its events into the
    app's messages. Not a subclass, so importing this module loads no torch."""

    def __init__(self, post: Callable[[Message], object]) -> None:
        self.post = post
        self.pending: list[EpochReport] = []
        self.last_post = time.monotonic()
        self.error: str | None = None  # the failure to report with TrainingDone
        self.current = "training"  # the run in progress, to name in an unexpected error

    def _flush(self) -> None:
        if self.pending:
            self.post(EpochsDone(tuple(self.pending)))
            self.pending = []

    def run_started(self, info: RunInfo) -> None:
        self.current = info.config.name
        self.post(RunStarted(info))
        self.pending, self.last_post = [], time.monotonic()

    def epoch(self, report: EpochReport) -> None:
        self.pending.append(report)
        now = time.monotonic()
        if now - self.last_post >= POST_EVERY_S:
            self._flush()
            self.last_post = now

    def run_ended(self, result: RunResult) -> None:
        self._flush()
        self.post(RunEnded(result))

    def run_failed(self, failure: RunFailure) -> None:
        started = failure.epoch is not None
        self.error = f"training failed: {failure.error}" if started else str(failure.error)
        self.post(RunFailed(failure.name, self.error))

    def session_ended(self, outcome: object) -> None:
        """Nothing to post: `train_runs` posts TrainingDone itself, whatever happened."""


def train_runs(configs: Sequence[RunConfig], post: Callable[[Message], object],
               cancelled: Callable[[], bool], finished: threading.Event | None = None,
               executor: Executor | None = None) -> None:
    """Train each config in turn, posting RunStarted, batched EpochsDone, RunEnded and TrainingDone.

    TrainingDone is posted last whatever happens; it carries the failure, if any, even an
    unexpected exception, which is reported (RunFailed) rather than left to the worker.

    `finished` is set as the thread leaves, so a quitting app can wait for it to be gone.
    `executor`: where the runs train (the app's training process); None: here, with run_all.
    """
    if executor is None:
        from regtui.engine.runs import run_all as executor  # torch: loaded in the background by now

    thread = threading.current_thread()
    old_name, thread.name = thread.name, THREAD_NAME
    poster = Poster(post)
    stopped = False
    try:
        stopped = executor(configs, poster, cancelled).stopped
    except Exception as exc:  # a bug or an unforeseen fault: the app must say so, not "Done."
        poster._flush()
        poster.error = f"unexpected error: {type(exc).__name__}: {exc}"
        post(RunFailed(poster.current, poster.error))
    finally:
        post(TrainingDone(stopped, poster.error))
        thread.name = old_name  # before `finished`: once it is set, no thread bears THREAD_NAME
        if finished is not None:
            finished.set()
