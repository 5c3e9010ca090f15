"""One step of the toy regression, as in the reference: Adam on MSE, test loss against y = 2x."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from regtui.data.toy import make_toy_data
from regtui.engine.config import RunConfig
from regtui.engine.optim import make_optimizer, optimizer_step
from regtui.engine.penalties import add_penalty_grads
from regtui.engine.reports import StepNumbers
from regtui.models.nets import build_model
from regtui.models.norms import squared_norms
from regtui.system.seeding import set_seed


class RegressTask:
    """The 10 noisy points, the 1-300-500-1 Net and its optimizer; one `step()` is one epoch."""

    def __init__(self, cfg: RunConfig, device: torch.device) -> None:
        self.cfg = cfg
        self.data = make_toy_data(cfg.seed).to(device)
        set_seed(cfg.seed)  # the reference re-seeds before building Net()
        self.model = build_model(cfg.model, dropout=cfg.dropout).to(device)
        self.optimizer = make_optimizer(cfg, self.model)
        self.n_tensors = len(list(self.model.parameters()))

    def step(self, epoch: int) -> StepNumbers:
        """One full-batch step; losses and squared norms every step, the fitted curve on snapshots."""
        d = self.data
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(self.model(d.x), d.y)  # the train loss is measured before the step
        # the penalty shapes the gradient but is not reported: losses stay comparable across runs
        loss.backward()
        add_penalty_grads(self.model.parameters(), self.cfg.l1, self.cfg.l2)
        optimizer_step(self.optimizer)
        self.model.eval()
        with torch.no_grad():
            pred = self.model(d.x_test)  # (40, 1)
            test_loss = F.mse_loss(pred, d.y_test)
            snapshot = epoch == 1 or epoch % self.cfg.snapshot_every == 0 or epoch == self.cfg.epochs
            parts = [torch.stack([loss.detach(), test_loss]), squared_norms(self.model)]
            if snapshot:
                parts.append(pred.flatten())
            numbers = torch.cat(parts).tolist()  # one transfer per step
        n_head = 2 + self.n_tensors
        curve = tuple(numbers[n_head:]) if snapshot else None
        return StepNumbers(numbers[0], numbers[1], numbers[2:n_head], curve=curve)
