"""A run's result as plain data: the JSON summary, the CLI's --json output and the run folder share it."""

from __future__ import annotations

import math
from typing import Any

from regtui.engine.reports import STOP_REASONS, RunResult


def strict_json(value: Any) -> Any:
    """`value` with every NaN or infinite float replaced by None, so strict JSON parsers accept it.

    Python's json writes NaN and Infinity by default, which JSON itself does not allow; dump the
    result with `allow_nan=False` to be sure. A diverging run's losses come out as null.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(v) for v in value]
    return value


def _acc(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def summarize(result: RunResult) -> dict[str, Any]:
    """Everything a reader of a finished run wants, JSON-serializable."""
    info, last, best = result.info, result.last, result.best
    after = last.layer_norms if last else info.initial_norms
    layers = [
        {"name": li.name, "shape": list(li.shape), "params": li.numel,
         "norm_before": b, "norm_after": a}
        for li, b, a in zip(info.layers, info.initial_norms, after, strict=True)
    ]
    out: dict[str, Any] = {
        "name": info.config.name,
        "config": info.config.as_dict(),
        "task": info.config.task,
        "device": info.device,
        "data_source": info.data_source,
        "label_changed": info.label_changed,
        "epochs_run": last.epoch if last else 0,
        "stop_reason": result.stop_reason,
        "stop_reason_text": STOP_REASONS.get(result.stop_reason, result.stop_reason),
        "interrupted": result.stop_reason == "interrupted",
        "restored_best": result.restored_best,
        "wall_time_s": round(result.wall_time, 4),
        "final": {
            "train_acc": _acc(last.train_acc) if last else None,
            "val_acc": _acc(last.val_acc) if last else None,
            "train_loss": last.train_loss if last else None,
            "val_loss": last.val_loss if last else None,
        },
        "best": {
            "epoch": best.epoch if best else None,
            "train_acc": _acc(best.train_acc) if best else None,
            "val_acc": _acc(best.val_acc) if best else None,
        },
        "norms": {
            "total_before": info.initial_total,
            "total_after": last.total_norm if last else info.initial_total,
            "layers": layers,
        },
    }
    return out
