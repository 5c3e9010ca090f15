"""N classification runs of one shape trained as one stacked model (weights stacked on dim 0).

Each member is built exactly as its single run builds it (its Trainer: seeded split, label
noise, initial weights); then the members' parameters are stacked with
`torch.func.stack_module_state` into leaves of shape (N, *param_shape), and the forward pass
runs member by member under `torch.vmap` over (weights, images, labels). The loss is the sum
of each member's mean NLL, so each member's slice of the gradient is exactly its own, and
SGD/Adam update every element on its own, so each member's update is its own too. Batched
matrix products round differently from single ones, so members agree with their single runs
within float noise, not bit for bit.

Each member's model keeps its own parameters as *views* into the stacked leaves: the
Trainer's best-state and final-state copies read the member's current weights with no copy.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, stack_module_state

from regtui.engine.classify import EVAL_CHUNK
from regtui.engine.optim import make_optimizer, optimizer_step
from regtui.engine.penalties import add_penalty_grads
from regtui.engine.reports import StepNumbers
from regtui.engine.trainer import Trainer


def stack_shapes_agree(trainers: list[Trainer]) -> bool:
    """Whether the members' data have the same shapes (they can then share one stacked batch)."""
    shapes = {(t.task.data.x_train.shape, t.task.data.x_val.shape, len(t.task.data.classes))
              for t in trainers}
    return len(shapes) == 1


class StackedClassify:
    """The members' weights stacked into one model; `step(epoch)` trains and measures all of them."""

    def __init__(self, trainers: list[Trainer]) -> None:
        tasks = [t.task for t in trainers]
        models = [t.model for t in trainers]
        self.cfg = trainers[0].cfg  # the settings every member shares (see runs_stacked.stack_key)
        stacked, _ = stack_module_state(models)  # the reference's MLPs have no buffers
        self.params = {k: nn.Parameter(v.detach()) for k, v in stacked.items()}  # (N, *shape) leaves
        for i, model in enumerate(models):  # each member's parameters become views of its slice
            for name, p in model.named_parameters():
                p.data = self.params[name].data[i]
        self.base = copy.deepcopy(models[0]).to("meta")  # the architecture; weights come in per call
        self.optimizer = make_optimizer(self.cfg, nn.ParameterList(self.params.values()))
        data = [t.data for t in tasks]
        self.x_train = torch.stack([d.x_train for d in data])  # (N, n_train, C, H, W)
        self.y_train = torch.stack([d.y_train for d in data])  # (N, n_train)
        self.x_val = torch.stack([d.x_val for d in data])
        self.y_val = torch.stack([d.y_val for d in data])
        self._shuffle_gens = [getattr(t, "_shuffle_gen", None) for t in tasks]
        self.numbers: list[StepNumbers] = []  # the last epoch's, one per member
        self.epoch = 0

    def _member_loss(self, params: dict[str, torch.Tensor], x: torch.Tensor,
                     y: torch.Tensor) -> torch.Tensor:
        """One member's mean NLL on its batch (called under vmap: no member dimension here)."""
        return F.nll_loss(functional_call(self.base, params, (x,)), y)

    def _batches(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch's (N, b, ...) batches: fixed slices, or each member's own shuffled order."""
        x, y, bs = self.x_train, self.y_train, self.cfg.batch_size
        n = x.shape[1]
        if not self.cfg.shuffle:  # the reference's DataLoader does not shuffle: fixed batches
            return [(x[:, s:s + bs], y[:, s:s + bs]) for s in range(0, n, bs)]
        order = torch.stack([torch.randperm(n, generator=g) for g in self._shuffle_gens]).to(x.device)
        rows = torch.arange(x.shape[0], device=x.device)[:, None]  # (N, 1): member index per row
        return [(x[rows, order[:, s:s + bs]], y[rows, order[:, s:s + bs]]) for s in range(0, n, bs)]

    def _train_one_epoch(self) -> None:
        member_losses = torch.vmap(self._member_loss)
        for xb, yb in self._batches():
            self.optimizer.zero_grad(set_to_none=True)
            member_losses(self.params, xb, yb).sum().backward()  # d(sum)/d(slice i) = d(loss i)
            # elementwise penalty gradients: each member's slice gets exactly its own
            add_penalty_grads(self.params.values(), self.cfg.l1, self.cfg.l2)
            optimizer_step(self.optimizer)

    def _evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Summed NLL and number correct per member on (x, y): two (N,) device tensors."""
        forward = torch.vmap(lambda p, xb: functional_call(self.base, p, (xb,)))
        n_members = x.shape[0]
        loss_sum = torch.zeros(n_members, device=x.device)
        correct = torch.zeros(n_members, device=x.device)
        for s in range(0, x.shape[1], EVAL_CHUNK):
            out = forward(self.params, x[:, s:s + EVAL_CHUNK])  # (N, b, classes) log-probabilities
            yb = y[:, s:s + EVAL_CHUNK]
            loss_sum += F.nll_loss(out.flatten(0, 1), yb.flatten(), reduction="none").view_as(yb).sum(1)
            correct += (out.argmax(dim=2) == yb).sum(1)
        return loss_sum, correct

    def _squared_norms(self) -> torch.Tensor:
        """Sum of squares of every parameter tensor per member: (N, tensors), as norms.squared_norms."""
        return torch.stack([p.detach().float().pow(2).flatten(1).sum(1) for p in self.params.values()],
                           dim=1)

    def step(self, epoch: int) -> list[StepNumbers]:
        """Train every member one epoch, then measure all of them in one host transfer."""
        self._train_one_epoch()
        with torch.no_grad():
            tl, tc = self._evaluate(self.x_train, self.y_train)
            vl, vc = self._evaluate(self.x_val, self.y_val)
            n_t, n_v = self.y_train.shape[1], self.y_val.shape[1]
            head = torch.stack([tl / n_t, vl / n_v, 100.0 * tc / n_t, 100.0 * vc / n_v], dim=1)
            rows = torch.cat([head, self._squared_norms()], dim=1).tolist()  # one transfer: (N, 4+L)
        self.numbers = [StepNumbers(r[0], r[1], r[4:], r[2], r[3]) for r in rows]
        self.epoch = epoch
        return self.numbers


class MemberSlot:
    """Stands in for a member Trainer's task: its data and model, and the stack's numbers for it."""

    def __init__(self, stack: StackedClassify, index: int, trainer: Trainer) -> None:
        self.stack, self.index = stack, index
        self.data, self.model = trainer.task.data, trainer.model

    def step(self, epoch: int) -> StepNumbers:
        """This member's numbers of `epoch`, which the stack has already trained and measured."""
        if self.stack.epoch != epoch:
            raise RuntimeError(f"stacked member asked for epoch {epoch}, the stack is at "
                               f"{self.stack.epoch}")
        return self.stack.numbers[self.index]
