"""One epoch of image classification with the reference's semantics (NLL on log-softmax)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from regtui.config import RunConfig
from regtui.data.classification import load_classification_data
from regtui.engine.optim import make_optimizer
from regtui.engine.reports import StepNumbers
from regtui.models import build_model
from regtui.norms import squared_norms
from regtui.seeding import generator, set_seed

EVAL_CHUNK = 4096  # images per forward pass when evaluating; bounds memory on large val sets


class ClassifyTask:
    """Data on the device, the model and its optimizer; `step()` trains one epoch and measures it."""

    def __init__(self, cfg: RunConfig, device: torch.device) -> None:
        self.cfg = cfg
        self.data = load_classification_data(cfg, device)
        set_seed(cfg.seed)  # right before building the model, as the reference does
        self.model = build_model(cfg.model, self.data.in_features, len(self.data.classes)).to(device)
        self.optimizer = make_optimizer(cfg, self.model)
        self._shuffle_gen = generator(cfg.seed + 2) if cfg.shuffle else None

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
            self.optimizer.zero_grad(set_to_none=True)
            loss = F.nll_loss(self.model(xb), yb)
            loss.backward()
            self.optimizer.step()

    def _evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Summed NLL and number correct on (x, y), as device scalars (no host sync)."""
        loss_sum = torch.zeros((), device=x.device)
        correct = torch.zeros((), device=x.device)
        for start in range(0, x.shape[0], EVAL_CHUNK):
            out = self.model(x[start:start + EVAL_CHUNK])
            yb = y[start:start + EVAL_CHUNK]
            loss_sum += F.nll_loss(out, yb, reduction="sum")
            correct += (out.argmax(dim=1) == yb).sum()
        return loss_sum, correct

    def step(self, epoch: int) -> StepNumbers:
        """Train one epoch, then measure losses, accuracies (%) and squared norms in one transfer."""
        self._train_one_epoch()
        self.model.eval()
        d = self.data
        with torch.no_grad():
            tl, tc = self._evaluate(d.x_train, d.y_train)  # accuracy on the labels it was trained on
            vl, vc = self._evaluate(d.x_val, d.y_val)
            n_t, n_v = d.y_train.numel(), d.y_val.numel()
            head = torch.stack([tl / n_t, vl / n_v, 100.0 * tc / n_t, 100.0 * vc / n_v])
            numbers = torch.cat([head, squared_norms(self.model)]).tolist()  # one transfer per epoch
        return StepNumbers(numbers[0], numbers[1], numbers[4:], numbers[2], numbers[3])
