"""The body of one Ray task of a sweep: the engine's loop over one run, its events sent to the relay.

Split from regtui.engine.ray_exec (the driver side). A task never waits on Ray (ray.get,
ray.wait): a task blocked there lends its CPU share back, and Ray starts another worker,
which imports torch, to train one more member beside it (on 2 cores a 16-run sweep ran up to
4 members at once on 16 worker processes, each run 2-3x slower). Replies arrive as futures
instead. Events go in batches, at most every SEND_S: one call per epoch, waited for, had cost
a short run a quarter of its time.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from regtui.engine.config import RunConfig
from regtui.engine.reports import EpochReport, RunInfo
from regtui.engine.runs import Outcome, RunListener, StopRequest, run_all

SEND_S = 0.2  # a task sends its events in one batch at most this often (and at its start and end)
CLOSE_S = 60.0  # how long a finished task waits for the relay to acknowledge its last events
LOST = "failed"  # the stop reason of a run whose relay died (the driver says why)


class TaskLink(RunListener):
    """Inside a task: sends the run's start and epochs to the relay, tagged with its attempt,
    and sets `stop` (the run's stop signal) when a reply carries the driver's stop reason.

    When the relay is lost (its actor died), the run stops after its epoch: nobody could ask
    it to stop any more. Its result, returned by the task, still holds every epoch.
    """

    def __init__(self, relay: Any, attempt: int) -> None:
        self.relay, self.attempt = relay, attempt
        self.stop = StopRequest()
        self.batch: list[tuple[str, str, int, Any]] = []
        self.sent = time.monotonic()
        self.last: Any = None  # the future of the last add
        self.lost = False

    def run_started(self, info: RunInfo) -> None:
        self.batch.append(("started", info.config.name, self.attempt, info))
        self.send()  # at once: the driver opens the run folder

    def epoch(self, report: EpochReport) -> None:
        self.batch.append(("epoch", report.run, self.attempt, report))
        if time.monotonic() - self.sent >= SEND_S:
            self.send()

    def send(self) -> None:
        if self.batch and not self.lost:
            self.last = self.relay.add.remote(self.batch).future()
            self.last.add_done_callback(self._replied)
        self.batch = []
        self.sent = time.monotonic()

    def _replied(self, reply: Any) -> None:  # on Ray's thread, when an add has been done
        if reply.exception() is not None:
            self.lost = True
            self.stop.request(LOST)
        elif reply.result() is not None:
            self.stop.request(reply.result())

    def close(self) -> None:
        """Send the rest and wait (in Python, not on Ray) until the relay holds every event:
        the driver takes them once, when it sees the task end. A lost relay is not waited for."""
        self.send()
        if self.last is not None:
            with contextlib.suppress(Exception):  # the driver catches up from the task's result
                self.last.result(CLOSE_S)


def one_thread_per_cpu() -> None:
    """torch's threads in this task: its CPU share (Ray sets OMP_NUM_THREADS only for workers
    it starts, and a worker may have run another task's setting)."""
    import ray
    import torch

    share = ray.get_runtime_context().get_assigned_resources().get("CPU", 1.0)
    torch.set_num_threads(max(1, int(share)))


def train_member(cfg: RunConfig, relay: Any, attempt: int) -> Outcome:
    """The body of one Ray task: the engine's loop over this one run, streaming its events."""
    one_thread_per_cpu()
    link = TaskLink(relay, attempt)
    try:
        return run_all([cfg], link, link.stop)
    finally:
        link.close()
