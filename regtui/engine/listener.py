"""What a set of runs tells, and how it is asked to stop: the listener protocol, the outcome, the
stop request and the Executor type, apart from the loop (regtui.engine.runs) because they need no
torch: the app's training process is driven from a process that has not imported it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from regtui.engine.config import RunConfig
from regtui.engine.reports import EpochReport, RunInfo, RunResult


@dataclass(frozen=True)
class RunFailure:
    """A run that ended in error: which run, the error, and the epoch that raised it."""

    name: str
    error: Exception
    epoch: int | None  # the 1-based epoch in progress; None when the run could not start


@dataclass
class Outcome:
    """What a set of runs produced: one result per run that started, and how the set ended."""

    results: list[RunResult] = field(default_factory=list)
    stopped: bool = False  # a stop request ended the set before its last run was done
    interrupted: bool = False  # Ctrl-C, or a stop request whose reason is "interrupted"
    failure: RunFailure | None = None


class RunListener(Protocol):
    """Whoever shows or keeps a set of runs; subclass it to inherit do-nothing methods.

    Every event names its run (info.config.name, report.run, result.info.config.name,
    failure.name), so a listener never needs the order of events across runs.
    """

    def run_started(self, info: RunInfo) -> None:
        """A run has loaded its data and built its model; its first epoch comes next."""

    def epoch(self, report: EpochReport) -> None:
        """One epoch ended (called from the training thread, once per epoch)."""

    def run_ended(self, result: RunResult) -> None:
        """A run that started has ended, for any reason; its completed epochs are in `result`."""

    def run_failed(self, failure: RunFailure) -> None:
        """A run could not start, or training raised (after `run_ended` for that run)."""

    def session_ended(self, outcome: Outcome) -> None:
        """The set is over (always called last, even when an unexpected error escapes)."""


class StopRequest(threading.Event):
    """A threading.Event that also says why: "stopped" (a Stop key) or "interrupted" (a signal).

    `phase` tells a signal handler what the loop is doing: "loading" a run's data, computing an
    "epoch", or None in between (telling listeners, which may be saving files). Aborting in a
    phase loses only that phase's work; aborting outside one could cut a file short.
    """

    reason = "stopped"
    phase: str | None = None

    def request(self, reason: str = "stopped") -> None:
        """Ask the loop to end the current run after its epoch, as `reason` (thread-safe)."""
        self.reason = reason
        self.set()


StopSignal = threading.Event | Callable[[], bool] | None
# How a set of runs is trained: run_all, or a stand-in with its signature and policy that
# trains elsewhere (regtui.engine.ray_exec, regtui.engine.process_exec) and tells the same listener.
Executor = Callable[[Iterable[RunConfig], RunListener, StopSignal], Outcome]


def stop_check(should_stop: StopSignal) -> Callable[[], str | None]:
    """A function giving the requested stop reason, or None while no stop is requested."""
    if should_stop is None:
        return lambda: None
    if isinstance(should_stop, threading.Event):
        return lambda: getattr(should_stop, "reason", "stopped") if should_stop.is_set() else None
    return lambda: "stopped" if should_stop() else None
