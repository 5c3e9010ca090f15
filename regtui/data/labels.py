"""Label variants: true, random (every label redrawn) and partial (a fraction shuffled)."""

from __future__ import annotations

import torch

LABEL_MODES = ("true", "random", "partial")


def corrupt_labels(y: torch.Tensor, mode: str, fraction: float, generator: torch.Generator) -> torch.Tensor:
    """Return a corrupted copy of the labels `y` (N,); `y` itself is never modified.

    random: all labels are shuffled among the samples, like the reference's "random shuffling
    of all labels": class counts are kept, the pairing of image and label is destroyed.
    partial: a `fraction` of the samples is chosen and their labels are shuffled among
    themselves (the reference's 15% set). With 3 balanced classes a shuffle leaves about a
    third of the chosen labels unchanged by chance, so only ~2/3 of them actually change.
    """
    if mode == "true":
        return y.clone()
    if mode == "random":
        return y[torch.randperm(y.numel(), generator=generator)]
    if mode == "partial":
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"label fraction must be in [0, 1], got {fraction}")
        k = round(fraction * y.numel())
        chosen = torch.randperm(y.numel(), generator=generator)[:k]
        out = y.clone()
        out[chosen] = y[chosen][torch.randperm(k, generator=generator)]
        return out
    raise ValueError(f"unknown label mode {mode!r}; choose one of: {', '.join(LABEL_MODES)}")


def changed_fraction(original: torch.Tensor, corrupted: torch.Tensor) -> float:
    """Share of labels whose value actually differs after corruption (0..1)."""
    if original.numel() == 0:
        return 0.0
    return float((original != corrupted).float().mean())
