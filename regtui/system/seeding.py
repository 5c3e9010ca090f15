"""Seeding: the reference's own streams as the reference seeds them, and regtui's own streams
derived from (seed, purpose) so that no two of them share random numbers."""

from __future__ import annotations

import random

import numpy as np
import torch


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) like the tutorial's `set_seed`.

    The tutorial calls this right before building each model, so calling it in the same
    place reproduces its initial weights (e.g. AnimalNet's total norm 7.3810 for seed 2021).
    The toy data and dropout's masks come from these global generators too, as in the tutorial.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True


def generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A private generator seeded with `seed` as is (torch's own seeding of that integer)."""
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    return g


def split_generator(seed: int) -> torch.Generator:
    """The train/val split's stream: the run's seed itself, as regtui has always split (the
    tests against the tutorial's code train on this split, so it must not move)."""
    return generator(seed)


# regtui's own streams, by purpose. Each is seeded from (seed, purpose) through NumPy's
# SeedSequence, whose hashing makes streams of different seeds or purposes independent: the label
# noise of seed s is no longer the split of seed s+1, as it was with `seed + offset`.
LABEL_STREAM = 1  # label noise
SHUFFLE_STREAM = 2  # batch order with shuffle = true
INPUT_STREAM = 3  # input randomization (shuffled/random pixels, gaussian)
AUGMENT_STREAM = 4  # crops and flips of training batches
STREAMS = {"label": LABEL_STREAM, "shuffle": SHUFFLE_STREAM, "input": INPUT_STREAM,
           "augment": AUGMENT_STREAM}


def stream_seed(seed: int, purpose: int) -> int:
    """A 64-bit seed for the stream `purpose` of the run seeded `seed`.

    `SeedSequence(seed, spawn_key=(purpose,))` is NumPy's mechanism for independent child
    streams: the pair is hashed into the generator's state, so nearby seeds or purposes give
    unrelated seeds (not seed + k, which makes stream k of seed s stream k-1 of seed s+1).
    """
    state = np.random.SeedSequence(seed, spawn_key=(purpose,)).generate_state(1, dtype=np.uint64)
    return int(state[0])


def stream(seed: int, purpose: int, device: torch.device | str = "cpu") -> torch.Generator:
    """The generator of regtui's stream `purpose` for the run seeded `seed`, on `device`."""
    return generator(stream_seed(seed, purpose), device)
