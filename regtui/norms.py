"""Frobenius norms of a network's parameters: per tensor (the reference's rows) and total."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class LayerInfo:
    """One parameter tensor of a model: its name, shape and number of elements."""

    name: str
    shape: tuple[int, ...]
    numel: int


def layer_infos(model: nn.Module) -> list[LayerInfo]:
    """Describe every named parameter in `model`, in `named_parameters()` order."""
    return [LayerInfo(n, tuple(p.shape), p.numel()) for n, p in model.named_parameters()]


def squared_norms(model: nn.Module) -> torch.Tensor:
    """Sum of squares of every parameter tensor, as one device tensor (no host sync)."""
    with torch.no_grad():
        return torch.stack([p.detach().float().pow(2).sum() for p in model.parameters()])


def frobenius_norms(model: nn.Module) -> tuple[float, list[float]]:
    """Return (total norm, per-tensor norms) exactly as the reference computes them.

    The total is sqrt(sum of squares over all tensors), not the sum of per-layer norms.
    """
    sq = squared_norms(model).cpu()
    return float(sq.sum().sqrt()), sq.sqrt().tolist()


def total_from_layers(layer_norms: list[float] | tuple[float, ...]) -> float:
    """Combine per-tensor norms into the model's total Frobenius norm."""
    return sum(n * n for n in layer_norms) ** 0.5


def seeded_norms(model: str, seed: int, in_features: int = 3 * 32 * 32,
                 n_classes: int = 3) -> tuple[list[LayerInfo], list[float], float]:
    """Layers and Frobenius norms of a registered model freshly built after set_seed(seed),
    as the reference seeds it: (layers, per-tensor norms, total)."""
    from regtui.models import build_model
    from regtui.seeding import set_seed

    set_seed(seed)
    net = build_model(model, in_features, n_classes)
    total, per_layer = frobenius_norms(net)
    return layer_infos(net), per_layer, total


def _count(n: int, short: bool) -> str:
    if not short or n < 10_000:
        return f"{n:,}"
    return f"{n / 1000:.0f}k" if n < 1_000_000 else f"{n / 1e6:.1f}M"


def layer_rows(layers: tuple[LayerInfo, ...] | list[LayerInfo], before: tuple[float, ...] | list[float],
               after: tuple[float, ...] | list[float] | None = None,
               short: bool = False) -> list[list[str]]:
    """Cells of the per-layer norm table, one row per tensor and a final total row.

    Columns: layer, shape, params, norm before; with `after`, also after and change.
    `short` (narrow screens) drops the shape and abbreviates large parameter counts.
    """
    ends = list(after) if after is not None else [None] * len(layers)

    def row(name: str, shape: str, n: int, b: float, a: float | None) -> list[str]:
        cells = [name] + ([] if short else [shape]) + [_count(n, short), f"{b:.4f}"]
        # round first: a change of -0.00001 would print as "-0.0000"; `or 0.0` drops the sign of -0.0
        return cells + ([] if a is None else [f"{a:.4f}", f"{round(a - b, 4) or 0.0:+.4f}"])

    rows = [row(li.name, "x".join(map(str, li.shape)), li.numel, b, a)
            for li, b, a in zip(layers, before, ends, strict=True)]
    total_after = None if after is None else total_from_layers(after)
    rows.append(row("total", "", sum(li.numel for li in layers), total_from_layers(before), total_after))
    return rows
