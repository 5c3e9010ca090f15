"""The reference tutorial's three networks and a small CNN, built by name from a registry."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from regtui.models.catalog import MODEL_CATALOG

CNN_CHANNELS = (16, 32)  # output channels of SmallCNN's two conv layers


def _dropout(p: float) -> nn.Dropout | None:
    """nn.Dropout(p) for p > 0; None at p = 0, so the reference's models stay exactly as they are
    (same modules, no extra call, same random numbers)."""
    return nn.Dropout(p) if p > 0 else None


def _drop(layer: nn.Dropout | None, x: torch.Tensor) -> torch.Tensor:
    """Apply dropout when the model has it (it is a no-op in eval mode)."""
    return x if layer is None else layer(x)


class AnimalNet(nn.Module):
    """The reference's AnimalNet: flatten, 3072-128-32-n_classes with ReLU, log-softmax out."""

    def __init__(self, in_features: int = 3 * 32 * 32, n_classes: int = 3, dropout: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, 128)
        self.fc2 = nn.Linear(128, 32)
        self.fc3 = nn.Linear(32, n_classes)
        self.drop = _dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.view(x.shape[0], -1)  # (B, C, H, W) -> (B, C*H*W)
        x = _drop(self.drop, F.relu(self.fc1(x)))
        x = _drop(self.drop, F.relu(self.fc2(x)))
        return F.log_softmax(self.fc3(x), dim=1)


class BigAnimalNet(nn.Module):
    """The reference's BigAnimalNet: 3072-124-64-n_classes with leaky ReLU, log-softmax out."""

    def __init__(self, in_features: int = 3 * 32 * 32, n_classes: int = 3, dropout: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, 124)
        self.fc2 = nn.Linear(124, 64)
        self.fc3 = nn.Linear(64, n_classes)
        self.drop = _dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.view(x.shape[0], -1)
        x = _drop(self.drop, F.leaky_relu(self.fc1(x)))
        x = _drop(self.drop, F.leaky_relu(self.fc2(x)))
        return F.log_softmax(self.fc3(x), dim=1)


class SmallCNN(nn.Module):
    """A small CNN (not in the reference): two 3x3 conv layers with ReLU and 2x2 max pooling,
    then one linear layer; log-softmax out.

    For Zhang et al.'s input randomizations: a fixed pixel permutation is an equivalent problem
    for an MLP, but not for a network whose weights are shared across neighbouring pixels.
    Images are square with 3 channels, so the side is sqrt(in_features / 3).
    """

    def __init__(self, in_features: int = 3 * 32 * 32, n_classes: int = 3, dropout: float = 0.0) -> None:
        super().__init__()
        side = math.isqrt(in_features // 3)
        self.conv1 = nn.Conv2d(3, CNN_CHANNELS[0], 3, padding=1)  # (B, 3, s, s) -> (B, 16, s, s)
        self.conv2 = nn.Conv2d(CNN_CHANNELS[0], CNN_CHANNELS[1], 3, padding=1)
        self.fc = nn.Linear(CNN_CHANNELS[1] * (side // 2 // 2) ** 2, n_classes)  # after two poolings
        self.drop = _dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _drop(self.drop, F.max_pool2d(F.relu(self.conv1(x)), 2))  # (B, 16, s/2, s/2)
        x = _drop(self.drop, F.max_pool2d(F.relu(self.conv2(x)), 2))  # (B, 32, s/4, s/4)
        return F.log_softmax(self.fc(x.flatten(1)), dim=1)


class Net(nn.Module):
    """The reference's over-parameterized regression net: 1-300-500-1 with leaky ReLU."""

    def __init__(self, dropout: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(1, 300)
        self.fc2 = nn.Linear(300, 500)
        self.fc3 = nn.Linear(500, 1)
        self.drop = _dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _drop(self.drop, F.leaky_relu(self.fc1(x)))
        x = _drop(self.drop, F.leaky_relu(self.fc2(x)))
        return self.fc3(x)


@dataclass(frozen=True)
class ModelSpec:
    """A registry entry: how to build a model and what task it serves."""

    name: str
    title: str
    task: str  # a key of regtui.engine.tasks.TASKS: "classify" (images) or "regress" (x -> y)
    build: Callable[..., nn.Module]
    description: str


_BUILDERS: dict[str, Callable[..., nn.Module]] = {
    "animal_net": AnimalNet,
    "big_animal_net": BigAnimalNet,
    "cnn": SmallCNN,
    "net": lambda dropout=0.0, **_: Net(dropout),
}

MODELS: dict[str, ModelSpec] = {  # names, titles and tasks come from the torch-free catalog
    name: ModelSpec(name, entry.title, entry.task, _BUILDERS[name], entry.description)
    for name, entry in MODEL_CATALOG.items()
}


def build_model(name: str, in_features: int = 3 * 32 * 32, n_classes: int = 3,
                dropout: float = 0.0) -> nn.Module:
    """Build a registered model; image models get the dataset's input size and class count,
    and every model takes `dropout` after each hidden layer (0 = none)."""
    try:
        spec = MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None
    return spec.build(in_features=in_features, n_classes=n_classes, dropout=dropout)
