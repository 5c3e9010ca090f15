"""The driver side of a Ray sweep: submits the members, relays their events, handles Ray's faults.

See regtui.engine.ray_exec for the policy. Every event reaches the listener in order, once: a
run's start, then its epochs 1, 2, ... (from the relay while it trains, and from the task's
result for any the relay did not bring), then its end.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from regtui.engine.config import RunConfig
from regtui.engine.ray_task import LOST
from regtui.engine.reports import EpochReport, RunInfo, RunResult
from regtui.engine.runs import Outcome, RunFailure, RunListener, StopSignal, _stop_check
from regtui.system.errors import EXIT_FAILED, RegtuiError

POLL_S = 0.1  # how often the driver takes the relayed events and checks for finished tasks


class WorkerLost(RegtuiError):
    """A member's Ray worker was lost twice (or Ray itself failed): the run has no result."""

    exit_code = EXIT_FAILED


def _lost_worker_errors() -> tuple[type[BaseException], ...]:
    import ray.exceptions as rex

    return (rex.WorkerCrashedError, rex.NodeDiedError, rex.LocalRayletDiedError, rex.ObjectLostError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


@dataclasses.dataclass
class _Stream:
    """What the listener has been told of one run's current attempt."""

    info: RunInfo | None = None
    reports: list[EpochReport] = dataclasses.field(default_factory=list)
    t0: float = 0.0
    ended: bool = False


class Driver:
    """Submits the members, relays their events to the listener, retries lost workers once."""

    def __init__(self, configs: list[RunConfig], listener: RunListener, should_stop: StopSignal,
                 task: Callable[..., Outcome]) -> None:
        import ray

        from regtui.engine.ray_relay import Relay

        self.configs, self.listener, self.stop = configs, listener, _stop_check(should_stop)
        # num_cpus=0: the relay takes no member's CPU share; it imports no torch
        self.relay = ray.remote(num_cpus=0)(Relay).remote()
        self.relay_lost: str | None = None  # why the relay is gone, once it is
        self.remote = ray.remote(task)
        self.attempt: dict[str, int] = {}
        self.lost: dict[str, str] = {}  # why a retried run's first worker was lost
        self.streams: dict[str, _Stream] = {}
        self.pending: dict[Any, RunConfig] = {}
        self.outcome = Outcome()
        self.stopping = False

    def _submit(self, cfg: RunConfig) -> None:
        self.streams[cfg.name] = _Stream()
        ref = self.remote.options(max_retries=0, **_resources(cfg)).remote(
            cfg, self.relay, self.attempt[cfg.name])
        self.pending[ref] = cfg

    # -- telling the listener, each event once and in order --

    def _started(self, info: RunInfo) -> None:
        stream = self.streams[info.config.name]
        if stream.info is None and not stream.ended:
            name = info.config.name
            if name in self.lost:
                info = dataclasses.replace(info, notes=(*info.notes, (
                    f"retried once: its Ray worker was lost ({self.lost[name]})")))
            stream.info, stream.t0 = info, time.monotonic()
            self.listener.run_started(info)

    def _epoch(self, report: EpochReport) -> None:
        stream = self.streams[report.run]
        if stream.info is not None and not stream.ended and report.epoch == len(stream.reports) + 1:
            stream.reports.append(report)
            self.listener.epoch(report)

    def _ended(self, result: RunResult) -> None:
        self._started(result.info)
        for report in result.history:
            self._epoch(report)
        stream = self.streams[result.info.config.name]
        stream.ended = True
        self.outcome.results.append(result)
        self.listener.run_ended(result)

    def _drain(self) -> None:
        """Hand every relayed event of a current attempt to the listener, in order."""
        import ray

        if self.relay_lost is not None:
            return
        try:
            events = ray.get(self.relay.take.remote())
        except ray.exceptions.RayError as exc:  # the relay died: the tasks stop on their own
            self.relay_lost = _first_line(exc)
            return
        for kind, name, attempt, payload in events:
            if attempt != self.attempt.get(name):
                continue  # from a lost worker's attempt: its retry streams again from epoch 1
            if kind == "started":
                self._started(payload)
            else:
                self._epoch(payload)

    def _ask_stop(self, reason: str) -> None:
        if not self.stopping:
            self.stopping = True
            # a dead relay fails this call unseen (nobody gets its result): tasks then stop
            # on their own (see ray_task.TaskLink)
            self.relay.stop.remote(reason)

    # -- a task has ended --

    def _fail(self, cfg: RunConfig, why: str) -> Outcome:
        """The outcome of a run whose task gave no result: failed, with the epochs it streamed."""
        stream = self.streams[cfg.name]
        error = WorkerLost(f"run {cfg.name!r}: {why}")
        if stream.info is None:
            return Outcome(failure=RunFailure(cfg.name, error, None))
        result = RunResult.cut_short(stream.info, stream.reports, stream.t0)
        return Outcome(results=[result], failure=RunFailure(cfg.name, error, len(stream.reports) + 1))

    def _result_of(self, ref: Any, cfg: RunConfig) -> Outcome | None:
        """The task's outcome, or None when its run was resubmitted (a lost worker, once)."""
        import ray

        try:
            return ray.get(ref)
        except _lost_worker_errors() as exc:
            self._drain()  # is the relay still there? A dead one means the runtime is failing
            if self.attempt[cfg.name] == 0 and not self.stopping and self.relay_lost is None:
                self.attempt[cfg.name] = 1
                self.lost[cfg.name] = type(exc).__name__
                self._submit(cfg)
                return None
            lost = "twice" if self.attempt[cfg.name] else "and Ray's runtime is failing"
            return self._fail(cfg, f"its Ray worker was lost {lost} ({type(exc).__name__})")
        except ray.exceptions.RayError as exc:  # a fault of Ray itself, not of training
            return self._fail(cfg, f"Ray failed: {_first_line(exc)}")

    def _finish(self, ref: Any) -> None:
        cfg = self.pending.pop(ref)
        done = self._result_of(ref, cfg)
        if done is None:
            return
        self._drain()  # the task waited until the relay held all its events
        self._record(cfg, done)

    def _abandon(self, exc: BaseException) -> None:
        """Ray itself failed (the driver's own calls raise): every pending run ends as failed."""
        for cfg in list(self.pending.values()):
            self._record(cfg, self._fail(cfg, f"Ray failed: {_first_line(exc)}"))
        self.pending.clear()
        self.stopping = True

    def _record(self, cfg: RunConfig, done: Outcome) -> None:
        """Tell the listener how a task's run ended, and merge it into the outcome."""
        for result in done.results:
            self._ended(result)
        failure = done.failure
        if failure is None and self.relay_lost is not None and any(
                r.stop_reason == LOST for r in done.results):
            failure = RunFailure(cfg.name, WorkerLost(
                f"run {cfg.name!r}: Ray failed: its event relay died ({self.relay_lost})"),
                len(done.results[0].history) + 1)
        if failure is not None:
            self.outcome.failure = self.outcome.failure or failure
            self.listener.run_failed(failure)
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
        import ray

        order = {c.name: i for i, c in enumerate(self.configs)}
        try:
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
            except ray.exceptions.RayError as exc:
                self._abandon(exc)
            self.outcome.results.sort(key=lambda r: order[r.info.config.name])
        finally:
            self.listener.session_ended(self.outcome)
        return self.outcome


def _resources(cfg: RunConfig) -> dict[str, float]:
    """One GPU share for a member on cuda, else one CPU share ('auto' runs on the CPU share:
    Ray hides GPUs from tasks that did not ask for one)."""
    return {"num_gpus": 1, "num_cpus": 0} if cfg.device.startswith("cuda") else {"num_cpus": 1}
