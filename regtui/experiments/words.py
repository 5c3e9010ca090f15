"""Runs in plain words, one line each: how a run starts, how an epoch went, how it ended.

Shared by the headless log and progress bar and by the Python API's progress lines, so a
log file, a terminal and a notebook describe a run the same way. Plain text, no markup.
"""

from __future__ import annotations

from regtui.engine.reports import STOP_REASONS, EpochReport, RunInfo, RunResult, stop_phrase

LINES_PER_RUN = 10  # a log gets about this many epoch lines per run, however long it is


def metrics_text(r: EpochReport) -> str:
    """The one-line numbers of an epoch: accuracies for classification, losses for regression."""
    if r.train_acc is not None:
        text = (f"train {r.train_acc:5.1f}%  val {r.val_acc:5.1f}%  "
                f"loss {r.train_loss:.3f}/{r.val_loss:.3f}  norm {r.total_norm:.2f}")
        return text + (f"  {r.noisy.text()}" if r.noisy is not None else "")
    return f"train loss {r.train_loss:.4g}  test loss {r.val_loss:.4g}  norm {r.total_norm:.2f}"


def end_text(result: RunResult) -> str:
    """One sentence on how a run ended and its best epoch."""
    last, best = result.last, result.best
    name = result.info.config.name
    if last is None:
        return f"[{name}] {STOP_REASONS[result.stop_reason]} before the first epoch ended"
    text = (f"[{name}] {stop_phrase(result.stop_reason)} at epoch {last.epoch}/{last.epochs} "
            f"({STOP_REASONS[result.stop_reason]}), {result.wall_time:.1f}s: {metrics_text(last)}")
    if best is not None:
        text += f"; best val {best.val_acc:.1f}% at epoch {best.epoch}"
        if result.restored_best:
            text += " (weights restored)"
    return text


def start_text(info: RunInfo) -> str:
    """One line naming what a run trains on which device."""
    c = info.config
    text = (f"[{c.name}] {c.model} on {info.data_source}, {c.optimizer} lr {c.lr:g}, "
            f"{c.epochs} epochs, device {info.device}")
    if info.label_changed is not None and c.labels != "true":
        text += f"; labels {c.labels}: {100 * info.label_changed:.0f}% of training labels changed"
    return text


def logged(report: EpochReport, lines_per_run: int = LINES_PER_RUN) -> bool:
    """Whether a log shows this epoch: the first, then every ~1/lines_per_run of the run."""
    every = max(1, report.epochs // lines_per_run)
    return report.epoch == 1 or report.epoch % every == 0


def epoch_text(r: EpochReport) -> str:
    """One epoch as a log line: run, epoch of planned, its numbers, seconds since the start."""
    return f"[{r.run}] epoch {r.epoch}/{r.epochs}  {metrics_text(r)}  ({r.elapsed:.1f}s)"
