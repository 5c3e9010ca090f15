"""The per-layer Frobenius norm table: layer, shape, parameters, norm at start, now, change."""

from __future__ import annotations

from rich.table import Table
from textual.widgets import Static

from regtui.engine import EpochReport, RunInfo
from regtui.tui.widgets.budget import Budgeted

COLUMNS = ("layer", "shape", "params", "start", "now", "change")


def norm_table(info: RunInfo | None, report: EpochReport | None) -> Table:
    """A rich Table of `info`'s layers with the norms of `report` (None: the starting norms)."""
    table = Table(*COLUMNS, box=None, pad_edge=False, expand=True, show_edge=False,
                  header_style="bold underline", padding=(0, 1))
    for col in table.columns[2:]:
        col.justify = "right"
    if info is None:
        return table
    now = report.layer_norms if report else info.initial_norms
    for li, start, cur in zip(info.layers, info.initial_norms, now, strict=True):
        table.add_row(li.name, "x".join(map(str, li.shape)), f"{li.numel:,}",
                      f"{start:.4f}", f"{cur:.4f}", f"{cur - start:+.4f}")
    total_now = report.total_norm if report else info.initial_total
    table.add_row("total", "", f"{sum(li.numel for li in info.layers):,}",
                  f"{info.initial_total:.4f}", f"{total_now:.4f}",
                  f"{total_now - info.initial_total:+.4f}", style="bold")
    return table


class NormTable(Budgeted, Static):
    """The current run's per-layer norms, redrawn by the app's frame clock."""

    def __init__(self, **kwargs) -> None:
        super().__init__(norm_table(None, None), **kwargs)
        self._shown_info: RunInfo | None = None

    def show(self, info: RunInfo | None, report: EpochReport | None) -> None:
        """Display `info`'s layers with the norms of `report` (None: the starting norms)."""
        # Same model, same rows: only a new run (new layers) can change the table's height.
        relayout = info is not self._shown_info
        self._shown_info = info
        self.update(norm_table(info, report), layout=relayout)
