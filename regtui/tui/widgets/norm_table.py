"""The per-layer Frobenius norm table: layer, shape, parameters, norm at start, now, change."""

from __future__ import annotations

from rich.table import Table
from textual.widgets import Static

from regtui.engine import EpochReport, RunInfo
from regtui.norms import layer_rows
from regtui.tui.widgets.budget import Budgeted

COLUMNS = ("layer", "shape", "params", "start", "now", "change")


NARROW_TABLE = 58  # below this width the shape column goes and counts are abbreviated


def norm_table(info: RunInfo | None, report: EpochReport | None, width: int = 80,
               total_only: bool = False, restored: bool = False) -> Table:
    """A rich Table of `info`'s layers with the norms of `report` (None: the starting norms).

    `restored`: `report` is the best epoch whose weights early stopping restored; the "now"
    column is then headed "restored" (the status line names the epoch).

    Narrower than NARROW_TABLE columns, it drops the shape column so names and norms stay whole.
    """
    short = width < NARROW_TABLE
    columns = [("restored" if restored and c == "now" else c) for c in COLUMNS
               if not (short and c == "shape")]
    table = Table(*columns, box=None, pad_edge=False, expand=True, show_edge=False,
                  header_style="bold underline", padding=(0, 1))
    for col in table.columns[1:] if short else table.columns[2:]:
        col.justify = "right"
    if info is None:
        return table
    now = report.layer_norms if report else info.initial_norms
    *rows, total = layer_rows(info.layers, info.initial_norms, now, short=short)
    for row in [] if total_only else rows:  # total_only: short terminals, charts first
        table.add_row(*row)
    table.add_row(*total, style="bold")
    return table


class NormTable(Budgeted, Static):
    """The current run's per-layer norms, redrawn by the app's frame clock."""

    def __init__(self, **kwargs) -> None:
        super().__init__(norm_table(None, None), **kwargs)
        self._last: tuple[RunInfo | None, EpochReport | None, bool] = (None, None, False)
        self._shown_info: RunInfo | None = None
        self.total_only = False

    def set_total_only(self, on: bool) -> None:
        """Show only the total row (a short terminal gives the rows to the charts) or all."""
        if on != self.total_only:
            self.total_only, self._shown_info = on, None  # None: the next show relayouts
            self.show(*self._last)

    def show(self, info: RunInfo | None, report: EpochReport | None, restored: bool = False) -> None:
        """Display `info`'s layers with the norms of `report` (None: the starting norms);
        `restored` labels them as the best epoch's restored weights."""
        # Same model, same rows: only a new run (new layers) can change the table's height.
        relayout = info is not self._shown_info
        self._shown_info = info
        self._last = (info, report, restored)
        self.update(norm_table(info, report, self.size.width or 80, self.total_only, restored),
                    layout=relayout)

    def on_resize(self) -> None:
        info, report, restored = self._last
        self.update(norm_table(info, report, self.size.width, self.total_only, restored))
