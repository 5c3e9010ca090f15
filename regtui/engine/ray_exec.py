"""Train a set of runs as Ray tasks, telling the same listener as `run_all` (imported only for --ray).

Each member is one Ray task holding one CPU (or, for a cuda device, one GPU) share. Inside
the task the engine's own `run_all` trains that single run, so the stop-and-failure policy
is the same; its run_started and per-epoch reports stream back through a Ray queue into the
driver, which hands them to the listener (run folders and the progress display, as for a
local run). A run whose worker was lost (WorkerCrashedError, a dead node) is retried once,
with a note saying so; a second loss fails it. A run that fails, a stop or Ctrl-C asks the
other members to stop after their current epoch, and keeps what they did.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from regtui.engine.config import RunConfig
from regtui.engine.reports import EpochReport, RunInfo
from regtui.engine.runs import (
    Executor,
    Outcome,
    RunFailure,
    RunListener,
    StopSignal,
    _stop_check,
    run_all,
)
from regtui.system.errors import EXIT_FAILED, RegtuiError

INSTALL = "pip install 'regtui[ray]'"
POLL_S = 0.1  # how often the driver drains the event queue and checks for finished tasks
STOP_POLL_S = 0.25  # how often a task asks whether to stop (one small actor call)


class RayUnavailable(RegtuiError):
    """--ray was given but Ray is not installed or the cluster cannot be reached."""


class WorkerLost(RegtuiError):
    """A member's Ray worker was lost twice (or Ray itself failed): the run has no result."""

    exit_code = EXIT_FAILED


class _StopFlag:
    """A tiny actor: the driver sets a stop reason, every member task polls it."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def set(self, reason: str) -> None:
        self.reason = self.reason or reason

    def get(self) -> str | None:
        return self.reason


class _RemoteStop(threading.Event):
    """A stop signal for `run_all` inside a task: set once the driver's flag says so."""

    def __init__(self, flag: Any) -> None:
        super().__init__()
        self.flag, self.reason, self._asked = flag, "stopped", 0.0

    def is_set(self) -> bool:
        now = time.monotonic()
        if not super().is_set() and now - self._asked >= STOP_POLL_S:
            import ray

            self._asked = now
            reason = ray.get(self.flag.get.remote())
            if reason is not None:
                self.reason = reason
                self.set()
        return super().is_set()


class _QueueListener(RunListener):
    """Inside a task: puts the run's start and epochs on the queue, tagged with its attempt."""

    def __init__(self, queue: Any, attempt: int) -> None:
        self.queue, self.attempt = queue, attempt

    def run_started(self, info: RunInfo) -> None:
        self.queue.put(("started", info.config.name, self.attempt, info))

    def epoch(self, report: EpochReport) -> None:
        self.queue.put(("epoch", report.run, self.attempt, report))


def train_member(cfg: RunConfig, queue: Any, flag: Any, attempt: int) -> Outcome:
    """The body of one Ray task: the engine's loop over this one run, streaming its events."""
    return run_all([cfg], _QueueListener(queue, attempt), _RemoteStop(flag))


def _resources(cfg: RunConfig) -> dict[str, float]:
    """One GPU share for a member on cuda, else one CPU share ('auto' runs on the CPU share:
    Ray hides GPUs from tasks that did not ask for one)."""
    return {"num_gpus": 1, "num_cpus": 0} if cfg.device.startswith("cuda") else {"num_cpus": 1}


def _connect(address: str) -> None:
    import ray

    if ray.is_initialized():
        return
    try:
        if address == "auto":
            ray.init(include_dashboard=False, logging_level="ERROR", log_to_driver=False)
        else:
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RayUnavailable(f"--ray {address}: cannot start or reach a Ray cluster: {first}") from None


def ray_executor(address: str, task: Callable[..., Outcome] = train_member) -> Executor:
    """An executor with run_all's signature that trains on Ray at `address` ('auto': the cluster
    in RAY_ADDRESS, else a new local one). `task` is the member's body (tests wrap it)."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise RayUnavailable(f"--ray needs Ray, which is not installed; install it with: {INSTALL}") \
            from None
    _connect(address)

    def execute(configs: Iterable[RunConfig], listener: RunListener,
                should_stop: StopSignal = None) -> Outcome:
        return _Driver(list(configs), listener, should_stop, task).run()

    return execute


def _lost_worker_errors() -> tuple[type[BaseException], ...]:
    import ray.exceptions as rex

    return (rex.WorkerCrashedError, rex.NodeDiedError, rex.LocalRayletDiedError, rex.ObjectLostError)


class _Driver:
    """Submits the members, relays their events to the listener, retries lost workers once."""

    def __init__(self, configs: list[RunConfig], listener: RunListener, should_stop: StopSignal,
                 task: Callable[..., Outcome]) -> None:
        import ray
        from ray.util.queue import Queue

        self.configs, self.listener, self.stop = configs, listener, _stop_check(should_stop)
        self.queue, self.flag = Queue(), ray.remote(_StopFlag).remote()
        self.remote = ray.remote(task)
        self.attempt: dict[str, int] = {}
        self.lost: dict[str, str] = {}  # why a retried run's first worker was lost
        self.pending: dict[Any, RunConfig] = {}
        self.outcome = Outcome()
        self.stopping = False

    def _submit(self, cfg: RunConfig) -> None:
        ref = self.remote.options(max_retries=0, **_resources(cfg)).remote(
            cfg, self.queue, self.flag, self.attempt[cfg.name])
        self.pending[ref] = cfg

    def _drain(self) -> None:
        """Hand every queued event of a current attempt to the listener, in order."""
        n = self.queue.size()
        for kind, name, attempt, payload in (self.queue.get_nowait_batch(n) if n else []):
            if attempt != self.attempt.get(name):
                continue  # from a lost worker's attempt: its retry streams again from epoch 1
            if kind == "started":
                if name in self.lost:
                    payload = dataclasses.replace(payload, notes=(*payload.notes, (
                        f"retried once: its Ray worker was lost ({self.lost[name]})")))
                self.listener.run_started(payload)
            else:
                self.listener.epoch(payload)

    def _ask_stop(self, reason: str) -> None:
        if not self.stopping:
            self.stopping = True
            self.flag.set.remote(reason)

    def _finish(self, ref: Any) -> None:
        import ray

        cfg = self.pending.pop(ref)
        try:
            done: Outcome = ray.get(ref)
        except _lost_worker_errors() as exc:
            if self.attempt[cfg.name] == 0 and not self.stopping:
                self.attempt[cfg.name] = 1
                self.lost[cfg.name] = type(exc).__name__
                self._submit(cfg)
                return
            done = Outcome(failure=RunFailure(cfg.name, WorkerLost(
                f"run {cfg.name!r}: its Ray worker was lost twice ({type(exc).__name__})"), None))
        except ray.exceptions.RayError as exc:  # a fault of Ray itself, not of training
            done = Outcome(failure=RunFailure(cfg.name, WorkerLost(
                f"run {cfg.name!r}: Ray failed: {str(exc).strip().splitlines()[0]}"), None))
        self._drain()  # the task's events were all queued before it returned
        for result in done.results:
            self.outcome.results.append(result)
            self.listener.run_ended(result)
        if done.failure is not None:
            self.outcome.failure = self.outcome.failure or done.failure
            self.listener.run_failed(done.failure)
            self._ask_stop("stopped")
        self.outcome.interrupted |= done.interrupted

    def _loop(self) -> None:
        import ray

        while self.pending:
            self._drain()
            ready, _ = ray.wait(list(self.pending), num_returns=1, timeout=POLL_S)
            for ref in ready:
                self._finish(ref)
            if (reason := self.stop()) is not None:
                self.outcome.stopped = True
                self.outcome.interrupted |= reason == "interrupted"
                self._ask_stop(reason)

    def run(self) -> Outcome:
        """Train every member to its end (or to a stop) and return the merged outcome."""
        order = {c.name: i for i, c in enumerate(self.configs)}
        try:
            for cfg in self.configs:
                self.attempt[cfg.name] = 0
                self._submit(cfg)
            try:
                self._loop()
            except KeyboardInterrupt:  # members end after their epoch; their work is kept
                self.outcome.interrupted = True
                self._ask_stop("interrupted")
                self._loop()
            self.outcome.results.sort(key=lambda r: order[r.info.config.name])
        finally:
            self.listener.session_ended(self.outcome)
        return self.outcome
