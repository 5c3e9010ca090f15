"""The body of the app's training worker: runs configs in turn and posts what happens.

It runs in a thread and never touches a widget: it only calls `post(message)` and polls
`cancelled()` once per epoch, so a Stop or Quit ends it within one epoch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from textual.message import Message

from regtui.config import ConfigError, RunConfig
from regtui.data.classification import DataError
from regtui.devices import DeviceError
from regtui.engine import Trainer
from regtui.tui.messages import EpochsDone, RunEnded, RunFailed, RunStarted, TrainingDone

THREAD_NAME = "regtui-training"
POST_EVERY_S = 0.1  # batch epoch reports: at most ~10 messages a second reach the UI thread

_active_count = 0
_count_lock = threading.Lock()


def active_training_threads() -> int:
    """How many threads are inside `train_runs` right now (0 once the app has stopped them)."""
    return _active_count


def _track(delta: int) -> None:
    global _active_count
    with _count_lock:
        _active_count += delta


def train_runs(configs: Sequence[RunConfig], post: Callable[[Message], object],
               cancelled: Callable[[], bool], finished: threading.Event | None = None) -> None:
    """Train each config in turn, posting RunStarted, batched EpochsDone and RunEnded.

    `finished` is set as the thread leaves, so a quitting app can wait for it to be gone.
    """
    thread = threading.current_thread()
    old_name, thread.name = thread.name, THREAD_NAME
    _track(+1)
    stopped = False
    try:
        for cfg in configs:
            try:
                trainer = Trainer(cfg)
            except (ConfigError, DataError, DeviceError) as exc:
                post(RunFailed(cfg.name, str(exc)))
                break
            post(RunStarted(trainer.info))
            pending, last_post, failure = [], time.monotonic(), None
            try:
                for report in trainer:
                    pending.append(report)
                    now = time.monotonic()
                    if now - last_post >= POST_EVERY_S:
                        post(EpochsDone(tuple(pending)))
                        pending, last_post = [], now
                    if cancelled():
                        trainer.request_stop()
            except RuntimeError as exc:  # out of memory, CUDA faults: tell the user, keep epochs
                failure = str(exc)
            if pending:
                post(EpochsDone(tuple(pending)))
            post(RunEnded(trainer.finish("failed" if failure else None)))
            if failure:
                post(RunFailed(cfg.name, f"training failed: {failure}"))
                break
            if cancelled():
                stopped = True
                break
    finally:
        post(TrainingDone(stopped))
        thread.name = old_name
        _track(-1)
        if finished is not None:
            finished.set()
