"""The epoch cursor's table (v): every visible line's value at one epoch, for the metrics on screen.

One row per line, named and numbered as in the legend, in its colour and with its marker, so
the numbers read without the mouse and without guessing whose they are. ↑/↓ pick a row (o
solos it); with more lines than rows, the rows scroll to keep the picked one in view.
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from regtui.tui.groups import Line
from regtui.tui.metrics import Metric
from regtui.tui.widgets.colors import Palette, run_marker

PICKED = Style(bold=True, reverse=True)  # the picked row's name: readable without colour too


def values_table(lines: list[tuple[int, Line]], metrics: list[Metric], epoch: int, word: str,
                 palette: Palette, selected: str | None, limit: int) -> Table:
    """The table: a header naming the epoch, then a row per line (at most `limit`, around `selected`)."""
    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold", show_edge=False, expand=False)
    table.add_column(Text(f"{word} {epoch}", style="bold reverse"), no_wrap=True)
    for metric in metrics:
        table.add_column(metric.short, justify="right", no_wrap=True)
    keys = [line.key for _, line in lines]
    at = keys.index(selected) if selected in keys else 0
    first = max(0, min(at - limit // 2, len(lines) - limit))
    for i, line in lines[first:first + limit]:
        picked = line.key == selected
        name = Text("▶ " if picked else "  ", style="bold")
        name.append(f"{i + 1}: " if i < 9 else "", style="dim")
        style = palette.style(palette.run(i))
        name.append(f"{run_marker(i)} {line.label}", style=style + PICKED if picked else style)
        cells = []
        for metric in metrics:
            value = line.value_at(metric.key, epoch)
            cells.append("–" if value is None else metric.text(value))
        table.add_row(name, *cells)
    hidden = len(lines) - min(limit, len(lines))
    if hidden:
        table.caption = f"{first} above, {hidden - first} below (↑/↓; f filters)"
        table.caption_justify = "left"
    return table


class ValuesTable(Static):
    """The values at the cursor's epoch, under the charts while the cursor is on."""

    DEFAULT_CSS = """
    ValuesTable {
        height: auto;
        padding: 0 1;
        text-wrap: nowrap;
    }
    """
