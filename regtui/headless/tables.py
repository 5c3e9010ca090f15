"""rich tables for the end of a headless run: one summary row per run, per-layer norms."""

from __future__ import annotations

from rich import box
from rich.table import Table

from regtui.engine import RunResult, task_of
from regtui.experiments.aggregate import Group, Stat, stat
from regtui.models.layers import LayerInfo, layer_rows


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}%"


def summary_table(results: list[RunResult], ascii_only: bool = False) -> Table:
    """One row per run: how far it went, why it stopped, accuracies or losses, norms, time.

    Accuracies and the end norm are those of the weights the run ends with: after early
    stopping with restore_best, the restored best epoch's (the norm cell and caption say so), as
    in summary.json's norms and `restored` block.
    """
    regress = not task_of(results[0].info.config).has_accuracy
    restored = any(r.restored_best for r in results)
    t = Table(title="Summary", box=box.ASCII2 if ascii_only else box.ROUNDED,
              caption="(restored): accuracies and end norm of the restored best epoch" if restored else None)
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
            best, end = res.best, res.end_weights  # accuracies of the weights the run ends with
            changed = "-" if info.label_changed is None else f"{100 * info.label_changed:.0f}%"
            row += [_pct(end.train_acc if end else None), _pct(end.val_acc if end else None),
                    f"{best.val_acc:.1f}% ({best.epoch})" if best else "-", changed]
        end = res.end_weights
        norms = f"{info.initial_total:.3f} -> {end.total_norm if end else info.initial_total:.3f}"
        if res.restored_best and end:
            norms += " (restored)"
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


FIT_NOTE = ("epochs to N%: until train accuracy first reached N%, the median over seeds (Kaplan-Meier: "
            "a member that never got there counts as censored at its last epoch); >N: more than half "
            "never got there within N epochs")

RESTORED_NOTE = "*: early-stopped members end with their restored best epoch's weights: numbers of that epoch"


def group_table(groups: list[Group], ascii_only: bool = False) -> Table:
    """One row per group of seed members: mean ± sample sd (n-1) of the weights each member ends
    with (restored ones after early stopping), and for classification the censored time to fit."""
    regress = not task_of(groups[0].results[0].info.config).has_accuracy
    restored = sum(g.restored for g in groups)
    notes = ([] if regress else [FIT_NOTE + "; (k/n): how many got there"]) + (
        [RESTORED_NOTE] if restored else [])
    t = Table(title="Mean ± sd over seeds (sample sd, n-1), at each member's end weights",
              box=box.ASCII2 if ascii_only else box.ROUNDED, caption="\n".join(notes) or None)
    t.add_column("group")
    t.add_column("seeds", justify="right")
    cols = ({"end_train_loss": "train loss", "end_val_loss": "test loss"} if regress else
            {"end_train_acc": "train acc %", "end_val_acc": "val acc %",
             "best_val_acc": "best val %", "best_epoch": "best epoch"})
    cols["end_total_norm"] = "total norm"
    for label in cols.values():
        t.add_column(label, justify="right")
    if not regress:
        t.add_column("epochs to 100%", justify="right")
    digits = {"end_total_norm": 3, "end_train_loss": 4, "end_val_loss": 4}
    for g in groups:
        cells = [_stat_cell(g.stats[k], digits.get(k, 1)) for k in cols]
        name = g.name + (" *" if g.restored else "")
        t.add_row(name, str(len(g.results)), *cells, *([] if regress else [g.fits["fit_epoch"].text()]))
    return t


def noisy_group_table(groups: list[Group], ascii_only: bool = False) -> Table | None:
    """Groups with changed labels: how much of the clean and of the changed labels each fits at its
    end weights (mean ± sd over seeds); None when no group has changed labels."""
    noisy = [g for g in groups if g.stats["end_memorized_acc"] is not None]
    if not noisy:
        return None
    t = Table(title="What became of the labels (mean ± sd over seeds, end weights)",
              box=box.ASCII2 if ascii_only else box.ROUNDED)
    for col in ("group", "labels changed %", "clean labels fit %", "changed labels memorized %"):
        t.add_column(col, justify="right" if col != "group" else "left")
    for g in noisy:
        changed = stat(100 * r.info.label_changed for r in g.results if r.info.label_changed is not None)
        t.add_row(g.name + (" *" if g.restored else ""), _stat_cell(changed),
                  _stat_cell(g.stats["end_clean_acc"]), _stat_cell(g.stats["end_memorized_acc"]))
    return t


def versus_table(groups: list[Group], key: str, ascii_only: bool = False) -> Table:
    """Groups against one setting (e.g. label_fraction): accuracies, gap and time to fit (censored)."""
    t = Table(title=f"Against {key} (mean ± sd over seeds, end weights)",
              box=box.ASCII2 if ascii_only else box.ROUNDED, caption=FIT_NOTE)
    for col in (key, "train acc %", "val acc %", "gap (points)", "epochs to 95%", "epochs to 100%",
                "reached 100%"):
        t.add_column(col, justify="right")
    for g in groups:
        value = getattr(g.results[0].info.config, key)
        fit, fit95 = g.fits["fit_epoch"], g.fits["fit95_epoch"]
        t.add_row(f"{value:g}", _stat_cell(g.stats["end_train_acc"]),
                  _stat_cell(g.stats["end_val_acc"]), _stat_cell(g.stats["gap"]),
                  fit95.median()[1], fit.median()[1], f"{fit.n_reached}/{fit.n}")
    return t
