"""FrameApp: the terminal's size and the frame the app draws (charts, table, status lines).

The bottom of the app's chain (app.py -> app_start.py -> app_playback.py -> app_frame.py):
each part is a subclass of App, not a mixin, because Textual collects `@on` handlers only
from classes its metaclass builds. RegtuiApp.__init__ sets every attribute declared here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from textual import events
from textual.app import App
from textual.geometry import Size
from textual.widgets import Select

from regtui.engine.tasks import TASKS
from regtui.experiments.presets import Preset
from regtui.tui.loading import loading_text
from regtui.tui.pacing import Pacer
from regtui.tui.session import SessionRun
from regtui.tui.widgets.budget import RedrawBudget
from regtui.tui.widgets.live_view import LiveView
from regtui.tui.widgets.norm_table import NormTable
from regtui.tui.widgets.settings import SettingsPane

NARROW = 110  # below this many columns the settings pane hides itself while training
MIN_SIZE = (80, 24)  # below this (columns, rows) the app says so instead of squeezing the charts
SHORT = 32  # below this many rows the norm table shows only its total row: charts come first


class FrameApp(App[int]):
    """Lays the screen out for its size and draws the session's runs into it."""

    preset: Preset
    runs: list[SessionRun]
    current: SessionRun | None
    pacer: Pacer
    frame_budget: RedrawBudget
    message_line: str
    viewer: bool
    engine_ready: bool
    _dirty: bool
    _loading_since: float | None
    _pending: str | None
    _pane_hidden_by_table: bool
    _pane_hidden_by_narrow: bool
    fields_ready: bool
    _after_fields: list[Callable[[], object]]

    def on_resize(self, event: events.Resize) -> None:
        self._narrow_pane(event.size.width)
        self._layout_for_size(event.size)  # self.size is updated after this handler

    def _narrow_pane(self, width: int) -> None:
        """During a run, as at its start: the pane hides below NARROW columns (the charts need the
        room) and comes back when the window is widened again, unless the user hid it (h)."""
        pane = self.query_one(SettingsPane)
        if width < NARROW and self.training and pane.display and not self._pane_hidden_by_table:
            pane.display, self._pane_hidden_by_narrow = False, True
        elif width >= NARROW and self._pane_hidden_by_narrow:
            pane.display, self._pane_hidden_by_narrow = True, False

    def _layout_for_size(self, size: Size | None = None) -> None:
        """Fit the layout to the terminal: too small, short, narrow, charts side by side."""
        width, height = size or self.size
        screen = self.screen_stack[0]  # the main screen, also under a modal box
        screen.set_class(width < MIN_SIZE[0] or height < MIN_SIZE[1], "-too-small")
        screen.set_class(width < NARROW, "-narrow")
        # Query the main screen, not the active one: a resize can arrive under a dialog.
        screen.query_one(NormTable).set_total_only(height < SHORT)
        settings = screen.query_one(SettingsPane)
        screen.query_one(LiveView).fit_width(width - (settings.styles.width.value if settings.display else 0))

    def action_toggle_settings(self) -> None:
        pane = self.query_one(SettingsPane)
        pane.display = not pane.display
        self._pane_hidden_by_table = self._pane_hidden_by_narrow = False  # the user's choice from now on
        self._layout_for_size()

    def action_choose_preset(self) -> None:
        if not self.fields_ready:  # pressed in the first frames: the list opens once it is there
            self._after_fields.append(self.action_choose_preset)
            return
        pane = self.query_one(SettingsPane)
        pane.display = True
        self._layout_for_size()
        select = self.query_one("#preset", Select)
        select.focus()
        select.action_show_overlay()

    def _set_task(self, task: str) -> None:
        view = self.query_one(LiveView)
        if TASKS[task] is not view.kind:  # a zoom to "the last 20 epochs" means nothing for
            view.options = replace(view.options, last=None)  # 10,000 toy steps: whole run again
        view.set_task(task)
        self._redraw_all()

    def _state_changed(self) -> None:
        """Training started or ended, runs came or went: re-check which keys can act."""
        self.refresh_bindings()
        self._refresh_status()

    def _redraw_all(self) -> None:
        """Note that something changed; the frame clock draws it when the budget allows."""
        self._dirty = True

    def _draw(self, force: bool = False) -> None:
        """Redraw charts, table and status together, when something changed and the budget
        allows; `force`: now, whatever the budget says."""
        if not self.engine_ready:
            self._refresh_status()
        if not force and (not self._dirty or not self.frame_budget.due()):
            return
        self._dirty = False
        self.frame_budget.start_frame()
        self.query_one(LiveView).draw(self.preset, self.runs, self.current, self._status_message())

    def _status_message(self) -> str:
        """The status line's message: while torch loads, the wait (redrawn every tick: it moves)."""
        if not self.engine_ready and not self.viewer and self._loading_since is not None:
            # the viewer needs no torch: it shows its own message instead
            return loading_text(time.monotonic() - self._loading_since, self._pending is not None)
        return self.message_line

    def _refresh_status(self) -> None:
        self.query_one(LiveView).draw_status(self.preset, self.current, self._status_message())
