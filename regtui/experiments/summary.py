"""A run's result as plain data: the JSON summary, the CLI's --json output and the run folder share it."""

from __future__ import annotations

import math
from typing import Any

from regtui.engine.reports import STOP_REASONS, EpochReport, RunResult


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


def _numbers(r: EpochReport | None) -> dict[str, Any]:
    return {"train_acc": _acc(r.train_acc) if r else None, "val_acc": _acc(r.val_acc) if r else None,
            "train_loss": r.train_loss if r else None, "val_loss": r.val_loss if r else None}


def _noisy_labels(result: RunResult) -> dict[str, Any] | None:
    """Train accuracy split by label noise, at the last and the best epoch (None for true labels)."""
    last, best = result.last, result.best
    if last is None or last.noisy is None:
        return None

    def split(r: Any) -> dict[str, float | None]:
        return {"clean_acc": _acc(r.noisy.clean), "memorized_acc": _acc(r.noisy.memorized),
                "changed_true_acc": _acc(r.noisy.true)}

    return {"final": split(last), "best": split(best) if best is not None else None}


def summarize(result: RunResult) -> dict[str, Any]:
    """Everything a reader of a finished run wants, JSON-serializable.

    `final` is the last epoch trained (the weights in final.pt). With early stopping and
    restore_best, the model ends with the best epoch's weights instead: `restored` then holds
    that epoch's numbers, and the "after" norms are the restored weights' norms
    (`norms.after_epoch` says which epoch they belong to).
    """
    info, last, best, end = result.info, result.last, result.best, result.end_weights
    after = end.layer_norms if end else info.initial_norms
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
        "final": _numbers(last),
        "restored": {"epoch": end.epoch, **_numbers(end)} if result.restored_best and end else None,
        "best": {
            "epoch": best.epoch if best else None,
            "train_acc": _acc(best.train_acc) if best else None,
            "val_acc": _acc(best.val_acc) if best else None,
        },
        "noisy_labels": _noisy_labels(result),
        "norms": {
            "total_before": info.initial_total,
            "total_after": end.total_norm if end else info.initial_total,
            "after_epoch": end.epoch if end else 0,
            "layers": layers,
        },
    }
    return out
