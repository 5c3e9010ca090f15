"""rich tables for the end of a headless run: one summary row per run, per-layer norms."""

from __future__ import annotations

from rich import box
from rich.table import Table

from regtui.engine import RunResult, task_of
from regtui.experiments.aggregate import Group, Stat
from regtui.models.layers import LayerInfo, layer_rows


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}%"


def summary_table(results: list[RunResult], ascii_only: bool = False) -> Table:
    """One row per run: how far it went, why it stopped, accuracies or losses, norms, time."""
    regress = not task_of(results[0].info.config).has_accuracy
    t = Table(title="Summary", box=box.ASCII2 if ascii_only else box.ROUNDED)
    for col in ("run", "epochs", "stopped"):
        t.add_column(col)
    if regress:
        for col in ("train loss", "test loss", "best test loss"):
            t.add_column(col, justify="right")
    else:
        for col in ("train acc", "val acc", "best val (epoch)", "labels changed"):
            t.add_column(col, justify="right")
    t.add_column("norm start -> end", justify="right")
    t.add_column("time", justify="right")
    for res in results:
        last, info = res.last, res.info
        row = [info.config.name, str(last.epoch if last else 0), res.stop_reason]
        if regress:
            low = min(res.history, key=lambda r: r.val_loss) if res.history else None
            row += [f"{last.train_loss:.4g}" if last else "-", f"{last.val_loss:.4g}" if last else "-",
                    f"{low.val_loss:.4g} (step {low.epoch})" if low else "-"]
        else:
            best = res.best
            changed = "-" if info.label_changed is None else f"{100 * info.label_changed:.0f}%"
            row += [_pct(last.train_acc if last else None), _pct(last.val_acc if last else None),
                    f"{best.val_acc:.1f}% ({best.epoch})" if best else "-", changed]
        end = res.end_weights
        norms = f"{info.initial_total:.3f} -> {end.total_norm if end else info.initial_total:.3f}"
        if res.restored_best and end:
            norms += " (restored)"  # the best val column already names the epoch
        row += [norms, f"{res.wall_time:.1f}s"]
        t.add_row(*row)
    return t


def end_label(result: RunResult) -> str:
    """What the run's end weights are: "end", or "restored (epoch N)" after early stopping."""
    end = result.end_weights
    return f"restored (epoch {end.epoch})" if result.restored_best and end else "end"


def layer_table(layers: tuple[LayerInfo, ...], before: tuple[float, ...],
                after: tuple[float, ...] | None = None, title: str = "",
                ascii_only: bool = False, after_label: str = "end") -> Table:
    """Per parameter tensor: shape, size and Frobenius norm (and its change when `after` is given).

    `after_label` heads the after column, e.g. "restored (epoch 71)" for restored weights.
    """
    t = Table(title=title or None, box=box.ASCII2 if ascii_only else box.ROUNDED)
    t.add_column("layer")
    t.add_column("shape")
    t.add_column("params", justify="right")
    t.add_column("norm" if after is None else "start", justify="right")
    if after is not None:
        t.add_column(after_label, justify="right")
        t.add_column("change", justify="right")
    *rows, total = layer_rows(layers, before, after)
    for row in rows:
        t.add_row(*row)
    t.add_section()
    t.add_row(*total, style="bold")
    return t


def _stat_cell(s: Stat | None, digits: int = 1) -> str:
    return "-" if s is None else s.text(digits)


def group_table(groups: list[Group], ascii_only: bool = False) -> Table:
    """One row per group of seed members: mean ± sample sd (n-1) of what each member ended with."""
    regress = not task_of(groups[0].results[0].info.config).has_accuracy
    t = Table(title="Mean ± sd over seeds (sample sd, n-1)",
              box=box.ASCII2 if ascii_only else box.ROUNDED)
    t.add_column("group")
    t.add_column("seeds", justify="right")
    cols = ({"final_train_loss": "train loss", "final_val_loss": "test loss"} if regress else
            {"final_train_acc": "train acc %", "final_val_acc": "val acc %",
             "best_val_acc": "best val %", "best_epoch": "best epoch"})
    cols["total_norm"] = "total norm"
    for label in cols.values():
        t.add_column(label, justify="right")
    for g in groups:
        digits = {"total_norm": 3, "final_train_loss": 4, "final_val_loss": 4}
        t.add_row(g.name, str(len(g.results)),
                  *[_stat_cell(g.stats[k], digits.get(k, 1)) for k in cols])
    return t


def versus_table(groups: list[Group], key: str, ascii_only: bool = False) -> Table:
    """Groups against one setting (e.g. label_fraction): accuracies, gap and time to memorize."""
    t = Table(title=f"Against {key} (mean ± sd over seeds)",
              box=box.ASCII2 if ascii_only else box.ROUNDED)
    for col in (key, "train acc %", "val acc %", "gap (points)", "epoch to 100% train", "memorized"):
        t.add_column(col, justify="right")
    for g in groups:
        value = getattr(g.results[0].info.config, key)
        t.add_row(f"{value:g}", _stat_cell(g.stats["final_train_acc"]),
                  _stat_cell(g.stats["final_val_acc"]), _stat_cell(g.stats["gap"]),
                  _stat_cell(g.stats["memorized_epoch"]),
                  f"{g.memorized}/{len(g.results)}")
    return t
