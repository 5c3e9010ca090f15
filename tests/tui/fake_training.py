"""A fixed stream of training messages in place of real training, for tests and snapshots.

Snapshots must not depend on the CPU's float results or speed: this worker body posts the
same invented numbers every time, through the app's real worker and message handlers.
"""

import threading
import time

from regtui.engine import EpochReport, RunInfo, RunResult
from regtui.models.layers import LayerInfo
from regtui.tui.messages import EpochsDone, RunEnded, RunStarted, TrainingDone

LAYERS = (LayerInfo("fc1.weight", (50, 3072), 153600), LayerInfo("fc1.bias", (50,), 50),
          LayerInfo("fc2.weight", (3, 50), 150), LayerInfo("fc2.bias", (3,), 3))
START = (8.0, 0.5, 1.0, 0.1)


def report(name: str, epoch: int, epochs: int, k: int) -> EpochReport:
    """Epoch `epoch` of the k-th run: accuracies rise to 100% (train) and 40+5k% (val)."""
    f = epoch / epochs
    norms = tuple(round(n * (1 + 0.5 * f), 4) for n in START)
    return EpochReport(run=name, epoch=epoch, epochs=epochs, train_loss=round(1 - 0.9 * f, 4),
                       val_loss=round(1 + 0.2 * f, 4), layer_norms=norms,
                       total_norm=round(sum(n * n for n in norms) ** 0.5, 4),
                       elapsed=0.05 * epoch, train_acc=round(35 + 65 * f, 1),
                       val_acc=round(33 + (7 + 5 * k) * f, 1), best_epoch=epoch,
                       best_val_acc=round(33 + (7 + 5 * k) * f, 1))


class FakeTraining:
    """Stands in for `train_runs`; with `hold`, it stops after `hold` epochs of the first run
    and waits there, as a slow run would, until the app cancels it."""

    def __init__(self, hold: int | None = None) -> None:
        self.hold = hold

    def __call__(self, configs, post, cancelled, finished: threading.Event | None = None,
                 executor=None) -> None:
        stopped = False
        try:
            for k, cfg in enumerate(configs):
                info = RunInfo(config=cfg, device="cpu", layers=LAYERS, initial_norms=START,
                               initial_total=round(sum(n * n for n in START) ** 0.5, 4),
                               data_source="fixed test stream")
                post(RunStarted(info))
                last = cfg.epochs if self.hold is None else min(self.hold, cfg.epochs)
                history = [report(cfg.name, e, cfg.epochs, k) for e in range(1, last + 1)]
                post(EpochsDone(tuple(history)))
                while self.hold is not None and not cancelled():
                    time.sleep(0.01)
                reason = "stopped" if cancelled() else "finished"
                post(RunEnded(RunResult(info, history, reason, history[-1].elapsed, {})))
                if cancelled():
                    stopped = True
                    break
        finally:
            post(TrainingDone(stopped))
            if finished is not None:
                finished.set()
