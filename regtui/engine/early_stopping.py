"""Early stopping on validation accuracy: the reference's patience rule plus Keras' min_delta."""

from __future__ import annotations

import math


class EarlyStopping:
    """Track the best validation accuracy and count epochs without improvement.

    Like the reference: an epoch improves when val_acc > best + min_delta; otherwise `wait`
    grows, and training stops once wait > patience (so patience=20 allows 20 bad epochs and
    stops on the 21st). The best epoch is tracked even when stopping is disabled.
    """

    def __init__(self, patience: int, min_delta: float = 0.0) -> None:
        self.patience = patience
        self.min_delta = min_delta
        self.best = -math.inf
        self.best_epoch: int | None = None
        self.wait = 0

    def update(self, epoch: int, value: float) -> bool:
        """Record one epoch's validation accuracy; return True when it is a new best."""
        if value > self.best + self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            return True
        self.wait += 1
        return False

    @property
    def exhausted(self) -> bool:
        """True once more than `patience` epochs in a row failed to improve."""
        return self.wait > self.patience
