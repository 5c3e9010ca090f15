"""Turn a RunConfig into train/val tensors on the device, with the chosen label variant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from regtui.data.images import ImageSet
from regtui.data.labels import changed_fraction, corrupt_labels
from regtui.seeding import generator

if TYPE_CHECKING:
    from regtui.config import RunConfig


class DataError(RuntimeError):
    """The data cannot be loaded or does not fit the requested split; the message says why."""


@dataclass(frozen=True)
class ClassificationData:
    """Train and validation tensors on the training device, plus what was done to the labels."""

    x_train: torch.Tensor  # (n_train, 3, H, W), in [-1, 1]
    y_train: torch.Tensor  # (n_train,) possibly corrupted labels, what the model is trained on
    y_train_true: torch.Tensor  # (n_train,) the labels before corruption
    x_val: torch.Tensor
    y_val: torch.Tensor  # validation labels are always the true ones
    classes: tuple[str, ...]
    source: str  # one line saying where the images came from
    label_changed: float  # share of training labels that differ from the true ones (0..1)

    @property
    def in_features(self) -> int:
        """Inputs per image for an MLP: C*H*W."""
        return int(self.x_train[0].numel())


def load_images(cfg: RunConfig) -> tuple[ImageSet, str]:
    """Load the full image set named by the config, and a one-line description of its source."""
    if cfg.dataset == "digits":
        from regtui.data.digits import load_digits3

        return load_digits3(cfg.image_size), "scikit-learn's bundled UCI digits 3/5/8"
    raise DataError(f"dataset {cfg.dataset!r} has no image loader")


def split_indices(n: int, n_train: int, n_val: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded disjoint train/val index sets, like the reference's random_split([100, 100, rest])."""
    if n_train + n_val > n:
        raise DataError(f"the data set has {n} images but n_train + n_val = {n_train + n_val}; "
                        "lower n_train or n_val")
    perm = torch.randperm(n, generator=generator(seed))
    return perm[:n_train], perm[n_train:n_train + n_val]


def load_classification_data(cfg: RunConfig, device: torch.device) -> ClassificationData:
    """Load, split and corrupt labels as the config says; move everything to `device` once."""
    images, source = load_images(cfg)
    train_idx, val_idx = split_indices(len(images), cfg.n_train, cfg.n_val, cfg.seed)
    y_true = images.y[train_idx]
    # A separate stream (seed + 1) for label noise: changing the noise never moves the split.
    y_noisy = corrupt_labels(y_true, cfg.labels, cfg.label_fraction, generator(cfg.seed + 1))
    return ClassificationData(
        x_train=images.x[train_idx].to(device),
        y_train=y_noisy.to(device),
        y_train_true=y_true.to(device),
        x_val=images.x[val_idx].to(device),
        y_val=images.y[val_idx].to(device),
        classes=images.classes,
        source=source,
        label_changed=changed_fraction(y_true, y_noisy),
    )
