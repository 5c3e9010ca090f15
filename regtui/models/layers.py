"""Per-layer norm bookkeeping without torch: layer descriptions, totals and table rows.

Split from regtui.models.norms so that front ends can describe and tabulate layers before torch has
loaded (the app paints its first screen without it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayerInfo:
    """One parameter tensor of a model: its name, shape and number of elements."""

    name: str
    shape: tuple[int, ...]
    numel: int


def total_from_layers(layer_norms: list[float] | tuple[float, ...]) -> float:
    """Combine per-tensor norms into the model's total Frobenius norm."""
    return sum(n * n for n in layer_norms) ** 0.5


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
        count = _count(n, short) if n else ""  # 0: not known (a run still being written)
        cells = [name] + ([] if short else [shape]) + [count, f"{b:.4f}"]
        # round first: a change of -0.00001 would print as "-0.0000"; `or 0.0` drops the sign of -0.0
        return cells + ([] if a is None else [f"{a:.4f}", f"{round(a - b, 4) or 0.0:+.4f}"])

    rows = [row(li.name, "x".join(map(str, li.shape)), li.numel, b, a)
            for li, b, a in zip(layers, before, ends, strict=True)]
    total_after = None if after is None else total_from_layers(after)
    rows.append(row("total", "", sum(li.numel for li in layers), total_from_layers(before), total_after))
    return rows
