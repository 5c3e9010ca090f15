"""The small immutable records a training run emits: its start info, one report per epoch, its result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from regtui.models.layers import LayerInfo

if TYPE_CHECKING:
    import torch

    from regtui.engine.config import RunConfig

STOP_REASONS = {
    "finished": "ran all epochs",
    "patience": "early stopping: validation accuracy stopped improving",
    "non-finite": "the loss became NaN or infinite",
    "stopped": "stopped on request",
    "interrupted": "interrupted by a signal (Ctrl-C, SIGTERM or SIGHUP)",
    "failed": "an error stopped training (see the message)",
}

# How a stop reason reads before "at epoch N": "patience at epoch 92" read like a setting.
STOP_VERBS = {"patience": "stopped early", "non-finite": "stopped", "failed": "failed"}


def stop_phrase(reason: str) -> str:
    """The words for how a run ended, e.g. "stopped early" for the "patience" reason."""
    return STOP_VERBS.get(reason, reason)


class NoisyLabelAcc(NamedTuple):
    """Training accuracy split by label noise (percent; None where the subset is empty).

    Measured in the same evaluation pass as the train accuracy, on the images in eval mode:
    `clean` on images whose label was left as it was, `memorized` on the changed images against
    the (wrong) label they are trained on, `true` how often a changed image gets its TRUE label.
    Clean images are learned first and changed ones memorized late (Arpit et al. 2017).
    """

    clean: float | None
    memorized: float | None
    true: float | None

    def text(self) -> str:
        """Short words for logs and status lines, e.g. 'clean 97% memorized 10%'."""
        def pct(v: float | None) -> str:
            return "-" if v is None else f"{v:.0f}%"
        return f"clean {pct(self.clean)} memorized {pct(self.memorized)}"


class StepNumbers(NamedTuple):
    """What a task measured in one epoch, already on the host."""

    train_loss: float
    val_loss: float
    squared_norms: list[float]
    train_acc: float | None = None
    val_acc: float | None = None
    curve: tuple[float, ...] | None = None
    noisy: NoisyLabelAcc | None = None


@dataclass(frozen=True)
class RunInfo:
    """What is known before the first epoch: settings, device, layers, starting norms, data."""

    config: RunConfig
    device: str
    layers: tuple[LayerInfo, ...]
    initial_norms: tuple[float, ...]
    initial_total: float
    data_source: str
    classes: tuple[str, ...] = ()
    label_changed: float | None = None  # share of training labels changed by the label variant
    notes: tuple[str, ...] = ()  # warnings for the user, e.g. unreadable images that were skipped
    # Toy regression only: the 10 training points and the 40 test inputs, for drawing.
    points: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    x_test: tuple[float, ...] | None = None


@dataclass(frozen=True)
class EpochReport:
    """One epoch's numbers; accuracies in percent, norms per parameter tensor, times in seconds."""

    run: str
    epoch: int  # 1-based
    epochs: int  # planned maximum
    train_loss: float
    val_loss: float  # validation loss, or test loss (against 2x) for the toy regression
    layer_norms: tuple[float, ...]
    total_norm: float
    elapsed: float
    train_acc: float | None = None
    val_acc: float | None = None
    best_epoch: int | None = None
    best_val_acc: float | None = None
    curve: tuple[float, ...] | None = None  # toy regression: predictions at x_test (snapshots only)
    noisy: NoisyLabelAcc | None = None  # classification with labels partial/random only


@dataclass(frozen=True)
class PackedState:
    """A state dict as `torch.save` wrote it, in memory: how a training process sends a run's
    weights to the app, which writes them to a .pt file as they are and so never needs torch."""

    data: bytes


def pack_state(state: dict[str, torch.Tensor]) -> PackedState:
    """`state` (moved to the CPU) as torch.save's bytes; torch.load reads them back."""
    import io

    import torch

    buffer = io.BytesIO()
    torch.save({k: v.cpu() for k, v in state.items()}, buffer)
    return PackedState(buffer.getvalue())


@dataclass
class RunResult:
    """Everything a finished (or stopped, or interrupted) run leaves behind."""

    info: RunInfo
    history: list[EpochReport]
    stop_reason: str
    wall_time: float
    final_state: dict[str, torch.Tensor] | PackedState  # packed: from the app's training process
    best_state: dict[str, torch.Tensor] | PackedState | None = None
    restored_best: bool = False
    curves: list[tuple[int, tuple[float, ...]]] = field(default_factory=list)

    @classmethod
    def cut_short(cls, info: RunInfo, history: list[EpochReport], started: float) -> RunResult:
        """A run whose trainer was lost (a dead process or Ray worker): failed, with the epochs it
        streamed since `started` (time.monotonic) and no weights."""
        return cls(info=info, history=list(history), stop_reason="failed",
                   wall_time=time.monotonic() - started, final_state={})

    @property
    def last(self) -> EpochReport | None:
        """The last completed epoch, if any."""
        return self.history[-1] if self.history else None

    @property
    def end_weights(self) -> EpochReport | None:
        """The epoch whose weights the model ends with: the best one when they were restored."""
        return self.best if self.restored_best else self.last

    @property
    def best(self) -> EpochReport | None:
        """The epoch with the best validation accuracy (classification), if any."""
        last = self.last
        if last is None or last.best_epoch is None:
            return None
        return self.history[last.best_epoch - 1]
