"""The opt-in stacked executor: runs of one shape train together as one stacked model.

`run_stacked` has `run_all`'s signature and policy (an engine Executor). It groups the
configs that can share one stacked model (classification; same model, data set and sizes,
batch size, epochs, optimizer settings and device; members may differ by seed, labels,
label fraction, inputs and early-stopping settings) and trains each group with
regtui.engine.stacked; every other config, and a group of one, trains through the ordinary
path. Each member is told to the listener as an ordinary run (run_started, its EpochReports,
run_ended with its own RunResult), so run folders, summaries and the app see ordinary runs.

A member that ends by its own rule (patience, a non-finite loss) is ended at once with the
weights of its last epoch (and its best state); the stack keeps training it with the others,
since dropping a slice would cost a copy, but nothing of it is reported any more.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from regtui.engine.config import RunConfig
from regtui.engine.reports import EpochReport
from regtui.engine.runs import (
    Outcome,
    RunFailure,
    RunListener,
    StopSignal,
    _go_on,
    _load,
    _run_one,
    _stop_check,
)
from regtui.engine.stacked import MemberSlot, StackedClassify, stack_shapes_agree
from regtui.engine.trainer import Trainer

STACK_MAX = 100  # members per stack: bounds memory (BigAnimalNet with SGD: ~5 MB per member)
# Settings a stack's members may differ in: they shape data or bookkeeping, never a tensor's shape.
FREE = frozenset({"name", "group", "seed", "seeds", "repeats", "labels", "label_fraction", "inputs",
                  "early_stopping", "patience", "min_delta", "restore_best", "snapshot_every"})


# Models that never stack: the stack's claims (members within float noise of their single runs,
# tests/unit/test_stacked.py) are measured for the reference's MLPs only. vmap turns a batch of
# convolutions into grouped ones, whose rounding and speed against single runs nobody has measured.
UNSTACKED_MODELS = frozenset({"cnn"})


def stack_key(cfg: RunConfig) -> tuple | None:
    """What runs must share to train in one stack, or None for a run that never stacks."""
    if cfg.task != "classify" or cfg.dropout or cfg.augment or cfg.model in UNSTACKED_MODELS:
        return None  # the toy task; dropout and augmentation draw per-member random numbers
    return tuple((k, v) for k, v in cfg.as_dict().items() if k not in FREE)


def plan(configs: Iterable[RunConfig]) -> list[list[RunConfig]]:
    """The configs as units, each at its first config's place: stacks, and lone runs as lists of one."""
    units: list[list[RunConfig]] = []
    open_stack: dict[tuple, list[RunConfig]] = {}
    for cfg in configs:
        key = stack_key(cfg)
        unit = open_stack.get(key) if key is not None else None
        if unit is None or len(unit) >= STACK_MAX:
            unit = []
            units.append(unit)
            if key is not None:
                open_stack[key] = unit
        unit.append(cfg)
    return units


def run_stacked(configs: Iterable[RunConfig], listener: RunListener,
                should_stop: StopSignal = None) -> Outcome:
    """Train `configs` with runs of one shape stacked, telling `listener`; `run_all`'s policy.

    A stop request or Ctrl-C ends every member of the stack in progress after its epoch
    (KeyboardInterrupt: as "interrupted", with their completed epochs); an error while training
    ends them all as "failed" and reports it once, for the first member still training.
    """
    stop = _stop_check(should_stop)
    outcome = Outcome()
    try:
        for unit in plan(configs):
            go_on = (_run_one(unit[0], listener, stop, outcome) if len(unit) == 1
                     else _run_stack(unit, listener, stop, outcome))
            if not go_on:
                break
    finally:
        listener.session_ended(outcome)
    return outcome


def _build(cfgs: list[RunConfig], listener: RunListener, outcome: Outcome) -> list[Trainer] | None:
    """Every member's Trainer, built as its single run builds it; None when one cannot start."""
    trainers: list[Trainer] = []
    for cfg in cfgs:
        trainer = _load(cfg, listener, outcome)  # run_all's rule for a run that cannot start
        if trainer is None:
            return None
        trainers.append(trainer)
    return trainers


def _run_stack(cfgs: list[RunConfig], listener: RunListener, stop: Callable[[], str | None],
               outcome: Outcome) -> bool:
    """Train one stack under the policy of `run_stacked`; True when the next unit may start."""
    trainers = _build(cfgs, listener, outcome)
    if trainers is None:
        return False
    if not stack_shapes_agree(trainers):  # e.g. a data set smaller than n_train + n_val
        return all(_run_one(cfg, listener, stop, outcome) for cfg in cfgs)
    try:
        stack = StackedClassify(trainers)
    except KeyboardInterrupt:
        outcome.interrupted = True
        return False
    t0 = time.perf_counter()
    for i, trainer in enumerate(trainers):
        trainer.task = MemberSlot(stack, i, trainer)
        trainer._t0 = t0  # members share one clock: every epoch trains them all
        listener.run_started(trainer.info)
    live: dict[int, Iterator[EpochReport]] = {i: iter(t) for i, t in enumerate(trainers)}

    def end(i: int, reason: str | None = None) -> None:
        if reason is None:
            next(live[i], None)  # the member's loop sees its stop reason and returns
        result = trainers[i].finish(reason)
        outcome.results.append(result)
        listener.run_ended(result)
        del live[i]

    ended_by: str | None = None
    epoch = 0
    try:
        for epoch in range(1, cfgs[0].epochs + 1):
            stack.step(epoch)
            for i in list(live):
                report = next(live[i])
                listener.epoch(report)
                if trainers[i].own_stop(report):
                    end(i)  # patience or non-finite: its weights are still this epoch's
            if not live:
                break
            if (reason := stop()) is not None:
                for t in trainers:
                    t.request_stop(reason)
                break
    except KeyboardInterrupt:
        outcome.interrupted, ended_by = True, "interrupted"
    except RuntimeError as exc:  # torch's errors (out of memory, CUDA faults) are RuntimeErrors
        ended_by = "failed"
        outcome.failure = RunFailure(trainers[min(live)].cfg.name if live else cfgs[0].name, exc, epoch)
    for i in list(live):
        end(i, ended_by)
    return _go_on(outcome, listener, ended_by, stop)
