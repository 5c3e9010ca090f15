"""The per-layer Frobenius norm table: layer, shape, parameters, norm at start, now, change."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from regtui.engine import EpochReport, RunInfo
from regtui.norms import layer_rows
from regtui.tui.widgets.budget import Budgeted

COLUMNS = ("layer", "shape", "params", "start", "now", "change")


NARROW_TABLE = 58  # below this width the shape column goes and counts are abbreviated


def caption(info: RunInfo | None, report: EpochReport | None, choice: str = "") -> str:
    """Which run and epoch the table shows, as its first column's header (saves a line at 80x24)."""
    if info is None:
        return "layer"
    if report is None:
        what = f"{info.config.model} at start (seed {info.config.seed})" if not info.device \
            else f"{info.config.name}, initial weights"
    else:
        what = f"{info.config.name} @ epoch {report.epoch}/{report.epochs}"
    return what + (f" ({choice})" if choice else "")


def norm_table(info: RunInfo | None, report: EpochReport | None, width: int = 80,
               choice: str = "") -> Text:
    """A table of `info`'s layers with the norms of `report` (None: the starting norms).

    The first header cell says which run and epoch it shows; `choice` is a hint such as 'n: next run'.
    Built as plain Text (names left, numbers right, spare width to the name column): a rich
    Table re-measured every frame cost ~8 ms of the frame budget. Narrower than NARROW_TABLE
    columns, it drops the shape column so names and norms stay whole.
    """
    short = width < NARROW_TABLE
    header = [c for c in COLUMNS if not (short and c == "shape")]
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    header[0] = caption(info, report, choice)
    now = (report.layer_norms if report else info.initial_norms) if info else None
    rows = layer_rows(info.layers, info.initial_norms, now, short=short) if info else []
    widths = [max(len(r[k]) if k < len(r) else 0 for r in [header, *rows]) for k in range(len(header))]
    left = 1 if short else 2  # name (and shape) are left-aligned; counts and norms right
    widths[0] = max(width - sum(widths[1:]) - (len(widths) - 1), min(widths[0], 12))
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
        self._last: tuple[RunInfo | None, EpochReport | None, str] = (None, None, "")
        self._shown_info: RunInfo | None = None

    def show(self, info: RunInfo | None, report: EpochReport | None, choice: str = "") -> None:
        """Display `info`'s layers with the norms of `report` (None: the starting norms)."""
        if (info, report, choice) == self._last:
            return  # nothing new: spare the frame the table's layout
        # Same model, same rows: only a new run (new layers) can change the table's height.
        relayout = info is not self._shown_info
        self._shown_info = info
        self._last = (info, report, choice)
        self.update(norm_table(info, report, self.content_size.width or 80, choice), layout=relayout)

    def on_resize(self) -> None:
        self.update(norm_table(self._last[0], self._last[1], self.content_size.width, self._last[2]))
