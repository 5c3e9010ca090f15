"""The two status lines above the charts: current run and its numbers; how it ended or a hint."""

from __future__ import annotations

from rich.text import Text

from regtui.engine import STOP_REASONS
from regtui.presets import Preset
from regtui.tui.session import SessionRun


def status_text(preset: Preset, run: SessionRun | None, message: str) -> Text:
    """Line 1: preset, run, epoch, accuracies (or losses), best epoch, norm. Line 2: stop or hint."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(preset.name, style="bold")
    text.append(" │ ")
    if run is None or run.last is None:
        text.append(preset.description, style="dim")
        text.append(f"\n{message}")
        return text
    r = run.last
    text.append(f"{run.name} ", style="bold")
    text.append(f"{r.epoch}/{r.epochs}  ")
    if r.train_acc is not None:
        text.append(f"train {r.train_acc:.1f}%  val {r.val_acc:.1f}%  ")
        if r.best_epoch:
            text.append(f"best {r.best_val_acc:.1f}% @ {r.best_epoch}  ", style="bold green")
    else:
        text.append(f"train loss {r.train_loss:.3g}  test loss {r.val_loss:.3g}  ")
    text.append(f"norm {r.total_norm:.2f}")
    text.append("\n")
    if run.result is not None:
        reason = run.result.stop_reason
        text.append(f"{reason} at epoch {r.epoch} ", style="bold yellow" if reason != "finished" else "bold")
        if run.result.restored_best:
            text.append(f"best epoch {r.best_epoch} restored ", style="bold green")
        text.append(f"({STOP_REASONS[reason]}). ")
    text.append(message, style="dim")
    return text
