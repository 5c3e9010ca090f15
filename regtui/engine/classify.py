"""One epoch of image classification with the reference's semantics (NLL on log-softmax)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from regtui.data.augment import Augmenter
from regtui.data.classification import load_classification_data
from regtui.engine.config import RunConfig
from regtui.engine.optim import make_optimizer, optimizer_step
from regtui.engine.penalties import add_penalty_grads
from regtui.engine.reports import NoisyLabelAcc, StepNumbers
from regtui.models.nets import build_model
from regtui.models.norms import squared_norms
from regtui.system.seeding import AUGMENT_STREAM, SHUFFLE_STREAM, set_seed, stream

EVAL_CHUNK = 4096  # images per forward pass when evaluating; bounds memory on large val sets


class ClassifyTask:
    """Data on the device, the model and its optimizer; `step()` trains one epoch and measures it."""

    def __init__(self, cfg: RunConfig, device: torch.device) -> None:
        self.cfg = cfg
        self.data = load_classification_data(cfg, device)
        set_seed(cfg.seed)  # right before building the model, as the reference does
        self.model = build_model(cfg.model, self.data.in_features, len(self.data.classes),
                                 dropout=cfg.dropout).to(device)
        self.optimizer = make_optimizer(cfg, self.model)
        self._shuffle_gen = stream(cfg.seed, SHUFFLE_STREAM) if cfg.shuffle else None
        # its own stream on the device: augmenting never moves init, split or noise
        self._augment = (Augmenter(stream(cfg.seed, AUGMENT_STREAM, device), cfg.augment)
                         if cfg.augment else None)
        # (n_train,) bool: which training labels the label variant changed; None for true labels
        self._changed: torch.Tensor | None = None
        self._n_changed = 0
        if cfg.labels != "true":
            self._changed = self.data.y_train != self.data.y_train_true
            self._n_changed = int(self._changed.sum())  # once, at start: no per-epoch sync

    def _train_one_epoch(self) -> None:
        x, y, bs = self.data.x_train, self.data.y_train, self.cfg.batch_size
        n = x.shape[0]
        order = None
        if self._shuffle_gen is not None:
            order = torch.randperm(n, generator=self._shuffle_gen).to(x.device)
        self.model.train()
        for start in range(0, n, bs):
            if order is None:  # the reference's DataLoader does not shuffle: fixed batches
                xb, yb = x[start:start + bs], y[start:start + bs]
            else:
                idx = order[start:start + bs]
                xb, yb = x[idx], y[idx]
            if self._augment is not None:  # training batches only; a new tensor, x is untouched
                xb = self._augment(xb)
            self.optimizer.zero_grad(set_to_none=True)
            F.nll_loss(self.model(xb), yb).backward()
            add_penalty_grads(self.model.parameters(), self.cfg.l1, self.cfg.l2)
            optimizer_step(self.optimizer)

    def _evaluate(self, x: torch.Tensor, y: torch.Tensor, y_true: torch.Tensor | None = None,
                  changed: torch.Tensor | None = None) -> torch.Tensor:
        """Summed NLL and number correct on (x, y), as one device tensor (no host sync).

        With `changed` (a bool mask of the images whose label y differs from `y_true`) also:
        the number of changed images predicted as y (memorized) and as y_true, from the same
        forward pass. Returns (2,) or (4,).
        """
        sums = torch.zeros(2 if changed is None else 4, device=x.device)
        for start in range(0, x.shape[0], EVAL_CHUNK):
            chunk = slice(start, start + EVAL_CHUNK)
            out = self.model(x[chunk])
            pred, yb = out.argmax(dim=1), y[chunk]
            hit = pred == yb
            parts = [F.nll_loss(out, yb, reduction="sum"), hit.sum()]
            if changed is not None:
                ch = changed[chunk]
                parts += [(hit & ch).sum(), ((pred == y_true[chunk]) & ch).sum()]
            sums += torch.stack(parts).to(sums.dtype)
        return sums

    def _noisy(self, train: torch.Tensor, n: int) -> tuple[list[torch.Tensor], int]:
        """The noisy-label accuracies (%) as device scalars, from the train pass's sums."""
        n_ch, n_clean = self._n_changed, n - self._n_changed
        # max(..., 1): an empty subset gives 0 here and None in the report (see step)
        return [100.0 * (train[1] - train[2]) / max(n_clean, 1),
                100.0 * train[2] / max(n_ch, 1), 100.0 * train[3] / max(n_ch, 1)], n_clean

    def step(self, epoch: int) -> StepNumbers:
        """Train one epoch, then measure losses, accuracies (%) and squared norms in one transfer."""
        self._train_one_epoch()
        self.model.eval()
        d = self.data
        with torch.no_grad():
            # accuracy on the labels it was trained on (and, for noisy labels, split by subset)
            train = self._evaluate(d.x_train, d.y_train, d.y_train_true, self._changed)
            val = self._evaluate(d.x_val, d.y_val)
            n_t, n_v = d.y_train.numel(), d.y_val.numel()
            head = [train[0] / n_t, val[0] / n_v, 100.0 * train[1] / n_t, 100.0 * val[1] / n_v]
            noisy, n_clean = self._noisy(train, n_t) if self._changed is not None else ([], 0)
            numbers = torch.cat([torch.stack(head + noisy), squared_norms(self.model)]).tolist()
        k = 4 + len(noisy)  # one transfer per epoch: head, noisy-label accuracies, then norms
        split = None
        if noisy:
            clean, memorized, true = numbers[4:7]
            has_changed = self._n_changed > 0
            split = NoisyLabelAcc(clean if n_clean else None, memorized if has_changed else None,
                                  true if has_changed else None)
        return StepNumbers(numbers[0], numbers[1], numbers[k:], numbers[2], numbers[3], noisy=split)
