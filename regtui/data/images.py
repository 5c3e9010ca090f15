"""A labelled stack of images in memory, and the reference's pixel normalization."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class ImageSet:
    """Images (N, 3, H, W) scaled to [-1, 1] with integer labels (N,) and class names."""

    x: torch.Tensor
    y: torch.Tensor
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.y.shape[0])


def normalize(x01: torch.Tensor) -> torch.Tensor:
    """Map pixels in [0, 1] to [-1, 1], as the reference's Normalize((0.5,)*3, (0.5,)*3) does."""
    return (x01 - 0.5) / 0.5


def from_uint8(x: torch.Tensor, y: torch.Tensor, classes: tuple[str, ...] | list[str]) -> ImageSet:
    """An ImageSet from 0..255 pixels (N, 3, H, W), as ToTensor + Normalize would give them."""
    return ImageSet(normalize(x.float() / 255.0), y, tuple(classes))
