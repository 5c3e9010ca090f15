"""The runs view (key t): every run or seed group of the session in one table, and the sweep's
charts when the groups differ in one setting.

The table is a Textual DataTable: one row per legend entry (a group as mean ± sd over its
seeds), the run's name in its legend colour and marker, `←`/`→` pick a column and `enter`
sorts by it (again: the other way); the number and name columns stay put while a narrow
terminal scrolls the others. It is filled by the app's frame clock, only while shown, and
only rebuilt when a number in it changed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from regtui.engine import TaskKind
from regtui.tui.groups import Line, chart_lines
from regtui.tui.session import SessionRun
from regtui.tui.table_rows import ENDED, NAME, Column, Row, columns, sorted_rows, table_rows
from regtui.tui.widgets.budget import Budgeted
from regtui.tui.widgets.colors import Palette, palette_for, run_marker
from regtui.tui.widgets.sweep_chart import Sweep, SweepChart, sweep_of


class RunsTable(Budgeted, DataTable):
    """The session's runs and groups, one row each, sortable by any column from the keyboard."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="column", zebra_stripes=True, fixed_columns=1, **kwargs)
        self.shown_rows: list[Row] = []  # (DataTable's own `rows` holds its cells)
        self.cols: tuple[Column, ...] = ()
        self.sort_index = 0  # index into `cols`; 0, the run column: legend order
        self.reverse = False
        self._shown: object = None

    def show(self, rows: list[Row], cols: tuple[Column, ...]) -> None:
        """Show these rows; rebuilt only when they, the columns or the order changed."""
        if cols != self.cols:
            self.sort_index, self.reverse = 0, False  # another task's columns: legend order
        self.shown_rows, self.cols = rows, cols
        self._fill()

    def _fill(self) -> None:
        key = (tuple(self.shown_rows), self.cols, self.sort_index, self.reverse)
        if key == self._shown:
            return
        self._shown = key
        cursor = self.cursor_column if self.columns else 1  # first the train column: names keep their colour
        self.clear(columns=True)
        for i, col in enumerate(self.cols):
            arrow = ("▼" if self.reverse else "▲") if i == self.sort_index and (i or self.reverse) else ""
            self.add_column(col.label + arrow, key=col.key)
        palette = palette_for(self.app.console.color_system)  # the legend's very colours
        for row in sorted_rows(self.shown_rows, self.cols, self.sort_index, self.reverse):
            self.add_row(*[name_cell(row, c.text, palette) if col is NAME else
                           Text(c.text) if col is ENDED else Text(c.text, justify="right")
                           for col, c in zip(self.cols, row.cells, strict=True)], key=row.key)
        self.move_cursor(column=min(cursor, len(self.cols) - 1), animate=False)

    def sort_by(self, index: int) -> None:
        """Sort by column `index` of `cols`; the same column again reverses. Numbers sort largest
        first (the best accuracy on top), the run column in legend order, ends A-Z."""
        if index == self.sort_index:
            self.reverse = not self.reverse
        else:
            self.sort_index = index
            self.reverse = self.cols[index] not in (NAME, ENDED)
        self._fill()

    @on(DataTable.ColumnSelected)
    def _column_selected(self, event: DataTable.ColumnSelected) -> None:
        event.stop()
        self.sort_by(event.cursor_column)

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(event.column_index)


def name_cell(row: Row, name: str, palette: Palette) -> Text:
    """The run column: the legend's number, then the run's marker and name in its colour."""
    i = row.number - 1
    return Text.assemble((f"{row.number} ", "dim"),
                         (f"{run_marker(i)} {name}", palette.style(palette.run(i))))


class RunsView(Vertical):
    """The runs table, a line saying what it shows, and the sweep's charts when there is a sweep."""

    DEFAULT_CSS = """
    RunsView #runs-title {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    RunsView RunsTable {
        height: auto;
        max-height: 100%;
        scrollbar-size: 1 1;
    }
    RunsView.-sweep RunsTable {
        max-height: 50%;
    }
    RunsView #sweep {
        display: none;
        height: 1fr;
    }
    RunsView.-sweep #sweep {
        display: block;
    }
    RunsView #sweep.-stacked {
        layout: vertical;
    }
    RunsView #sweep-epochs {
        margin-left: 2;
    }
    RunsView #sweep.-stacked #sweep-epochs {
        margin-left: 0;
    }
    """

    _sweep: tuple[tuple[int, ...], Sweep | None] = ((), None)  # (the results' ids, their sweep)

    def compose(self) -> ComposeResult:
        yield Static(id="runs-title")
        yield RunsTable(id="runs-table")
        with Horizontal(id="sweep"):
            yield SweepChart("accuracy", id="sweep-accuracy")
            yield SweepChart("epochs", id="sweep-epochs")

    def draw(self, runs: list[SessionRun], kind: TaskKind) -> None:
        """Fill the table (and the sweep's charts) from the session's runs of the task shown."""
        lines = chart_lines(runs)
        cols = columns(lines, kind.has_accuracy)
        rows = table_rows(lines, cols)
        self.query_one(RunsTable).show(rows, cols)
        results = [r.result for r in runs if r.result is not None]
        key = tuple(id(r) for r in results)
        if key != self._sweep[0]:  # the groups' numbers change only when a run ends
            self._sweep = (key, sweep_of(results))
        sweep = self._sweep[1]
        self.set_class(sweep is not None, "-sweep")
        for chart in self.query(SweepChart):
            chart.show(sweep)
        self.query_one("#runs-title", Static).update(title(lines, rows), layout=False)

    def on_resize(self) -> None:
        self.query_one("#sweep").set_class(self.size.width < 70, "-stacked")


def title(lines: list[Line], rows: list[Row]) -> Text:
    """What the table shows and the keys that work on it."""
    if not rows:
        return Text("No runs yet: s starts one, a runs the preset's runs. t: charts")
    groups = sum(line.grouped for line in lines)
    runs = sum(len(line.runs) for line in lines)
    plural = "s" if runs != 1 else ""
    what = f"{runs} run{plural}" if not groups else \
        f"{runs} run{plural} in {len(rows)} rows, seed groups ×n: mean±sd"
    return Text(f"{what} · accuracy % · ←→ column, enter sorts · t charts")
