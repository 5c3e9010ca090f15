"""RegtuiApp: choose an experiment, watch it train live, compare runs, save them."""

from __future__ import annotations

import ast
import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer, Select, Static
from textual.worker import Worker, get_current_worker

from regtui.engine import EpochReport, RunResult
from regtui.engine.config import ConfigError, RunConfig, from_mapping
from regtui.engine.tasks import TASKS
from regtui.experiments.presets import Preset, load_preset, preset_paths
from regtui.experiments.seeds import base_runs, expand_seeds, member_seeds
from regtui.tui.form import names_for_all, plan, runs_text
from regtui.tui.groups import chart_lines
from regtui.tui.keys import COMMANDS, bindings
from regtui.tui.loading import EngineReady, load_engine, loading_text, torch_loaded, torch_ready
from regtui.tui.messages import EpochsDone, RunEnded, RunFailed, RunStarted, TrainingDone
from regtui.tui.pacing import DEFAULT_SPEED, SPEEDS, Pacer, Replay, speed_label
from regtui.tui.session import SessionRun
from regtui.tui.training import train_runs
from regtui.tui.widgets.budget import TICK_S, RedrawBudget
from regtui.tui.widgets.confirm import ConfirmScreen
from regtui.tui.widgets.help import HelpScreen
from regtui.tui.widgets.live_view import LiveView, preview_info
from regtui.tui.widgets.norm_table import NormTable
from regtui.tui.widgets.settings import SettingsPane

ANIMATION_EVERY = 50  # toy regression: steps between two frames of the fitted-curve animation
HINT = "s: start a run · a: run the whole preset · ?: help.  Table: initial weights."
QUIT_WAIT_S = 30.0  # the longest quit waits for the training thread to leave
NARROW = 110  # below this many columns the settings pane hides itself while training
MIN_SIZE = (80, 24)  # below this (columns, rows) the app says so instead of squeezing the charts
SHORT = 32  # below this many rows the norm table shows only its total row: charts come first


def seeds_words(cfg: RunConfig) -> str:
    """' over seeds 2021, 7' for a run repeated over seeds; '' for a single run."""
    seeds = member_seeds(cfg)
    return f" over seeds {', '.join(map(str, seeds))}" if len(seeds) > 1 else ""


class RegtuiApp(App[int]):
    """The interactive front end; a second consumer of the engine's per-epoch stream."""

    CSS_PATH = "app.tcss"
    TITLE = "regtui"
    # Plain bindings, not priority ones: a focused field takes every printable key first, so
    # typing "2cq" into Epochs types; escape leaves the field and the letters are commands.
    BINDINGS: ClassVar[list[BindingType]] = bindings()

    def __init__(self, preset: str | None = None, autostart: bool = False,
                 exit_when_done: bool = False, exit_delay: float = 2.0,
                 out_dir: Path = Path("runs"), speed: float | None = DEFAULT_SPEED,
                 saved: list[RunResult] | None = None,
                 on_torch: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.on_torch = on_torch  # called in the loading thread once torch is imported
        self.pacer = Pacer(speed)  # meters the worker's reports out to the view (main thread)
        self.preset_key = preset or "memorization"  # a bundled name or a .toml path
        self.preset: Preset = load_preset(self.preset_key)
        self.saved = saved or []  # `regtui show`: finished runs to replay on start
        if self.saved:
            self.preset = Preset("saved runs", f"{runs_text(len(self.saved))} saved · r replay · -/+ speed",
                                 Path("."), tuple(r.info.config for r in self.saved))
        self.autostart = autostart
        self.exit_when_done = exit_when_done
        self.exit_delay = exit_delay
        self.out_dir = out_dir
        self.runs: list[SessionRun] = []
        self.current: SessionRun | None = None
        self.message_line = HINT
        self._worker: Worker | None = None
        self._worker_done = threading.Event()
        self._worker_done.set()
        self.frame_budget = RedrawBudget()
        self._dirty = True
        self.engine_ready = False  # torch and the engine imported (a worker loads them after mount)
        self._loading_since: float | None = time.monotonic()  # None: loading failed
        self._pending: str | None = None  # "start" or "start_all", pressed before torch was ready

    # ----- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            options = [(name, name) for name in preset_paths()]
            if self.preset_key not in preset_paths():  # a preset file of the user's
                options.append((f"{self.preset.name} (file)", self.preset_key))
            yield SettingsPane(options, self.preset_key, id="settings")
            yield LiveView(id="main")
        yield Static("terminal too small (needs {}x{})".format(*MIN_SIZE), id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LiveView).loading = True
        self._show_preset(self.preset)
        self._layout_for_size()
        self.set_interval(TICK_S, self._frame)
        self._show_speed()
        if self.saved:
            self.query_one(SettingsPane).display = False  # the charts get the room (h: settings)
            self._layout_for_size()
            self._replay(self.saved)
        elif self.autostart:
            self._pending = "start_all"  # as soon as torch is ready
        if torch_loaded():  # already imported (tests, a second app): nothing to wait for
            self._engine_ready(EngineReady(torch_ready(self.on_torch)))
        else:  # paint first: the import holds the GIL much of the time for a second or more
            self.call_after_refresh(self._load_engine)

    # ----- torch, loaded in the background ---------------------------------------------
    @work(thread=True, exit_on_error=False, group="loading", name="loading torch")
    def _load_engine(self) -> None:
        try:
            ready = EngineReady(load_engine(self.on_torch))
        except Exception as exc:  # a broken torch install: say so instead of loading forever
            ready = EngineReady([], f"{type(exc).__name__}: {exc}")
        self.post_message(ready)

    @on(EngineReady)
    def _engine_ready(self, message: EngineReady) -> None:
        """torch has loaded: offer its devices, show the norm preview, start what was asked."""
        if message.error:
            self._pending, self._loading_since = None, None
            self.message_line = f"Could not load torch, so nothing can train: {message.error}"
            self.notify(self.message_line, severity="error", timeout=15, markup=False)
            self._refresh_status()
            return
        self.engine_ready = True
        self.query_one(LiveView).loading = False
        self.query_one(SettingsPane).set_devices(message.devices)
        self._preview_norms()
        pending, self._pending = self._pending, None
        if pending is not None:
            self.call_after_refresh(getattr(self, f"action_{pending}"))
        else:
            self._refresh_status()

    def on_resize(self, event: events.Resize) -> None:
        self._layout_for_size(event.size)  # self.size is updated after this handler

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

    # ----- presets and form -----------------------------------------------------------
    def _show_preset(self, preset: Preset) -> None:
        """Show a preset in the pane; the status line and the table follow it at once."""
        self.preset = preset
        self.current = None  # the table shows the new preset's model, not the last run's
        self.query_one(SettingsPane).show_preset(preset)
        self._set_task(preset.runs[0].task)
        self.message_line = HINT
        self._preview_norms()
        self._refresh_status()

    def _set_task(self, task: str) -> None:
        view = self.query_one(LiveView)
        if TASKS[task] is not view.kind:  # a zoom to "the last 20 epochs" means nothing for
            view.options = replace(view.options, last=None)  # 10,000 toy steps: whole run again
        view.set_task(task)
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
        if not self.engine_ready:
            self._redraw_all()  # the table says torch is loading; _engine_ready comes back here
            return
        try:
            cfg = self.query_one(SettingsPane).run_config([])
        except ConfigError:
            return  # an invalid field: it is marked already; no preview meanwhile
        if cfg.dataset != "folder":  # a folder's class count is unknown until it is read
            view.preview = preview_info(cfg)
        self._redraw_all()

    # Notifications that quote user text (paths, preset keys like '[defaults]') pass
    # markup=False, so Textual shows the text as written instead of parsing it as markup.

    # ----- when a command can act ---------------------------------------------------------
    @property
    def training(self) -> bool:
        """True while the training thread is alive (set until it has really left)."""
        return not self._worker_done.is_set()

    @property
    def busy(self) -> bool:
        """True while training, or while the pacer still plays runs (training may have ended)."""
        return self.training or self.pacer.busy

    def why_not(self, action: str, *params: object) -> str | None:
        """Why `action` cannot act now, in words for the user; None when it can.

        `action` is a name with its parameters apart (check_action) or written in (a
        binding, the palette): "toggle_run", 3 or "toggle_run(3)".
        """
        action, _, args = action.partition("(")
        if args:
            params = ast.literal_eval(f"({args[:-1]},)")
        busy = ("A run is in progress: stop it first (x)." if self.training else
                "Runs are playing: wait, or skip to the end (x).")
        finished = any(r.result is not None for r in self.runs)
        if action in ("start", "start_all", "choose_preset", "replay", "clear") and self.busy:
            return busy
        reasons = {
            "clear": None if self.runs else "Nothing to clear: no runs yet.",
            "stop": None if self.busy else "Nothing is running.",
            "save": None if finished else "Nothing to save yet: no run has ended.",
            "replay": None if finished else "Nothing to replay yet: no run has ended.",
            "next_table_run": None if self.runs else "No runs yet: the table shows the initial weights.",
        }
        if action == "speed" and params:
            if params[0] < 0 and self.pacer.speed == SPEEDS[0]:
                return f"Already the slowest speed ({self.speed_text()})."
            if params[0] > 0 and self.pacer.speed is None:
                return "Already at full speed."
        if action == "toggle_run" and params and int(params[0]) > len(chart_lines(self.runs)):
            return f"There is no run {params[0]}: the legend numbers the session's runs and seed groups."
        return reasons.get(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None (dimmed in the footer) when a command cannot act; its key then reaches the
        hidden `why_not` binding, which says why."""
        return None if self.why_not(action, *parameters) else True

    def action_why_not(self, action: str) -> None:
        """Say why the command bound to the key just pressed cannot act now."""
        reason = self.why_not(action)
        if reason:
            self.notify(reason, severity="warning", timeout=4)

    def _state_changed(self) -> None:
        """Training started or ended, runs came or went: re-check which keys can act."""
        self.refresh_bindings()
        self._refresh_status()

    def get_system_commands(self, screen: Screen):
        """The command palette (ctrl+p): every command of the app, then Textual's own."""
        for command in COMMANDS:
            yield SystemCommand(command.label, command.description,
                                lambda action=command.action: self.run_command(action))
        ours = {command.label for command in COMMANDS}
        yield from (c for c in super().get_system_commands(screen) if c.title not in ours)

    async def run_command(self, action: str) -> None:
        """Run a command by name, or say why it cannot act now (palette, tests)."""
        if self.why_not(action):
            self.action_why_not(action)
        else:
            await self.run_action(action)

    # ----- actions ----------------------------------------------------------------------
    def _taken(self) -> list[str]:
        """Names a new run (or seed group) must not reuse: the session's runs and groups."""
        return [name for r in self.runs for name in (r.name, r.info.config.group) if name]

    def _wait_for_engine(self, action: str) -> bool:
        """True (and `action` queued) when torch is still loading: it runs once torch is ready."""
        if self.engine_ready:
            return False
        if self._loading_since is None:
            self.notify(self.message_line, severity="error", timeout=8, markup=False)
        else:
            self._pending = action
            self._refresh_status()
        return True

    def action_start(self) -> None:
        """The run in the pane; with Seeds, its members one after another (one group)."""
        if self._wait_for_engine("start"):
            return
        try:
            cfg = self.query_one(SettingsPane).run_config(self._taken())
        except ConfigError as exc:
            self.notify(str(exc), title="Invalid setting", severity="error", timeout=8, markup=False)
            return
        self._launch(list(expand_seeds([cfg])), f"Training {cfg.name}{seeds_words(cfg)}: {plan(cfg)} ...")

    def action_start_all(self) -> None:
        """Every run of the preset, each with its own labels, and the pane's common settings.

        A preset's seed members are folded back into their runs, named anew against the
        session and expanded again (over the pane's Seeds if edited there, else their own).
        """
        if self._wait_for_engine("start_all"):
            return
        try:
            common = self.query_one(SettingsPane).common_settings()
        except ConfigError as exc:
            self.notify(str(exc), title="Invalid setting", severity="error", timeout=8, markup=False)
            return
        bases = base_runs(self.preset.runs)
        names = names_for_all([c.name for c in bases], self._taken())
        try:
            configs = [from_mapping({**c.as_dict(), **common, "name": n}, where="settings")
                       for c, n in zip(bases, names, strict=True)]
        except ConfigError as exc:
            self.notify(str(exc), title="Invalid setting", severity="error", timeout=8, markup=False)
            return
        self._launch(list(expand_seeds(configs)),
                     f"Running all: {', '.join(names)}{seeds_words(configs[0])} · {plan(configs[0])} ...")

    def _launch(self, configs: list[RunConfig], message: str) -> None:
        # The toy fit is an animation here: a snapshot every 50 steps, not the preset's 500.
        configs = [c.replace(snapshot_every=min(c.snapshot_every, ANIMATION_EVERY)) for c in configs]
        self._set_task(configs[0].task)
        if any(r.task != configs[0].task for r in self.runs):
            self.runs.clear()  # toy and image runs do not share charts
        self.query_one(SettingsPane).disabled = True
        if self.size.width < NARROW:
            self.query_one(SettingsPane).display = False
            self._layout_for_size()
        self.message_line = message
        self._worker_done.clear()
        self._worker = self._train(configs)
        self._state_changed()

    @work(thread=True, exclusive=True, exit_on_error=False, group="training", name="training")
    def _train(self, configs: list[RunConfig]) -> None:
        worker = get_current_worker()
        train_runs(configs, self.post_message, lambda: worker.is_cancelled, self._worker_done)

    def action_stop(self) -> None:
        """Stop training after the epoch in progress; when only playback is left, skip to its end."""
        if self.training and self._worker is not None:
            self._worker.cancel()
            self.message_line = "Stopping after the current epoch ..."
            self._refresh_status()
        else:
            self.pacer.speed, speed = None, self.pacer.speed  # release the rest at once ...
            self._frame(force=True)
            self.pacer.speed = speed  # ... and keep the chosen pace for the next run

    def action_clear(self) -> None:
        """Ask, then forget the session's runs (they are not saved unless w was pressed)."""
        n = len(self.runs)
        self.push_screen(ConfirmScreen(f"Clear {n} run{'s' if n != 1 else ''}? "
                                       "Unsaved runs are lost."), self._clear_answered)

    def _clear_answered(self, yes: bool | None) -> None:
        if not yes or self.training:
            return
        self.runs.clear()
        self.pacer.clear()
        self.current = None
        self.message_line = "Cleared."
        self._redraw_all()
        self._state_changed()

    def action_choose_preset(self) -> None:
        pane = self.query_one(SettingsPane)
        pane.display = True
        self._layout_for_size()
        select = self.query_one("#preset", Select)
        select.focus()
        select.action_show_overlay()

    def action_save(self) -> None:
        from regtui.experiments.run_folders import new_session_dir, write_run

        done = [r.result for r in self.runs if r.result is not None]
        try:
            folder = new_session_dir(self.out_dir, f"tui-{self.preset.name}")
            for result in done:
                write_run(folder, result, self.preset.description)
        except OSError as exc:
            self.notify(f"Could not save: {exc}", severity="error", timeout=8, markup=False)
            return
        self.message_line = f"Saved {runs_text(len(done))} to {folder}"
        self.notify(self.message_line, markup=False)
        self._refresh_status()

    def action_toggle_settings(self) -> None:
        pane = self.query_one(SettingsPane)
        pane.display = not pane.display
        self._layout_for_size()

    def action_leave_field(self) -> None:
        """Escape: leave the field being edited, so every key is a command again."""
        self.set_focus(None)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Quit at once when idle; while training, ask first (q and ctrl+q alike)."""
        if not self.training:
            self.exit(0)
        elif not isinstance(self.screen, ConfirmScreen):
            self.push_screen(ConfirmScreen("A run is in progress: stop it and quit?"),
                             self._quit_answered)

    async def _quit_answered(self, yes: bool | None) -> None:
        if yes:
            await self.stop_and_exit()

    async def stop_and_exit(self) -> None:
        """Stop training, wait for the worker thread to end, then exit."""
        if self._worker is not None:
            self._worker.cancel()
        deadline = time.monotonic() + QUIT_WAIT_S
        while not self._worker_done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)  # one epoch is milliseconds; the UI stays live meanwhile
        self.exit(0)

    # ----- playback: speed, replay and chart controls ---------------------------------
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
        """Hide or show the session's line `number` (1-based, as numbered in the legend): a run,
        or a seed group with all its members."""
        hidden = set(self.query_one(LiveView).options.hidden) ^ {chart_lines(self.runs)[number - 1].key}
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
        self.refresh_bindings()  # w can save now, r can replay

    def _run_failed(self, message: RunFailed) -> None:
        self.notify(message.error, title=f"Run {message.name} failed", severity="error", timeout=10,
                    markup=False)
        self.message_line = f"Run {message.name} failed: {message.error}"

    def _training_done(self, message: TrainingDone) -> None:
        pane = self.query_one(SettingsPane)
        pane.disabled = False
        if self.size.width >= NARROW and not self.saved:  # narrow screens and `show` keep the charts
            pane.display = True
        self._layout_for_size()
        ended = f"Failed: {message.error}. " if message.error else \
            "Stopped. " if message.stopped else "Done. "
        self.message_line = ended + "s run again · a run all · w save · c clear · h settings"
        self._state_changed()
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
        if not self.is_running:
            # Shutting down: Textual removes the widgets before it stops the app's timers, and a
            # tick in between found no LiveView (seen on loaded machines, as a test failure).
            return
        force = self._pace() or force
        if not self.engine_ready:
            self._refresh_status()
        if not force and (not self._dirty or not self.frame_budget.due()):
            return
        self._dirty = False
        self.frame_budget.start_frame()
        self.query_one(LiveView).draw(self.preset, self.runs, self.current, self._status_message())

    def _status_message(self) -> str:
        """The status line's message: while torch loads, the wait (redrawn every tick: it moves)."""
        if not self.engine_ready and not self.saved and self._loading_since is not None:
            # a replay needs no torch: it shows its own message instead
            return loading_text(time.monotonic() - self._loading_since, self._pending is not None)
        return self.message_line

    def _refresh_status(self) -> None:
        self.query_one(LiveView).draw_status(self.preset, self.current, self._status_message())
