"""regtui's own random streams are independent: no two (seed, purpose) pairs share random numbers,
while the reference's streams (the split, the initial weights) stay exactly the reference's."""

from __future__ import annotations

import itertools

import pytest
import torch

from regtui.data.classification import split_indices
from regtui.engine.classify import ClassifyTask
from regtui.engine.config import from_mapping
from regtui.system.seeding import STREAMS, split_generator, stream, stream_seed

DRAWS = 256  # 63-bit draws per stream: two independent streams share one with chance ~1e-14


def _draws(g: torch.Generator) -> set[int]:
    return set(torch.randint(0, 2**63 - 1, (DRAWS,), generator=g).tolist())


@pytest.mark.parametrize("seed", [0, 1, 2021, 2**32 - 2])
def test_streams_of_seeds_s_and_s_plus_1_share_no_draws(seed):
    """Every stream of seed s and of seed s+1 (the split and each of regtui's purposes): no value
    drawn by one is drawn by another. With `seed + offset` seeding, the label stream of s was
    the split stream of s+1, draw for draw."""
    streams = {}
    for s in (seed, seed + 1):
        streams[(s, "split")] = _draws(split_generator(s))
        for name, purpose in STREAMS.items():
            streams[(s, name)] = _draws(stream(s, purpose))
    assert len(streams) == 2 * (1 + len(STREAMS))
    for (a, da), (b, db) in itertools.combinations(streams.items(), 2):
        assert not da & db, f"{a} and {b} share draws"


def test_stream_seeds_are_distinct_for_many_seeds_and_purposes():
    seeds = {(s, p): stream_seed(s, p) for s in range(200) for p in STREAMS.values()}
    assert len(set(seeds.values())) == len(seeds)
    assert all(v not in range(300) for v in seeds.values())  # not seed + small offset


def test_a_members_label_noise_is_not_the_next_members_split():
    """Member 2021's label noise and member 2022's split come from different streams (they used to
    be the same permutation); the split itself is still randperm of the seed, as the tests against
    the tutorial's code train on it."""
    cfg = from_mapping({"labels": "random", "epochs": 1, "device": "cpu", "seed": 2021}, "t")
    noisy = ClassifyTask(cfg, torch.device("cpu")).data
    train, val = split_indices(539, 100, 100, 2021)
    perm = torch.randperm(539, generator=torch.Generator().manual_seed(2021))
    assert torch.equal(train, perm[:100]) and torch.equal(val, perm[100:200])
    label_perm = torch.randperm(100, generator=stream(2021, STREAMS["label"]))
    assert torch.equal(noisy.y_train, noisy.y_train_true[label_perm])  # random labels: one shuffle
    old_label_perm = torch.randperm(100, generator=torch.Generator().manual_seed(2022))
    assert not torch.equal(label_perm, old_label_perm)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_augmentation_stream_lives_on_the_cuda_device_and_matches_itself():
    g1, g2 = stream(2021, STREAMS["augment"], "cuda"), stream(2021, STREAMS["augment"], "cuda")
    assert g1.device.type == "cuda"
    assert torch.equal(torch.rand(8, generator=g1, device="cuda"), torch.rand(8, generator=g2, device="cuda"))
    cfg = from_mapping({"augment": "flips", "epochs": 2, "device": "cuda"}, "t")
    task = ClassifyTask(cfg, torch.device("cuda"))
    assert task.step(1).train_acc is not None
