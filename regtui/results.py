"""Run folders on disk: resolved config, per-epoch metrics CSV, summary JSON and weights."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import torch

from regtui.engine.reports import RunResult
from regtui.presets import config_to_toml
from regtui.summary import summarize


def new_session_dir(root: Path, preset_name: str) -> Path:
    """Create `root/<preset>-<YYYYmmdd-HHMMSS>` (with a suffix if that exists) and return it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    root.mkdir(parents=True, exist_ok=True)
    for i in range(1000):
        path = root / (f"{preset_name}-{stamp}" + (f"-{i}" if i else ""))
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a run folder under {root}")


def metric_rows(result: RunResult) -> tuple[list[str], list[list[object]]]:
    """Header and rows of the per-epoch metrics table (one row per epoch)."""
    names = [li.name for li in result.info.layers]
    # the noisy-label split (empty unless labels are partial/random) goes last: older readers
    # of the file keep their column positions
    header = ["epoch", "train_acc", "val_acc", "train_loss", "val_loss", "best_epoch",
              "total_norm", *[f"norm:{n}" for n in names], "elapsed_s",
              "train_acc_clean", "train_acc_memorized", "changed_true_acc"]
    rows = [[r.epoch, r.train_acc, r.val_acc, r.train_loss, r.val_loss, r.best_epoch,
             r.total_norm, *r.layer_norms, round(r.elapsed, 6),
             *(r.noisy if r.noisy is not None else (None, None, None))] for r in result.history]
    return header, rows


def write_run(session_dir: Path, result: RunResult, description: str) -> Path:
    """Write one run's folder inside `session_dir`; return the folder.

    Files: config.toml (re-runnable preset), metrics.csv, summary.json, final.pt and,
    for classification, best.pt; curves.csv for the toy regression's fitted-curve snapshots.
    """
    folder = session_dir / result.info.config.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(config_to_toml(result.info.config, description))
    header, rows = metric_rows(result)
    with open(folder / "metrics.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    if result.curves and result.info.x_test is not None:
        with open(folder / "curves.csv", "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["x", *[f"epoch_{e}" for e, _ in result.curves]])
            for i, x in enumerate(result.info.x_test):
                writer.writerow([x, *[c[i] for _, c in result.curves]])
    torch.save({k: v.cpu() for k, v in result.final_state.items()}, folder / "final.pt")
    if result.best_state is not None:
        torch.save({k: v.cpu() for k, v in result.best_state.items()}, folder / "best.pt")
    summary = summarize(result)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return folder
