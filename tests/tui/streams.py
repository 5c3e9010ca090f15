"""Deterministic, synthetic runs for snapshot and Pilot tests: no training, no CPU-specific floats."""

from __future__ import annotations

import math

from regtui.engine import EpochReport, RunInfo, RunResult
from regtui.experiments.presets import load_preset
from regtui.models.layers import LayerInfo

LAYERS = (LayerInfo("fc1.weight", (300, 1), 300), LayerInfo("fc1.bias", (300,), 300),
          LayerInfo("fc2.weight", (1, 300), 300), LayerInfo("fc2.bias", (1,), 1))
START = (5.0, 2.0, 3.0, 0.5)


def fake_result(name: str, epochs: int, upto: int | None = None, random_labels: bool = False,
                stop_reason: str = "finished") -> RunResult:
    """A classification run of `epochs` planned epochs with `upto` done, smooth made-up curves."""
    cfg = load_preset("quick").runs[0].replace(name=name, epochs=epochs)
    info = RunInfo(config=cfg, device="cpu", layers=LAYERS, initial_norms=START,
                   initial_total=math.sqrt(sum(v * v for v in START)), data_source="synthetic")
    history, best, best_acc = [], 0, -math.inf
    for e in range(1, (upto or epochs) + 1):
        t = e / epochs
        train = round(100 * (1 - math.exp(-6 * t)), 1)
        val = round((50 + 10 * math.sin(7 * t)) if random_labels else 100 * (1 - math.exp(-4 * t)) - 8, 1)
        if val > best_acc:
            best, best_acc = e, val
        growth = 1.6 if random_labels else 0.8 + 0.1 * len(name) % 3  # each run its own norm curve
        norms = tuple(round(v * (1 + growth * t), 3) for v in START)
        total = round(math.sqrt(sum(v * v for v in norms)), 3)
        history.append(EpochReport(
            run=name, epoch=e, epochs=epochs, train_loss=round(2 * math.exp(-5 * t), 4),
            val_loss=round(2 * math.exp(-2 * t), 4), layer_norms=norms, total_norm=total,
            elapsed=0.01 * e, train_acc=train, val_acc=val, best_epoch=best, best_val_acc=best_acc))
    return RunResult(info=info, history=history, stop_reason=stop_reason, wall_time=0.01 * len(history),
                     final_state={})
