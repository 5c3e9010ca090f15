"""RegtuiApp: choose an experiment, watch it train live, compare runs, save them."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Select
from textual.worker import Worker, get_current_worker

from regtui.config import ConfigError, RunConfig
from regtui.engine import EpochReport, RunResult
from regtui.presets import Preset, load_preset, preset_paths
from regtui.tui.form import names_for_all
from regtui.tui.messages import EpochsDone, RunEnded, RunFailed, RunStarted, TrainingDone
from regtui.tui.pacing import DEFAULT_SPEED, SPEEDS, Pacer, Replay, speed_label
from regtui.tui.session import SessionRun
from regtui.tui.training import train_runs
from regtui.tui.widgets.budget import TICK_S, RedrawBudget
from regtui.tui.widgets.help import HelpScreen
from regtui.tui.widgets.live_view import LiveView, preview_info
from regtui.tui.widgets.settings import SettingsPane

ANIMATION_EVERY = 50  # toy regression: steps between two frames of the fitted-curve animation
QUIT_WAIT_S = 30.0  # the longest quit waits for the training thread to leave
NARROW = 100  # below this many columns the settings pane hides itself while training


class RegtuiApp(App[int]):
    """The interactive front end; a second consumer of the engine's per-epoch stream."""

    CSS_PATH = "app.tcss"
    TITLE = "regtui"
    ENABLE_COMMAND_PALETTE = False  # every action has a key; the footer needs the room at 80 columns
    # Priority bindings work even while an Input has focus: the inputs are numeric and
    # restricted to digits, '.', 'e' and signs, so none of these letters is ever typed there.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start", priority=True),
        Binding("a", "start_all", "Run all", priority=True),
        Binding("x", "stop", "Stop", priority=True),
        Binding("c", "clear", "Clear", priority=True, show=False),  # in help; footer room at 80 cols
        Binding("p", "choose_preset", "Preset", priority=True),
        Binding("w", "save", "Save", priority=True),
        Binding("h", "toggle_settings", "Settings", priority=True),
        Binding("question_mark", "help", "Help", priority=True),
        Binding("q", "quit", "Quit", priority=True),
        Binding("escape", "leave_field", "Leave field", show=False),
        # Playback and chart controls (h5). Not priority: typed into a field they are text.
        Binding("minus", "speed(-1)", "Slower", show=False),
        Binding("plus,equals_sign", "speed(1)", "Faster", show=False),
        Binding("r", "replay", "Replay", show=False),
        Binding("l", "toggle_log", "Log scale", show=False),
        Binding("z", "zoom", "Zoom", show=False),
        Binding("n", "next_table_run", "Table run", show=False),
        *[Binding(str(i), f"toggle_run({i})", f"Run {i}", show=False) for i in range(1, 10)],
    ]

    def __init__(self, preset: str | None = None, autostart: bool = False,
                 exit_when_done: bool = False, exit_delay: float = 2.0,
                 out_dir: Path = Path("runs"), speed: float | None = DEFAULT_SPEED,
                 saved: list[RunResult] | None = None) -> None:
        super().__init__()
        self.pacer = Pacer(speed)  # meters the worker's reports out to the view (main thread)
        self.preset_key = preset or "memorization"  # a bundled name or a .toml path
        self.preset: Preset = load_preset(self.preset_key)
        self.saved = saved or []  # `regtui show`: finished runs to replay on start
        if self.saved:
            self.preset = Preset("saved runs", f"{len(self.saved)} saved run(s) · r replay · -/+ speed",
                                 Path("."), tuple(r.info.config for r in self.saved))
        self.autostart = autostart
        self.exit_when_done = exit_when_done
        self.exit_delay = exit_delay
        self.out_dir = out_dir
        self.runs: list[SessionRun] = []
        self.current: SessionRun | None = None
        self.message_line = "s: start a run · a: run the whole preset · ?: help.  Table: initial weights."
        self._worker: Worker | None = None
        self._worker_done = threading.Event()
        self._worker_done.set()
        self.frame_budget = RedrawBudget()
        self._dirty = True

    # ----- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            options = [(name, name) for name in preset_paths()]
            if self.preset_key not in preset_paths():  # a preset file of the user's
                options.append((f"{self.preset.name} (file)", self.preset_key))
            yield SettingsPane(options, self.preset_key, id="settings")
            yield LiveView(id="main")
        yield Footer()

    def on_mount(self) -> None:
        self._show_preset(self.preset)
        self._layout_for_width(self.size.width)
        self.set_interval(TICK_S, self._frame)
        self._show_speed()
        if self.saved:
            self.query_one(SettingsPane).display = False  # the charts get the room (h: settings)
            self._layout_for_width(self.size.width)
            self._replay(self.saved)
        elif self.autostart:
            self.call_after_refresh(self.action_start_all)

    def on_resize(self, event) -> None:
        self._layout_for_width(event.size.width)

    def _layout_for_width(self, width: int) -> None:
        """Stack the charts when the main area is too narrow for two side by side."""
        settings = self.query_one(SettingsPane)
        self.screen.set_class(width < NARROW, "-narrow")
        self.query_one(LiveView).fit_width(width - (settings.styles.width.value if settings.display else 0))

    # ----- presets and form -----------------------------------------------------------
    def _show_preset(self, preset: Preset) -> None:
        self.preset = preset
        self.query_one(SettingsPane).show_preset(preset)
        self._set_task(preset.runs[0].task)
        self._preview_norms()
        self._refresh_status()

    def _set_task(self, task: str) -> None:
        self.query_one(LiveView).set_task(task)
        self._redraw_all()

    @on(SettingsPane.PresetChosen)
    def _preset_chosen(self, event: SettingsPane.PresetChosen) -> None:
        if event.key == self.preset_key:
            return
        try:
            preset = load_preset(event.key)
        except ConfigError as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        self.preset_key = event.key
        self._show_preset(preset)

    @on(SettingsPane.FormChanged)
    def _form_changed(self, event: SettingsPane.FormChanged) -> None:
        if not self.training and not self.runs:  # the charts follow the form while empty
            self._set_task(event.task)
        self._preview_norms()

    def _preview_norms(self) -> None:
        """Before a run, the norm table shows the chosen model's initial weights (seeded)."""
        view = self.query_one(LiveView)
        view.preview = None
        try:
            cfg = self.query_one(SettingsPane).run_config([])
        except ConfigError:
            return  # an invalid field: it is marked already; no preview meanwhile
        if cfg.dataset != "folder":  # a folder's class count is unknown until it is read
            view.preview = preview_info(cfg)
        self._redraw_all()

    # Notifications that quote user text (paths, preset keys like '[defaults]') pass
    # markup=False, so Textual shows the text as written instead of parsing it as markup.

    # ----- actions ----------------------------------------------------------------------
    @property
    def training(self) -> bool:
        """True while the training thread is alive (set until it has really left)."""
        return not self._worker_done.is_set()

    def action_start(self) -> None:
        if self.training:
            self.notify("A run is in progress: stop it first (x).", severity="warning")
            return
        try:
            cfg = self.query_one(SettingsPane).run_config([r.name for r in self.runs])
        except ConfigError as exc:
            self.notify(str(exc), title="Invalid setting", severity="error", timeout=8, markup=False)
            return
        self._launch([cfg])

    def action_start_all(self) -> None:
        if self.training:
            self.notify("A run is in progress: stop it first (x).", severity="warning")
            return
        names = names_for_all([c.name for c in self.preset.runs], [r.name for r in self.runs])
        self._launch([c.replace(name=n) for c, n in zip(self.preset.runs, names, strict=True)])

    def _launch(self, configs: list[RunConfig]) -> None:
        # The toy fit is an animation here: a snapshot every 50 steps, not the preset's 500.
        configs = [c.replace(snapshot_every=min(c.snapshot_every, ANIMATION_EVERY)) for c in configs]
        self._set_task(configs[0].task)
        if any(r.task != configs[0].task for r in self.runs):
            self.runs.clear()  # toy and image runs do not share charts
        self.query_one(SettingsPane).disabled = True
        if self.size.width < NARROW:
            self.query_one(SettingsPane).display = False
            self._layout_for_width(self.size.width)
        self.message_line = f"Training {', '.join(c.name for c in configs)} ..."
        self._worker_done.clear()
        self._worker = self._train(configs)
        self._refresh_status()

    @work(thread=True, exclusive=True, exit_on_error=False, group="training", name="training")
    def _train(self, configs: list[RunConfig]) -> None:
        worker = get_current_worker()
        train_runs(configs, self.post_message, lambda: worker.is_cancelled, self._worker_done)

    def action_stop(self) -> None:
        if self.training and self._worker is not None:
            self._worker.cancel()
            self.message_line = "Stopping after the current epoch ..."
            self._refresh_status()

    def action_clear(self) -> None:
        if self.training:
            self.notify("Stop the run before clearing (x).", severity="warning")
            return
        self.runs.clear()
        self.pacer.clear()
        self.current = None
        self.message_line = "Cleared."
        self._redraw_all()
        self._refresh_status()

    def action_choose_preset(self) -> None:
        pane = self.query_one(SettingsPane)
        pane.display = True
        self._layout_for_width(self.size.width)
        if not pane.disabled:
            select = self.query_one("#preset", Select)
            select.focus()
            select.action_show_overlay()

    def action_save(self) -> None:
        from regtui.results import new_session_dir, write_run

        done = [r.result for r in self.runs if r.result is not None]
        if not done:
            self.notify("Nothing to save yet: no run has ended.", severity="warning")
            return
        try:
            folder = new_session_dir(self.out_dir, f"tui-{self.preset.name}")
            for result in done:
                write_run(folder, result, self.preset.description)
        except OSError as exc:
            self.notify(f"Could not save: {exc}", severity="error", timeout=8, markup=False)
            return
        self.message_line = f"Saved {len(done)} run(s) to {folder}"
        self.notify(self.message_line, markup=False)
        self._refresh_status()

    def action_toggle_settings(self) -> None:
        pane = self.query_one(SettingsPane)
        pane.display = not pane.display
        self._layout_for_width(self.size.width)

    def action_leave_field(self) -> None:
        """Escape: leave the field being edited, so every key is a command again."""
        self.set_focus(None)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Stop training first, wait for the worker thread to end, then exit."""
        if self._worker is not None:
            self._worker.cancel()
        deadline = time.monotonic() + QUIT_WAIT_S
        while not self._worker_done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)  # one epoch is milliseconds; the UI stays live meanwhile
        self.exit(0)

    # ----- playback: speed, replay and chart controls (h5) ----------------------------
    @on(RunStarted)
    @on(EpochsDone)
    @on(RunEnded)
    @on(RunFailed)
    @on(TrainingDone)
    def _queue(self, message) -> None:
        """Worker messages wait in the pacer, which plays them to the view at the chosen speed."""
        self.pacer.push(message)

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
        done = [r.result for r in self.runs if r.result is not None]
        if self.training or not done:
            self.notify("Replay needs finished runs and no training in progress.", severity="warning")
            return
        self._replay(done)

    def _replay(self, results: list[RunResult]) -> None:
        self.pacer.clear()
        self.runs.clear()
        self.current = None
        for result in results:
            for message in Replay(result).messages():
                self.pacer.push(message)
        self.pacer.push(TrainingDone(stopped=False))
        self.message_line = f"Replaying {len(results)} run(s) at {self.speed_text()} (-/+ speed)"
        self._refresh_status()

    def _set_options(self, **changes) -> None:
        view = self.query_one(LiveView)
        view.options = replace(view.options, **changes)
        self._redraw_all()

    def action_toggle_log(self) -> None:
        """Norm chart on a log scale, or back to linear."""
        self._set_options(log=not self.query_one(LiveView).options.log)

    def action_zoom(self) -> None:
        """Cycle the epoch axis: the whole run, the last 50 epochs, the last 20."""
        zooms = (None, 50, 20)
        last = self.query_one(LiveView).options.last
        self._set_options(last=zooms[(zooms.index(last) + 1) % len(zooms)] if last in zooms else None)

    def action_toggle_run(self, number: int) -> None:
        """Hide or show the session's run `number` (1-based, as numbered in the legend)."""
        if number > len(self.runs):
            self.notify(f"There is no run {number}.", severity="warning", timeout=2)
            return
        hidden = set(self.query_one(LiveView).options.hidden) ^ {self.runs[number - 1].name}
        self._set_options(hidden=frozenset(hidden))

    def action_next_table_run(self) -> None:
        """Show the next run's per-layer norms in the table (after the last: the current run)."""
        view = self.query_one(LiveView)
        names = [r.name for r in self.runs]
        i = names.index(view.table_run) + 1 if view.table_run in names else 0
        view.table_run = names[i] if i < len(names) else None
        self._redraw_all()

    # ----- messages from the worker, applied by the pacer (main thread) ---------------
    def _run_started(self, message: RunStarted) -> None:
        for note in message.info.notes:
            self.notify(note, title="Data warning", severity="warning", timeout=10, markup=False)
        self.current = SessionRun(message.info.config.name, message.info)
        self.runs.append(self.current)
        self._redraw_all()

    def _run_ended(self, message: RunEnded) -> None:
        if self.current is not None:
            self.current.result = message.result

    def _run_failed(self, message: RunFailed) -> None:
        self.notify(message.error, title=f"Run {message.name} failed", severity="error", timeout=10,
                    markup=False)
        self.message_line = f"Run {message.name} failed: {message.error}"

    def _training_done(self, message: TrainingDone) -> None:
        pane = self.query_one(SettingsPane)
        pane.disabled = False
        if self.size.width >= NARROW and not self.saved:  # narrow screens and `show` keep the charts
            pane.display = True
        self._layout_for_width(self.size.width)
        self.message_line = ("Stopped. " if message.stopped else "Done. ") + \
            "s run again · a run all · w save · c clear · h settings"
        self._refresh_status()
        if self.exit_when_done:
            if self.exit_delay > 0:
                self.set_timer(self.exit_delay, lambda: self.exit(0))
            else:
                self.exit(0)

    # ----- drawing ------------------------------------------------------------------------
    def _redraw_all(self) -> None:
        """Note that something changed; the frame clock draws it when the budget allows."""
        self._dirty = True

    def _frame(self, force: bool = False) -> None:
        """The frame clock: redraw charts, table and status together, within the budget.

        `force` draws now whatever the budget says: used when a run ends, so its final
        state is on screen at once.
        """
        force = self._pace() or force
        if not force and (not self._dirty or not self.frame_budget.due()):
            return
        self._dirty = False
        self.frame_budget.start_frame()
        self.query_one(LiveView).draw(self.preset, self.runs, self.current, self.message_line)

    def _refresh_status(self) -> None:
        self.query_one(LiveView).draw_status(self.preset, self.current, self.message_line)
