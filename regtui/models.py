"""The reference tutorial's three networks, built by name from a registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


class AnimalNet(nn.Module):
    """The reference's AnimalNet: flatten, 3072-128-32-n_classes with ReLU, log-softmax out."""

    def __init__(self, in_features: int = 3 * 32 * 32, n_classes: int = 3) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, 128)
        self.fc2 = nn.Linear(128, 32)
        self.fc3 = nn.Linear(32, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.view(x.shape[0], -1)  # (B, C, H, W) -> (B, C*H*W)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return F.log_softmax(self.fc3(x), dim=1)


class BigAnimalNet(nn.Module):
    """The reference's BigAnimalNet: 3072-124-64-n_classes with leaky ReLU, log-softmax out."""

    def __init__(self, in_features: int = 3 * 32 * 32, n_classes: int = 3) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, 124)
        self.fc2 = nn.Linear(124, 64)
        self.fc3 = nn.Linear(64, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.view(x.shape[0], -1)
        x = F.leaky_relu(self.fc1(x))
        x = F.leaky_relu(self.fc2(x))
        return F.log_softmax(self.fc3(x), dim=1)


class Net(nn.Module):
    """The reference's over-parameterized regression net: 1-300-500-1 with leaky ReLU."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(1, 300)
        self.fc2 = nn.Linear(300, 500)
        self.fc3 = nn.Linear(500, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.leaky_relu(self.fc1(x))
        x = F.leaky_relu(self.fc2(x))
        return self.fc3(x)


@dataclass(frozen=True)
class ModelSpec:
    """A registry entry: how to build a model and what task it serves."""

    name: str
    title: str
    task: str  # a key of regtui.engine.tasks.TASKS: "classify" (images) or "regress" (x -> y)
    build: Callable[..., nn.Module]
    description: str


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("animal_net", "AnimalNet", "classify", AnimalNet,
                  "3072-128-32-3 MLP with ReLU (the reference's early-stopping model)"),
        ModelSpec("big_animal_net", "BigAnimalNet", "classify", BigAnimalNet,
                  "3072-124-64-3 MLP with leaky ReLU (the reference's memorization model)"),
        ModelSpec("net", "Net", "regress", lambda **_: Net(),
                  "1-300-500-1 MLP with leaky ReLU (the reference's overfitting model)"),
    )
}


def build_model(name: str, in_features: int = 3 * 32 * 32, n_classes: int = 3) -> nn.Module:
    """Build a registered model; image models get the dataset's input size and class count."""
    try:
        spec = MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None
    return spec.build(in_features=in_features, n_classes=n_classes)
