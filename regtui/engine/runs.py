"""One loop over a set of runs, with one stop-and-failure policy, told to any listener.

Both front ends consume it: the headless runner (prints, writes run folders) and the app's
worker (batches reports into messages). Neither loops over runs itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from regtui.engine.config import RunConfig
from regtui.engine.listener import Executor, Outcome, RunFailure, RunListener, StopRequest, StopSignal
from regtui.engine.listener import stop_check as _stop_check
from regtui.engine.trainer import Trainer
from regtui.system.errors import RegtuiError

# The listener's names stay importable from here, where the loop that tells them lives.
__all__ = ["Executor", "Outcome", "RunFailure", "RunListener", "StopRequest", "StopSignal", "run_all"]


def run_all(configs: Iterable[RunConfig], listener: RunListener,
            should_stop: StopSignal = None) -> Outcome:
    """Train `configs` one after another, telling `listener`; the one stop-and-failure policy.

    - A run that cannot start (a RegtuiError: bad settings, unusable data, missing device) is
      reported with `run_failed` and ends the set; it has no result.
    - An error while training (a torch RuntimeError such as CUDA out of memory) keeps the
      completed epochs: the run ends as "failed" (`run_ended`, then `run_failed`) and the set ends.
    - A stop request (`should_stop`: a threading.Event, a StopRequest or a callable, polled
      after every epoch, so any thread may ask) ends the current run after its epoch as
      "stopped" (or the StopRequest's reason, e.g. "interrupted"), and no further run starts.
    - KeyboardInterrupt while a run loads ends the set with that run absent; while it trains
      (or while a listener handles its epoch), the run ends as "interrupted" with every
      completed epoch kept. Either way `outcome.interrupted` is set and nothing is re-raised.
      With a StopRequest, its `phase` says when such an abort is safe (see regtui.system.signals).
    """
    stop = _stop_check(should_stop)
    request = should_stop if isinstance(should_stop, StopRequest) else None
    outcome = Outcome()
    try:
        for cfg in configs:
            if not _run_one(cfg, listener, stop, outcome, request):
                break
    finally:
        listener.session_ended(outcome)
    return outcome


@contextlib.contextmanager
def _phase(request: StopRequest | None, name: str) -> Iterator[None]:
    """Mark `name` as the loop's phase on `request` while the block runs."""
    if request is None:
        yield
        return
    request.phase = name
    try:
        yield
    finally:
        request.phase = None


def _load(cfg: RunConfig, listener: RunListener, outcome: Outcome,
          request: StopRequest | None = None) -> Trainer | None:
    """Build a run's Trainer (data and model), or None when it cannot start: a user error is
    reported and ends the set; Ctrl-C while loading ends it as interrupted, the run absent."""
    try:
        with _phase(request, "loading"):
            return Trainer(cfg)  # loading data and building the model can take a while
    except RegtuiError as exc:
        outcome.failure = RunFailure(cfg.name, exc, None)
        listener.run_failed(outcome.failure)
    except KeyboardInterrupt:
        outcome.interrupted = True
    return None


def _run_one(cfg: RunConfig, listener: RunListener, stop: Callable[[], str | None],
             outcome: Outcome, request: StopRequest | None = None) -> bool:
    """Train one run under the policy of `run_all`; True when the next run may start."""
    trainer = _load(cfg, listener, outcome, request)
    if trainer is None:
        return False
    ended_by: str | None = None  # set when the run ends by an exception
    try:
        listener.run_started(trainer.info)
        epochs = iter(trainer)
        while True:
            with _phase(request, "epoch"):
                report = next(epochs, None)
            if report is None:
                break
            listener.epoch(report)
            if (reason := stop()) is not None:
                trainer.request_stop(reason)
    except KeyboardInterrupt:
        outcome.interrupted, ended_by = True, "interrupted"
    except RuntimeError as exc:  # torch's errors (out of memory, CUDA faults) are RuntimeErrors
        outcome.failure, ended_by = RunFailure(cfg.name, exc, len(trainer.history) + 1), "failed"
    result = trainer.finish(ended_by)
    outcome.results.append(result)
    listener.run_ended(result)
    return _go_on(outcome, listener, ended_by, stop)


def _go_on(outcome: Outcome, listener: RunListener, ended_by: str | None,
           stop: Callable[[], str | None]) -> bool:
    """After a run (or a stack of runs) has ended: report its failure, if any, and say whether
    the next one may start (not after a failure, an interrupt or a stop request)."""
    if outcome.failure is not None:
        listener.run_failed(outcome.failure)
    if ended_by is not None:
        return False
    if (reason := stop()) is not None:
        outcome.stopped = True
        outcome.interrupted = reason == "interrupted"
        return False
    return True
