"""PlaybackApp: the worker's messages played to the charts at the chosen speed, and replay (the
chart controls are ChartsApp's, app_charts.py)."""

from __future__ import annotations

import time

from textual import on

from regtui.engine import EpochReport, RunResult
from regtui.tui.app_charts import ChartsApp
from regtui.tui.app_frame import NARROW
from regtui.tui.form import runs_text
from regtui.tui.messages import EpochsDone, RunEnded, RunFailed, RunStarted, TrainingDone
from regtui.tui.pacing import DEFAULT_SPEED, SPEEDS, Replay, speed_label
from regtui.tui.session import SessionRun
from regtui.tui.widgets.live_view import LiveView
from regtui.tui.widgets.settings import SettingsPane


class PlaybackApp(ChartsApp):
    """Meters the training's reports out to the view, and replays finished runs."""

    exit_when_done: bool
    exit_delay: float
    table_at_end: bool
    _pane_hidden_by_table: bool

    @on(RunStarted)
    @on(EpochsDone)
    @on(RunEnded)
    @on(RunFailed)
    @on(TrainingDone)
    def _queue(self, message) -> None:
        """Worker messages wait in the pacer, which plays them to the view at the chosen speed."""
        self.pacer.push(message)

    def _frame(self, force: bool = False) -> None:
        """The frame clock (every TICK_S): release what the pacer has due, then draw it.

        `force` draws now whatever the budget says: used when a run ends, so its final
        state is on screen at once.
        """
        if not self.is_running:
            # Shutting down: Textual removes the widgets before it stops the app's timers, and a
            # tick in between found no LiveView (seen on loaded machines, as a test failure).
            return
        self._draw(self._pace() or force)

    def _pace(self) -> bool:
        """Apply what the pacer releases now; True when a run ended (its final frame is due)."""
        ended = False
        for item in self.pacer.release(time.monotonic()):
            if isinstance(item, EpochReport):
                if self.current is not None:
                    self.current.add(item)
                    self._dirty = True
            else:
                ended |= isinstance(item, RunEnded)
                {RunStarted: self._run_started, RunEnded: self._run_ended, RunFailed: self._run_failed,
                 TrainingDone: self._training_done}[type(item)](item)
        return ended

    def speed_text(self) -> str:
        """The playback speed for the status line or a title: 'x1', 'x0.25', 'full'."""
        return speed_label(self.pacer.speed)

    def _show_speed(self) -> None:
        self.query_one(LiveView).speed = self.speed_text()
        self._redraw_all()

    def action_speed(self, step: int) -> None:
        """-: slower, +: faster; the fastest choice is full speed (no pacing)."""
        i = SPEEDS.index(self.pacer.speed) if self.pacer.speed in SPEEDS else SPEEDS.index(DEFAULT_SPEED)
        self.pacer.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i + step))]
        self._show_speed()
        self.notify(f"Speed {self.speed_text()}", timeout=1.5)

    def action_replay(self) -> None:
        """Play the session's finished runs again from epoch 1 at the current speed."""
        self._replay([r.result for r in self.runs if r.result is not None])

    def _replay(self, results: list[RunResult]) -> None:
        self.pacer.clear()
        self.runs.clear()
        self.current = None
        for result in results:
            for message in Replay(result).messages():
                self.pacer.push(message)
        self.pacer.push(TrainingDone(stopped=False))
        self.message_line = f"Replaying {runs_text(len(results))} at {self.speed_text()} (-/+ speed)"
        self._state_changed()

    def action_toggle_table(self) -> None:
        """The runs table (every run or seed group, sortable, and the sweep's chart) or the charts."""
        self._show_table(not self.query_one(LiveView).table_shown)

    def _show_table(self, on: bool) -> None:
        """The table takes the settings pane's width too (h shows it); the charts give it back."""
        pane = self.query_one(SettingsPane)
        if on and pane.display:
            pane.display, self._pane_hidden_by_table = False, True
        elif not on and self._pane_hidden_by_table:
            pane.display, self._pane_hidden_by_table = True, False
        self._layout_for_size()
        self.query_one(LiveView).show_table(on)
        self._redraw_all()
        self._draw(force=True)  # at once, whatever the budget

    def _run_started(self, message: RunStarted) -> None:
        for note in message.info.notes:
            self.notify(note, title="Data warning", severity="warning", timeout=10, markup=False)
        self.current = SessionRun(message.info.config.name, message.info)
        self.runs.append(self.current)
        self._redraw_all()

    def _run_ended(self, message: RunEnded) -> None:
        if self.current is not None:
            self.current.result = message.result
        self.refresh_bindings()  # w can save now, r can replay

    def _run_failed(self, message: RunFailed) -> None:
        self.notify(message.error, title=f"Run {message.name} failed", severity="error", timeout=10,
                    markup=False)
        self.message_line = f"Run {message.name} failed: {message.error}"

    def _training_done(self, message: TrainingDone) -> None:
        pane = self.query_one(SettingsPane)
        pane.disabled = False
        if self.size.width >= NARROW and not self.viewer:  # narrow screens and `show` keep the charts
            pane.display = True
        self._layout_for_size()
        ended = f"Failed: {message.error}. " if message.error else \
            "Stopped. " if message.stopped else "Done. "
        self.message_line = ended + "t table/charts · s run again · a run all · w save · c clear · h settings"
        self._state_changed()
        if self.table_at_end:  # a run-all ended: its runs side by side (and the sweep's chart)
            self.table_at_end = False
            self._show_table(True)
        if self.exit_when_done:
            if self.exit_delay > 0:
                self.set_timer(self.exit_delay, lambda: self.exit(0))
            else:
                self.exit(0)
