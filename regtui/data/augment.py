"""Data augmentation on device tensors: the course's random flips, or a random crop and flip.

Two recipes (`augment` in a run's settings):
- "flips": the course's (W2D1 Tutorial 2): RandomHorizontalFlip(p=0.1) and
  RandomVerticalFlip(p=0.1), each drawn per image; no crop.
- "crop-flip" (also `augment = true`): a random crop after PAD-pixel reflect padding and a
  50% horizontal flip, per image (the usual CIFAR recipe; regtui's augmentation before "flips").
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

PAD = 4  # pixels of padding before the crop (as in the usual CIFAR recipe)
CROP_FLIP, FLIPS = "crop-flip", "flips"
AUGMENT_MODES = (CROP_FLIP, FLIPS)
FLIP_P = 0.1  # the course's probability for each of its two flips


class Augmenter:
    """Augmented copies of training batches, drawn from a seeded generator on the training device.

    Everything stays on the device, so a seed gives the same augmented batches every run. The
    input batch is never modified; a new tensor is returned.

    Padding for the crop: the images are in [-1, 1], where black, the digits' background, is -1.
    The course's pipeline would pad before its Normalize, with black, so its border would be
    background; a zero border here would be a grey (0) frame. regtui pads by reflection, which
    continues the image: background stays background, and ink that touches the edge is mirrored
    into the border.
    """

    def __init__(self, gen: torch.Generator, mode: str | bool = CROP_FLIP) -> None:
        self.gen = gen
        self.device = gen.device
        self.mode = CROP_FLIP if mode is True else mode
        if self.mode not in AUGMENT_MODES:
            raise ValueError(f"unknown augmentation {mode!r}; choose one of: {', '.join(AUGMENT_MODES)}")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Augmented copy of the batch `x` (B, C, H, W)."""
        return self._flips(x) if self.mode == FLIPS else self._crop_flip(x)

    def _flips(self, x: torch.Tensor) -> torch.Tensor:
        """Each image flipped left-right with p = 0.1 and, independently, upside down with p = 0.1."""
        flip = torch.rand((x.shape[0], 2), generator=self.gen, device=self.device) < FLIP_P  # (B, 2)
        out = torch.where(flip[:, 0, None, None, None], x.flip(3), x)  # horizontal: columns reversed
        return torch.where(flip[:, 1, None, None, None], out.flip(2), out)  # vertical: rows reversed

    def _crop_flip(self, x: torch.Tensor) -> torch.Tensor:
        """A random crop after reflect padding, and a 50% horizontal flip, per image."""
        b, c, h, w = x.shape
        pad = min(PAD, h - 1, w - 1)  # reflect padding must be smaller than the image
        padded = F.pad(x, (pad, pad, pad, pad), mode="reflect")  # (B, C, H+2p, W+2p)
        dy = torch.randint(0, 2 * pad + 1, (b, 1), generator=self.gen, device=self.device)
        dx = torch.randint(0, 2 * pad + 1, (b, 1), generator=self.gen, device=self.device)
        flip = torch.rand((b, 1), generator=self.gen, device=self.device) < 0.5
        rows = dy + torch.arange(h, device=self.device)  # (B, H): source row of each output row
        cols = dx + torch.arange(w, device=self.device)  # (B, W)
        cols = torch.where(flip, cols.flip(1), cols)  # a flip reads the columns right to left
        # two gathers, rows then columns: out[i, :, r, s] = padded[i, :, rows[i, r], cols[i, s]]
        # (the same numbers as one 4-index lookup, in half the time on CPU)
        picked = padded.gather(2, rows[:, None, :, None].expand(b, c, h, padded.shape[3]))
        return picked.gather(3, cols[:, None, None, :].expand(b, c, h, w))
