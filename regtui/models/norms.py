"""Frobenius norms of a network's parameters: per tensor (the reference's rows) and total."""

from __future__ import annotations

import torch
from torch import nn

from regtui.models.layers import LayerInfo


def layer_infos(model: nn.Module) -> list[LayerInfo]:
    """Describe every named parameter in `model`, in `named_parameters()` order."""
    return [LayerInfo(n, tuple(p.shape), p.numel()) for n, p in model.named_parameters()]


CHUNK = 16384  # elements summed by one thread in a fixed order: below torch's parallel grain (32768)


def sum_of_squares(t: torch.Tensor) -> torch.Tensor:
    """Σ t² in an order that does not depend on the number of CPU threads.

    A plain `.sum()` over a large tensor is split across threads, so fc1's norm changed in
    its 8th digit between 1 and 2 threads; regtui picks the thread count from the machine's
    load, and a seed must give the same metrics.csv on a busy machine as on a quiet one.
    Fixed-size chunks are each summed by one thread, then the chunk sums in order.
    """
    flat = t.detach().float().reshape(-1)
    whole = flat.numel() // CHUNK * CHUNK
    parts = [flat[whole:].pow(2).sum().unsqueeze(0)]
    if whole:  # one sum per chunk row: parallel over rows, each row summed by one thread
        parts.insert(0, flat[:whole].view(-1, CHUNK).pow(2).sum(dim=1))
    return torch.cat(parts).sum()


def squared_norms(model: nn.Module) -> torch.Tensor:
    """Sum of squares of every parameter tensor, as one device tensor (no host sync)."""
    with torch.no_grad():
        return torch.stack([sum_of_squares(p) for p in model.parameters()])


def frobenius_norms(model: nn.Module) -> tuple[float, list[float]]:
    """Return (total norm, per-tensor norms) exactly as the reference computes them.

    The total is sqrt(sum of squares over all tensors), not the sum of per-layer norms.
    """
    sq = squared_norms(model).cpu()
    return float(sq.sum().sqrt()), sq.sqrt().tolist()


def seeded_norms(model: str, seed: int, in_features: int = 3 * 32 * 32,
                 n_classes: int = 3) -> tuple[list[LayerInfo], list[float], float]:
    """Layers and Frobenius norms of a registered model freshly built after set_seed(seed),
    as the reference seeds it: (layers, per-tensor norms, total)."""
    from regtui.models.nets import build_model
    from regtui.system.seeding import set_seed

    set_seed(seed)
    net = build_model(model, in_features, n_classes)
    total, per_layer = frobenius_norms(net)
    return layer_infos(net), per_layer, total
