"""The main area of the app: status lines, a page of live charts, legend, the epoch cursor's
values, the per-layer norm table and the run filter's input, or in their place (key t) the
runs table and the sweep's charts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from regtui.engine import TASKS, RunInfo, TaskKind, task_of
from regtui.engine.config import RunConfig
from regtui.experiments.presets import Preset
from regtui.tui.groups import Line, chart_lines
from regtui.tui.metrics import (
    ACCURACY,
    FIT,
    MAX_CHARTS,
    TOY_LOSS,
    Metric,
    Page,
    metrics_for,
    pages,
    shown_metrics,
    step_word,
)
from regtui.tui.session import SessionRun
from regtui.tui.status import status_text
from regtui.tui.widgets.axes import Window, epoch_window
from regtui.tui.widgets.charts import AccuracyChart, ChartOptions, LiveChart, MetricChart, NormChart
from regtui.tui.widgets.colors import Palette, palette_for
from regtui.tui.widgets.filter_bar import FilterBar
from regtui.tui.widgets.legend import Legend
from regtui.tui.widgets.norm_table import NormTable
from regtui.tui.widgets.runs_table import RunsTable, RunsView
from regtui.tui.widgets.toy_charts import FitChart, LossChart
from regtui.tui.widgets.values import ValuesTable, values_table

STACK_BELOW = 70  # two charts go one above the other when this area is narrower than this
THREE_CHARTS_FROM = 110  # the toy view adds the norm chart from this width (the table has it too)
FIXED = {ACCURACY: "#accuracy", FIT: "#fit", TOY_LOSS: "#loss", "total_norm": "#norm"}


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
    options = ChartOptions()  # the chart controls' choices (log, epochs, hidden runs, cursor ...)
    table_run: str | None = None  # run whose norms the table shows (None: the current run)
    speed = ""  # playback speed as shown in the legend, e.g. 'x1'
    loading = False  # torch is still loading: the table has no preview yet and says so

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.page = 0  # index into pages(): m cycles them
        self.chosen: tuple[str, ...] = ()  # metrics picked in the palette: the last page
        self.picked: str | None = None  # the values table's picked line (↑/↓), which o solos
        self._width = 120  # columns this area has
        self._runs: list[SessionRun] = []  # the runs of the shown task, as last drawn
        self._arranged: list[str] = []  # the layers the pages were arranged for

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="charts"):
            yield AccuracyChart(id="accuracy")
            yield FitChart(id="fit")
            yield LossChart(id="loss")
            yield NormChart(id="norm")
            for n in range(1, MAX_CHARTS + 1):
                yield MetricChart(id=f"metric-{n}")
        yield Legend(id="legend")
        yield ValuesTable(id="values")
        yield NormTable(id="norm-table")
        yield RunsView(id="runs-view")
        yield FilterBar(id="filter")

    def on_mount(self) -> None:
        self.query_one(ValuesTable).display = False
        self.query_one(FilterBar).display = False
        self.arrange_page()

    @property
    def palette(self) -> Palette:
        return palette_for(self.app.console.color_system)

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
        if TASKS[task] is not self.kind:
            self.page = 0
        self.kind = TASKS[task]
        self.set_class(not self.kind.has_accuracy, "-regress")
        self.arrange_page()

    def fit_width(self, width: int) -> None:
        """Arrange the charts for the width this area has."""
        self._width = width
        self.arrange_page()

    # ----- pages of charts ---------------------------------------------------------------
    def layer_names(self) -> list[str]:
        """The parameter tensors of the shown task's runs (before any run: the preview model's)."""
        infos = [r.info for r in self._runs] or ([self.preview] if self.preview else [])
        return list(dict.fromkeys(layer.name for info in infos for layer in info.layers))

    def pages(self) -> list[Page]:
        return pages(self.kind, self.layer_names(), self.chosen)

    def current_page(self) -> Page:
        all_pages = self.pages()
        return all_pages[self.page % len(all_pages)]

    def catalogue(self) -> dict[str, Metric]:
        return metrics_for(self.kind, self.layer_names())

    def arrange_page(self) -> None:
        """Show the current page's charts, two side by side (one above the other when narrow) or
        two by two; the toy's first page keeps its three in a row from THREE_CHARTS_FROM columns."""
        self._arranged = self.layer_names()
        page, catalogue = self.current_page(), self.catalogue()
        keys = [k for k in page.charts if not (k == "total_norm" and FIT in page.charts
                                                and self._width < THREE_CHARTS_FROM)]
        shown: list[LiveChart] = []
        pool = iter(self.query(MetricChart).exclude("#norm"))
        for key in keys:
            chart = self.query_one(FIXED[key], LiveChart) if key in FIXED else next(pool)
            if isinstance(chart, MetricChart) and key not in FIXED:
                chart.show_metric(catalogue.get(key))
            shown.append(chart)
        for chart in self.query("#charts > *"):
            chart.display = chart in shown
        charts = self.query_one("#charts")
        charts.set_class(len(shown) <= 2 and self._width < STACK_BELOW, "-stacked")
        charts.set_class(len(shown) > 2 and FIT not in page.charts, "-grid")

    def next_page(self) -> Page:
        """m: the next page of charts."""
        self.page = (self.page + 1) % len(self.pages())
        self.arrange_page()
        return self.current_page()

    def show_page(self, name: str) -> None:
        """The page called `name` (the palette)."""
        names = [p.name for p in self.pages()]
        self.page = names.index(name) if name in names else 0
        self.arrange_page()

    def screen_metrics(self) -> list[Metric]:
        """The metrics the page's charts draw, for the values table."""
        catalogue = self.catalogue()
        return [m for key in self.current_page().charts for m in shown_metrics(key, self.kind, catalogue)]

    # ----- what is drawn ---------------------------------------------------------------
    def shown_lines(self) -> list[tuple[int, Line]]:
        """(line index, line) of the lines the charts draw."""
        return [(i, line) for i, line in enumerate(chart_lines(self._runs)) if self.options.shows(line)]

    def window(self) -> Window:
        """The epoch axis of the page (every chart shares it)."""
        o = self.options
        return epoch_window([line for _, line in self.shown_lines()], o.last, o.fit, o.planned)

    def cursor_step(self) -> int:
        """Epochs one cursor step moves: one column of a chart (at least one epoch)."""
        shown = [chart.size.width for chart in self.query("#charts > *") if chart.display]
        window, columns = self.window(), max(10, (shown[0] if shown else 40) - 8)  # less the y labels
        return max(1, round((window.hi - window.lo) / columns))

    def draw(self, preset: Preset, runs: list[SessionRun], current: SessionRun | None,
             message: str) -> None:
        """Repaint charts, table, legend and status (called by the app's frame clock)."""
        # Only runs of the shown task: after choosing an image preset, a finished toy run
        # stays in the session until the next start, and its norms must not be drawn here.
        if any(r.task != self.kind.name for r in runs):
            runs = [r for r in runs if r.task == self.kind.name]
        self._runs = runs
        if self.table_shown:  # the norm and values tables' display is set here, not by the CSS
            self.query_one(NormTable).display = self.query_one(ValuesTable).display = False
            self.query_one(RunsView).draw(runs, self.kind)
            self.draw_status(preset, current, message)
            return
        if self.layer_names() != self._arranged:
            self.arrange_page()  # the layer norm pages follow the model
        for chart in self.query("#charts > *"):
            chart.redraw(runs, self.options)
        self.draw_table(runs, current)
        pages_ = self.pages()
        page = self.current_page() if self.page % len(pages_) else None
        self.query_one(Legend).show(runs, self.kind, self.options, self.speed, self.palette, self.window(),
                                    page)
        self.draw_values()
        self.draw_status(preset, current, message)

    def draw_table(self, runs: list[SessionRun], current: SessionRun | None) -> None:
        """The per-layer norm table: the chosen run (n), else the current one, else the preview."""
        shown = next((r for r in runs if r.name == self.table_run), current)
        choice = "n: next run" if len(runs) > 1 else ""
        if shown is None and self.preview is None and self.loading:
            choice = "loading torch …"
        restored = bool(shown and shown.result and shown.result.restored_best)
        self.query_one(NormTable).show(shown.info if shown else self.preview,
                                       shown.result.end_weights if restored else
                                       shown.last if shown else None, choice, restored)

    def draw_values(self) -> None:
        """The epoch cursor's values table, in place of the norm table while the cursor is on."""
        cursor, values = self.options.cursor, self.query_one(ValuesTable)
        values.display = cursor is not None
        self.query_one(NormTable).display = cursor is None
        if cursor is not None:
            limit = max(3, self.app.size.height // 5)
            values.update(values_table(self.shown_lines(), self.screen_metrics(), cursor,
                                       step_word(self.kind), self.palette, self.picked, limit))

    def draw_status(self, preset: Preset, current: SessionRun | None, message: str) -> None:
        """Repaint only the two status lines (cheap; fixed height, so no relayout)."""
        pacer = getattr(self.app, "pacer", None)
        screen = pacer.screen_pace(current.last) if pacer is not None and current and current.last else None
        self.query_one("#status", Static).update(status_text(preset, current, message, screen), layout=False)
