"""Input variants (Zhang et al. 2017's randomization tests): real, shuffled or random pixels, Gaussian.

Applied to training and validation images alike, on the device tensors, seeded by their own
stream (seeding.stream(seed, INPUT_STREAM)), so choosing a variant never moves the split or the label noise.
"""

from __future__ import annotations

import torch

INPUT_MODES = ("real", "shuffled_pixels", "random_pixels", "gaussian")


def _permute_pixels(x: torch.Tensor, order: torch.Tensor) -> torch.Tensor:
    """Move pixel positions of images x (N, C, H, W) by `order` ((H*W,) shared, or (N, H*W)
    per image); all channels of a pixel move together, so colours stay whole."""
    n, c, h, w = x.shape
    flat = x.reshape(n, c, h * w)
    index = order.to(x.device).expand(n, h * w)[:, None, :].expand(n, c, h * w)
    return flat.gather(2, index).reshape(n, c, h, w)


def randomize_inputs(x_train: torch.Tensor, x_val: torch.Tensor, mode: str,
                     generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Training and validation images (N, C, H, W) under input variant `mode` (new tensors).

    shuffled_pixels: one permutation of the H*W pixel positions, the same for every image
    (train and val), so a consistent but spatially scrambled picture stays learnable.
    random_pixels: a different permutation for each image: no spatial structure is left.
    Both keep each image's own pixel values, hence its mean and variance.
    gaussian: every pixel drawn from a normal distribution with the per-channel mean and
    standard deviation of the run's training and validation images together.
    Random numbers come from the CPU `generator`, so every device gets the same images.
    """
    if mode == "real":
        return x_train, x_val
    h, w = x_train.shape[-2:]
    if mode == "shuffled_pixels":
        order = torch.randperm(h * w, generator=generator)
        return _permute_pixels(x_train, order), _permute_pixels(x_val, order)
    if mode == "random_pixels":
        return tuple(_permute_pixels(x, torch.rand(x.shape[0], h * w, generator=generator).argsort(1))
                     for x in (x_train, x_val))
    if mode == "gaussian":
        both = torch.cat([x_train, x_val])
        mean = both.mean(dim=(0, 2, 3), keepdim=True)  # (1, C, 1, 1): per channel
        std = both.std(dim=(0, 2, 3), keepdim=True)
        return tuple(mean + std * torch.randn(x.shape, generator=generator).to(x.device, x.dtype)
                     for x in (x_train, x_val))
    raise ValueError(f"unknown input mode {mode!r}; choose one of: {', '.join(INPUT_MODES)}")
