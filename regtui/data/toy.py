"""The reference's toy regression set: 10 noisy points around y = 2x, 40 clean test points."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from regtui.system.seeding import set_seed


@dataclass(frozen=True)
class ToyData:
    """Train points (10, 1), test inputs on [0, 1] (40, 1) and their noise-free targets 2x."""

    x: torch.Tensor
    y: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    def to(self, device: torch.device) -> ToyData:
        """Copy every tensor to `device` once, before training."""
        return ToyData(*(t.to(device) for t in (self.x, self.y, self.x_test, self.y_test)))


def make_toy_data(seed: int, n_train: int = 10, n_test: int = 40) -> ToyData:
    """Draw the data exactly like the reference: X = rand, Y = 2X + 2 N(0, 1), after set_seed."""
    set_seed(seed)
    x = torch.rand((n_train, 1))
    y = 2 * x + 2 * torch.empty((n_train, 1)).normal_(mean=0, std=1)
    x_test = torch.linspace(0, 1, n_test).reshape(n_test, 1)
    return ToyData(x, y, x_test, 2 * x_test)
