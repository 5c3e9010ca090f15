"""The per-layer Frobenius norm table: layer, shape, parameters, norm at start, now, change."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from regtui.engine import EpochReport, RunInfo, task_of
from regtui.models.layers import layer_rows
from regtui.tui.widgets.budget import Budgeted

COLUMNS = ("layer", "shape", "params", "start", "now", "change")


NARROW_TABLE = 58  # below this width the shape column goes and counts are abbreviated
NAME_MAX = 48  # the name column's most width when the table is wider than it needs


def caption(info: RunInfo | None, report: EpochReport | None, choice: str = "",
            restored: bool = False) -> str:
    """Which run and epoch the table shows, as its first column's header (saves a line at 80x24)."""
    if info is None:
        return f"layer ({choice})" if choice else "layer"
    if report is None:
        what = f"{info.config.model} at start (seed {info.config.seed})" if not info.device \
            else f"{info.config.name}, initial weights"
    else:
        best = "best " if restored else ""  # early stopping restored that epoch's weights
        group = f" of {info.config.group}" if info.config.group else ""  # a seed member: its group
        step = "epoch" if task_of(info.config).has_accuracy else "step"  # the toy trains in steps
        what = f"{info.config.name}{group} @ {best}{step} {report.epoch}/{report.epochs}"
    return what + (f" ({choice})" if choice else "")


def norm_table(info: RunInfo | None, report: EpochReport | None, width: int = 80,
               choice: str = "", total_only: bool = False, restored: bool = False) -> Text:
    """A table of `info`'s layers with the norms of `report` (None: the starting norms).

    The first header cell says which run and epoch it shows; `choice` is a hint such as 'n: next run'.
    Built as plain Text (names left, numbers right, spare width to the name column up to NAME_MAX): a rich
    Table re-measured every frame cost ~8 ms of the frame budget. Narrower than NARROW_TABLE
    columns, it drops the shape column so names and norms stay whole. `total_only` (short
    terminals: charts first) keeps only the total row. `restored`: `report` is the best epoch
    whose weights early stopping restored; the "now" column is then headed "restored".
    """
    short = width < NARROW_TABLE
    header = [("restored" if restored and c == "now" else c) for c in COLUMNS
              if not (short and c == "shape")]
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    header[0] = caption(info, report, choice, restored)
    now = (report.layer_norms if report else info.initial_norms) if info else None
    rows = layer_rows(info.layers, info.initial_norms, now, short=short) if info else []
    rows = rows[-1:] if total_only else rows  # the total row is last
    widths = [max(len(r[k]) if k < len(r) else 0 for r in [header, *rows]) for k in range(len(header))]
    left = 1 if short else 2  # name (and shape) are left-aligned; counts and norms right
    spare = width - sum(widths[1:]) - (len(widths) - 1)
    # Names take the spare width up to NAME_MAX: on a 200-column terminal the numbers stay
    # next to their names instead of 120 columns away.
    widths[0] = max(min(spare, max(widths[0], NAME_MAX)), min(widths[0], 12))
    header[0] = header[0] if len(header[0]) <= widths[0] else header[0][:widths[0] - 1] + "…"

    def line(cells: list[str], style: str = "") -> None:
        padded = [c.ljust(w) if k < left else c.rjust(w)
                  for k, (c, w) in enumerate(zip(cells, widths, strict=False))]
        text.append(" ".join(padded)[:width].rstrip() + "\n", style=style)

    line(header, "bold underline")
    for k, row in enumerate(rows):
        line(row, "bold" if k == len(rows) - 1 else "")
    text.rstrip()
    return text


class NormTable(Budgeted, Static):
    """The current run's per-layer norms, redrawn by the app's frame clock."""

    def __init__(self, **kwargs) -> None:
        super().__init__(norm_table(None, None), **kwargs)
        self._last: tuple[RunInfo | None, EpochReport | None, str, bool] = (None, None, "", False)
        self._shown_info: RunInfo | None = None
        self.total_only = False

    def set_total_only(self, on: bool) -> None:
        """Show only the total row (a short terminal gives the rows to the charts) or all."""
        if on != self.total_only:
            self.total_only, self._shown_info = on, None  # None: the next show relayouts
            last, self._last = self._last, (None, None, "", False)  # not "nothing new"
            self.show(*last)

    def show(self, info: RunInfo | None, report: EpochReport | None, choice: str = "",
             restored: bool = False) -> None:
        """Display `info`'s layers with the norms of `report` (None: the starting norms);
        `choice` is a hint such as 'n: next run'; `restored` labels the best epoch's weights."""
        if (info, report, choice, restored) == self._last:
            return  # nothing new: spare the frame the table's layout
        # Same model, same rows: only a new run (new layers) can change the table's height.
        relayout = info is not self._shown_info
        self._shown_info = info
        self._last = (info, report, choice, restored)
        self.update(self._render_table(self.content_size.width or 80), layout=relayout)

    def _render_table(self, width: int) -> Text:
        info, report, choice, restored = self._last
        return norm_table(info, report, width, choice, self.total_only, restored)

    def on_resize(self) -> None:
        self.update(self._render_table(self.content_size.width))
