"""ChartsApp: the chart controls: metric pages, the epoch cursor, the run filter, solo, zoom,
log scale, hiding runs, and the norm table's run.

Part of the app's chain (app.py -> app_start.py -> app_playback.py -> app_charts.py ->
app_frame.py). The palette's run list and metric picker (regtui.tui.palette) call the
methods here by name.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.widgets import Input

from regtui.tui.app_frame import FrameApp
from regtui.tui.filters import FilterError, parse_filter
from regtui.tui.groups import chart_lines
from regtui.tui.metrics import CHOSEN, MAX_CHARTS, step_word
from regtui.tui.palette import ChartCommands
from regtui.tui.widgets.filter_bar import FilterBar
from regtui.tui.widgets.live_view import LiveView

ZOOMS = ((None, False), (None, True), (50, False), (20, False))  # (last N, fit): z cycles them
CURSOR_KEYS = ("cursor_move", "cursor_end", "cursor_row")


class ChartsApp(FrameApp):
    """What the chart controls change; every change is drawn by the frame clock."""

    COMMANDS = App.COMMANDS | {ChartCommands}
    # The cursor's keys act only while it is on (check_action); otherwise they pass silently.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "cursor_move(-1)", show=False), Binding("right", "cursor_move(1)", show=False),
        Binding("home", "cursor_end(0)", show=False), Binding("end", "cursor_end(1)", show=False),
        Binding("up", "cursor_row(-1)", show=False), Binding("down", "cursor_row(1)", show=False)]
    _solo_pending = False  # o was pressed: the next run number solos that run
    _filter_before = None  # the filter as it was when f opened its input (escape restores it)

    @property
    def view(self) -> LiveView:
        return self.query_one(LiveView)

    def _set_options(self, **changes) -> None:
        view = self.view
        view.options = replace(view.options, **changes)
        cursor = view.options.cursor
        if cursor is not None:  # the cursor stays on the axis whatever it now spans
            window = view.window()
            view.options = replace(view.options, cursor=min(max(cursor, window.lo), window.hi))
        self._redraw_all()

    def _fresh_view(self) -> LiveView:
        """The view as the session is now: drawn at once if runs changed since the last frame
        (a key pressed right after runs arrived reads them, not the frame before)."""
        if self._dirty:
            self._draw(force=True)
        return self.view

    def chart_why_not(self, action: str, *params: object) -> str | None:
        """Why a chart control cannot act now (None: it can); app.why_not asks here too."""
        action = action.partition("(")[0]
        if action in ("cursor", "solo"):
            self._fresh_view()
        if action == "cursor" and self.view.options.cursor is None and not self._data_end():
            return "No epochs on the charts yet: the cursor reads each run's values at an epoch."
        if action in CURSOR_KEYS and self.view.options.cursor is None:
            return "The epoch cursor is off: v turns it on."
        if action == "solo" and not chart_lines(self.runs):
            return "No runs yet: nothing to solo."
        return None

    def leave_chart_modes(self) -> None:
        """Escape with no field focused: the epoch cursor goes, a pending solo is forgotten."""
        self._solo_pending = False
        if self.view.options.cursor is not None:
            self._set_options(cursor=None)

    # ----- pages and metrics (m, the palette) -------------------------------------------
    def action_next_page(self) -> None:
        """m: the next page of charts (accuracy & norm, losses, layer norms, noisy labels ...)."""
        self.view.next_page()  # the charts' titles and the legend say which page it is
        self._redraw_all()

    def show_page(self, name: str) -> None:
        self.view.show_page(name)
        self._redraw_all()

    def toggle_metric(self, key: str) -> None:
        """Add a metric to the page of chosen metrics (at most four), or take it off."""
        view = self.view
        chosen = [k for k in view.chosen if k != key] if key in view.chosen else [*view.chosen, key]
        view.chosen = tuple(chosen[-MAX_CHARTS:])
        if view.chosen:
            self.show_page(CHOSEN)
        else:
            self.show_page(view.pages()[0].name)

    # ----- the epoch cursor (v) ----------------------------------------------------------
    def _data_end(self) -> int:
        """The last epoch any drawn line has reached on the axis (0: none)."""
        view, window = self.view, self.view.window()
        data = max((r.epochs[-1] for _, line in view.shown_lines() for r in line.runs if r.epochs), default=0)
        return min(data, window.hi)

    def action_cursor(self) -> None:
        """v: the epoch cursor on (at the last epoch drawn) or off."""
        view = self.view
        if view.options.cursor is not None:
            self._set_options(cursor=None)
            return
        self.set_focus(None)  # the arrows are the cursor's now, not a settings field's
        lines = view.shown_lines()
        if view.picked not in [line.key for _, line in lines]:
            view.picked = lines[0][1].key if lines else None
        self._set_options(cursor=self._data_end())

    def action_cursor_move(self, steps: int) -> None:
        """←/→: one chart column (at least one epoch) back or on."""
        self._set_options(cursor=self.view.options.cursor + steps * self.view.cursor_step())

    def action_cursor_end(self, end: int) -> None:
        """home/end: the first epoch on the axis, or the last one drawn."""
        self._set_options(cursor=self._data_end() if end else self.view.window().lo)

    def action_cursor_row(self, step: int) -> None:
        """↑/↓: pick the previous or next line in the values table (o solos it)."""
        view = self.view
        keys = [line.key for _, line in view.shown_lines()]
        if keys:
            at = keys.index(view.picked) if view.picked in keys else 0
            view.picked = keys[max(0, min(len(keys) - 1, at + step))]
            self._redraw_all()

    # ----- which lines: hide, solo, filter -----------------------------------------------
    def action_toggle_run(self, number: int) -> None:
        """Hide or show the session's line `number` (1-based, as numbered in the legend): a run,
        or a seed group with all its members; just after o, solo it instead."""
        key = chart_lines(self.runs)[number - 1].key
        if self._solo_pending:
            self.solo_line(key)
        else:
            self.toggle_line(key)

    def toggle_line(self, key: str) -> None:
        self._set_options(hidden=frozenset(set(self.view.options.hidden) ^ {key}))

    def solo_line(self, key: str) -> None:
        """Show only this line (a run or seed group); o again shows every run."""
        self._solo_pending = False
        self._set_options(solo=key)
        self.notify(f"Solo: {key} · o shows every run again", timeout=3)

    def action_solo(self) -> None:
        """o: solo the run picked in the cursor's table, else the run whose number comes next;
        with a run soloed, show every run again."""
        view = self.view
        if view.options.solo is not None:
            self._solo_pending = False
            self._set_options(solo=None)
            self.notify("Every run shown again", timeout=2)
        elif view.options.cursor is not None and view.picked is not None:
            self.solo_line(view.picked)
        else:
            self._solo_pending = True
            self.notify("Solo: press the run's number (1-9); runs past 9: ctrl+p, Solo run", timeout=4)

    def show_all_runs(self) -> None:
        """Every run of the session on the charts: no filter, no solo, none hidden."""
        self._set_options(hidden=frozenset(), solo=None, query=None)

    def action_filter(self) -> None:
        """f: type words to filter the runs by (labels=random lr=0.001 noise6)."""
        bar = self.view.query_one(FilterBar)
        self._filter_before = self.view.options.query
        bar.value = self._filter_before.text if self._filter_before else ""
        bar.cursor_position = len(bar.value)  # typing goes on from the end (ctrl+u clears it all)
        bar.display = True
        self.set_focus(bar)  # now, not after a refresh (Widget.focus): a burst of keys typed goes in

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        """The charts follow the words as they are typed, whenever they make a filter."""
        with suppress(FilterError):  # else marked invalid by its validator; said on enter
            self._set_options(query=parse_filter(event.value))

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        try:
            query = parse_filter(event.value)
        except FilterError as exc:
            self.notify(str(exc), title="Filter", severity="error", timeout=6, markup=False)
            return
        self._set_options(query=query)
        self._close_filter()
        shown = sum(query.matches(line) for line in chart_lines(self.runs)) if query else None
        if shown == 0 and self.runs:
            self.notify(f"No run matches {query.text!r}: f changes it", severity="warning", timeout=5)

    @on(FilterBar.Cancelled)
    def _filter_cancelled(self) -> None:
        self._set_options(query=self._filter_before)
        self._close_filter()

    def _close_filter(self) -> None:
        self.view.query_one(FilterBar).display = False
        self.set_focus(None)

    # ----- axis, scale, table -------------------------------------------------------------
    def action_zoom(self) -> None:
        """z: the epochs shown: the whole run (fitted when it would squeeze the data), fitted to
        the visible runs, the last 50, the last 20."""
        options = self.view.options
        now = (options.last, options.fit)
        last, fit = ZOOMS[(ZOOMS.index(now) + 1) % len(ZOOMS)] if now in ZOOMS else ZOOMS[0]
        self._set_options(last=last, fit=fit)
        word = step_word(self.view.kind)
        self.notify(f"last {last} {word}s" if last else f"{word}s fitted to the runs" if fit else
                    f"the whole run ({word}s fitted when the plan would squeeze them)", timeout=2)

    def action_toggle_log(self) -> None:
        """Norm charts on a log scale, or back to linear."""
        self._set_options(log=not self.view.options.log)

    def action_next_table_run(self) -> None:
        """Show the next run's per-layer norms in the table (after the last: the current run)."""
        view = self.view
        names = [r.name for r in self.runs]
        i = names.index(view.table_run) + 1 if view.table_run in names else 0
        view.table_run = names[i] if i < len(names) else None
        self._redraw_all()

    @on(Input.Changed, "#f-epochs")
    def plan_axis(self) -> None:
        """Before any run the epoch axis spans the pane's Epochs (typed, or loaded with a preset)."""
        try:
            epochs = int(self.query_one("#f-epochs", Input).value.strip())
        except ValueError:
            return  # the field marks and explains a bad value itself
        if epochs > 0 and epochs != self.view.options.planned:
            self._set_options(planned=epochs)
