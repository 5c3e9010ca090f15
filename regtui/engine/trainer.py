"""The Trainer: one run from a config, consumed as a stream of EpochReports by any front end."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator

import torch

from regtui.engine.config import RunConfig
from regtui.engine.early_stopping import EarlyStopping
from regtui.engine.reports import EpochReport, RunInfo, RunResult
from regtui.engine.tasks import task_of
from regtui.models.norms import frobenius_norms, layer_infos
from regtui.system.devices import resolve_device


def _clone_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A detached copy of the weights, kept on the training device (no host sync)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


class Trainer:
    """Build data and model for `cfg` on its device, then iterate to train, one report per epoch.

    The trainer knows nothing of who listens: the headless printer and the Textual worker both
    just iterate. `request_stop()` (safe from any thread) ends the run after the current epoch;
    `finish()` returns the RunResult with everything done so far, whenever it is called.
    """

    def __init__(self, cfg: RunConfig) -> None:
        self.cfg = cfg
        self.device = resolve_device(cfg.device)
        self.kind = task_of(cfg)
        self.task = self.kind.start(cfg, self.device)  # the task's data, model and one-epoch step
        self.model = self.task.model
        self.info = self._describe()
        self.history: list[EpochReport] = []
        self.curves: list[tuple[int, tuple[float, ...]]] = []
        self.stopper = EarlyStopping(cfg.patience, cfg.min_delta)
        self.best_state: dict[str, torch.Tensor] | None = None
        self.stop_reason: str | None = None
        self._stop = threading.Event()
        self._stop_reason = "stopped"
        self._t0: float | None = None
        self._result: RunResult | None = None

    def _describe(self) -> RunInfo:
        total, per_layer = frobenius_norms(self.model)
        return self.kind.run_info(self.task, config=self.cfg, device=str(self.device),
                                  layers=tuple(layer_infos(self.model)),
                                  initial_norms=tuple(per_layer), initial_total=total)

    def request_stop(self, reason: str = "stopped") -> None:
        """Ask the run to end after the epoch in progress, as `reason` (thread-safe)."""
        self._stop_reason = reason
        self._stop.set()

    def __iter__(self) -> Iterator[EpochReport]:
        cfg = self.cfg
        if self._t0 is None:  # a stacked run starts its members' clocks together, before epoch 1
            self._t0 = time.perf_counter()
        for epoch in range(1, cfg.epochs + 1):
            m = self.task.step(epoch)
            best_epoch = best_val = None
            if m.val_acc is not None:
                if self.stopper.update(epoch, m.val_acc):
                    self.best_state = _clone_state(self.model)
                best_epoch, best_val = self.stopper.best_epoch, self.stopper.best
            if m.curve is not None:
                self.curves.append((epoch, m.curve))
            report = EpochReport(
                run=cfg.name, epoch=epoch, epochs=cfg.epochs,
                train_loss=m.train_loss, val_loss=m.val_loss,
                layer_norms=tuple(math.sqrt(s) for s in m.squared_norms),
                total_norm=math.sqrt(sum(m.squared_norms)),
                elapsed=time.perf_counter() - self._t0,
                train_acc=m.train_acc, val_acc=m.val_acc,
                best_epoch=best_epoch, best_val_acc=best_val, curve=m.curve,
                noisy=m.noisy)
            self.history.append(report)
            yield report
            self.stop_reason = self.own_stop(report) or (self._stop_reason if self._stop.is_set()
                                                         else None)
            if self.stop_reason:
                return
        self.stop_reason = "finished"

    def own_stop(self, report: EpochReport) -> str | None:
        """Why the run ends after `report`'s epoch by its own rules (a non-finite loss, patience),
        or None; known as soon as the epoch is reported (the stacked executor asks before training on)."""
        if not math.isfinite(report.train_loss):
            return "non-finite"
        if self.cfg.early_stopping and self.stopper.exhausted:
            return "patience"
        return None

    def run(self) -> RunResult:
        """Train to the end with no listener and return the result."""
        for _ in self:
            pass
        return self.finish()

    def finish(self, reason: str | None = None) -> RunResult:
        """Close the run (with `reason` if it did not end by itself) and return its result.

        With early stopping and restore_best, the model ends with the best epoch's weights;
        the weights it had when it stopped are kept as `final_state` either way.
        """
        if self._result is not None:
            return self._result
        self.stop_reason = self.stop_reason or reason or "stopped"
        final_state = _clone_state(self.model)
        restored = False
        if self.cfg.early_stopping and self.cfg.restore_best and self.best_state is not None:
            self.model.load_state_dict(self.best_state)
            restored = True
        wall = time.perf_counter() - self._t0 if self._t0 is not None else 0.0
        self._result = RunResult(info=self.info, history=list(self.history),
                                 stop_reason=self.stop_reason, wall_time=wall,
                                 final_state=final_state, best_state=self.best_state,
                                 restored_best=restored, curves=list(self.curves))
        return self._result
