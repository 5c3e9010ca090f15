"""The main area of the app: status lines, live charts, legend and the per-layer norm table, or
in their place (key t) the runs table and the sweep's charts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from regtui.engine import TASKS, RunInfo, TaskKind, task_of
from regtui.engine.config import RunConfig
from regtui.experiments.presets import Preset
from regtui.tui.session import SessionRun
from regtui.tui.status import status_text
from regtui.tui.widgets.charts import AccuracyChart, ChartOptions, FitChart, LossChart, NormChart
from regtui.tui.widgets.legend import Legend
from regtui.tui.widgets.norm_table import NormTable
from regtui.tui.widgets.runs_table import RunsTable, RunsView

STACK_BELOW = 70  # charts go one above the other when this area is narrower than this
THREE_CHARTS_FROM = 110  # the toy view adds the norm chart from this width (the table has it too)


def preview_info(cfg: RunConfig) -> RunInfo:
    """What the norm table shows before training: the seeded model's initial layers and norms
    (imports torch: the app calls it once torch has loaded)."""
    from regtui.models.norms import seeded_norms

    layers, norms, total = seeded_norms(cfg.model, cfg.seed, task_of(cfg).in_features(cfg))
    return RunInfo(config=cfg, device="", layers=tuple(layers), initial_norms=tuple(norms),
                   initial_total=total, data_source="")


class LiveView(Vertical):
    """Everything that shows training; `draw()` repaints it all from the session's runs."""

    preview: RunInfo | None = None  # shown in the norm table while there is no run
    kind: TaskKind = TASKS["classify"]  # the task whose charts are shown
    options = ChartOptions()  # the chart controls' choices (log, last N epochs, hidden runs)
    table_run: str | None = None  # run whose norms the table shows (None: the current run)
    speed = ""  # playback speed as shown in the legend, e.g. 'x1'
    loading = False  # torch is still loading: the table has no preview yet and says so

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="charts"):
            yield AccuracyChart(id="accuracy", classes="classify-only")
            yield FitChart(id="fit", classes="regress-only")
            yield LossChart(id="loss", classes="regress-only")
            yield NormChart(id="norm")
        yield Legend(id="legend")
        yield NormTable(id="norm-table")
        yield RunsView(id="runs-view")

    @property
    def table_shown(self) -> bool:
        """True while the runs table is shown in place of the charts."""
        return self.has_class("-table")

    def show_table(self, on: bool) -> None:
        """The runs table (and the sweep's charts) in place of the charts, legend and norm table,
        or back; the table takes the keyboard while shown (arrows pick a column, enter sorts)."""
        self.set_class(on, "-table")
        table = self.query_one(RunsTable)
        if on:
            table.focus()
        elif table.has_focus:
            self.app.set_focus(None)

    def set_task(self, task: str) -> None:
        """Show the charts of a task (a TASKS key): accuracy if it has one, else fit and loss."""
        self.kind = TASKS[task]
        self.set_class(not self.kind.has_accuracy, "-regress")

    def fit_width(self, width: int) -> None:
        """Arrange the charts for the width this area has."""
        charts = self.query_one("#charts")
        charts.set_class(width < STACK_BELOW, "-stacked")
        charts.set_class(width < THREE_CHARTS_FROM, "-compact")

    def draw(self, preset: Preset, runs: list[SessionRun], current: SessionRun | None,
             message: str) -> None:
        """Repaint charts, table, legend and status (called by the app's frame clock)."""
        # Only runs of the shown task: after choosing an image preset, a finished toy run
        # stays in the session until the next start, and its norms must not be drawn here.
        if any(r.task != self.kind.name for r in runs):
            runs = [r for r in runs if r.task == self.kind.name]
        if self.table_shown:
            self.query_one(RunsView).draw(runs, self.kind)
            self.draw_status(preset, current, message)
            return
        for chart in self.query("#charts > *"):
            chart.redraw(runs, self.options)
        shown = next((r for r in runs if r.name == self.table_run), current)
        choice = "n: next run" if len(runs) > 1 else ""
        if shown is None and self.preview is None and self.loading:
            choice = "loading torch …"
        restored = bool(shown and shown.result and shown.result.restored_best)
        self.query_one(NormTable).show(shown.info if shown else self.preview,
                                       shown.result.end_weights if restored else
                                       shown.last if shown else None, choice, restored)
        self.query_one(Legend).show(runs, self.kind, self.options, self.speed)
        self.draw_status(preset, current, message)

    def draw_status(self, preset: Preset, current: SessionRun | None, message: str) -> None:
        """Repaint only the two status lines (cheap; fixed height, so no relayout)."""
        self.query_one("#status", Static).update(status_text(preset, current, message), layout=False)
