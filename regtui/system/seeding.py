"""Seeding with the reference's semantics, so seeded models start from the reference's weights."""

from __future__ import annotations

import random

import numpy as np
import torch


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) like the tutorial's `set_seed`.

    The tutorial calls this right before building each model, so calling it in the same
    place reproduces its initial weights (e.g. AnimalNet's total norm 7.3810 for seed 2021).
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True


# Offsets of the private random streams derived from a run's seed, in one place so no two
# features share a stream (sharing would correlate, e.g., input shuffling with augmentation).
SPLIT_STREAM = 0  # train/val split
LABEL_STREAM = 1  # label noise
SHUFFLE_STREAM = 2  # batch order with shuffle = true
INPUT_STREAM = 3  # input randomization (shuffled/random pixels, gaussian)
AUGMENT_STREAM = 4  # crops and flips of training batches


def generator(seed: int) -> torch.Generator:
    """A private CPU generator, so data splits and label noise never disturb model init."""
    g = torch.Generator()
    g.manual_seed(seed)
    return g
