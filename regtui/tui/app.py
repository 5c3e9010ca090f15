"""RegtuiApp: choose an experiment, watch it train live, compare runs, save them.

The app is a chain of five App classes, one seam each: RegtuiApp (state, layout, torch
loading, presets and form, which commands may act) -> ViewerApp (app_viewer.py: `regtui
show`, following folders, export) -> StartApp (app_start.py: start, stop, save, quit) ->
PlaybackApp (app_playback.py: pacing, replay, chart controls) -> FrameApp (app_frame.py:
size and drawing). __init__ here is the one place that sets state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from regtui.engine import RunResult
from regtui.engine.config import ConfigError
from regtui.engine.process_exec import EngineLost, EngineProcess
from regtui.experiments.follow import Follower, FollowUpdate, session_label
from regtui.experiments.presets import Preset, load_preset, preset_paths
from regtui.system.collector import release as release_collector
from regtui.system.errors import EXPECTED
from regtui.tui.app_frame import MIN_SIZE
from regtui.tui.app_viewer import VIEWER_KEY, ViewerApp
from regtui.tui.groups import chart_lines
from regtui.tui.keys import COMMANDS, VIEWER_HIDDEN, bindings, why_not
from regtui.tui.loading import EngineReady, ProcessReady, load_engine, torch_loaded, torch_ready
from regtui.tui.pacing import DEFAULT_SPEED, Pacer
from regtui.tui.session import SessionRun
from regtui.tui.widgets.budget import TICK_S, RedrawBudget
from regtui.tui.widgets.footer import KeysFooter
from regtui.tui.widgets.help import HelpScreen
from regtui.tui.widgets.live_view import LiveView, preview_info
from regtui.tui.widgets.settings import SettingsPane

HINT = "s: start a run · a: run the whole preset · ?: help.  Table: initial weights."
VIEWER_NOTE = ("regtui show is a viewer of saved runs: it does not train (s, a, c and p say so). "
               "It opens on the whole comparison; r replays it, e exports it as an SVG figure; with "
               "--follow it draws runs still being written. To train: {train}.")


class RegtuiApp(ViewerApp):
    """The interactive front end; a second consumer of the engine's per-epoch stream."""

    CSS_PATH = "app.tcss"
    TITLE = "regtui"
    # Plain bindings, not priority ones: a focused field takes every printable key first, so
    # typing "2cq" into Epochs types; escape leaves the field and the letters are commands.
    BINDINGS: ClassVar[list[BindingType]] = bindings()

    def __init__(self, preset: str | None = None, autostart: bool = False,
                 exit_when_done: bool = False, exit_delay: float = 2.0,
                 out_dir: Path = Path("runs"), speed: float | None = DEFAULT_SPEED,
                 saved: list[RunResult] | None = None, follower: Follower | None = None,
                 follow: bool = False, replay: bool = False,
                 on_torch: Callable[[], object] | None = None,
                 engine: EngineProcess | None = None, paint_first: bool = False) -> None:
        """`saved` runs, or the runs `follower` reads (kept polled with `follow`), make the app
        `regtui show`'s viewer: they are shown whole at once (`replay`: replayed instead).
        `engine`: a training process started at launch; runs train there once it is ready.
        `paint_first` (the launch in a terminal; not the viewer, which opens on its runs whole):
        the settings fields are mounted after the first frame, which then comes sooner."""
        super().__init__()
        self.on_torch = on_torch  # called in the loading thread once torch is imported
        self.engine = engine
        self.pacer = Pacer(speed)  # meters the worker's reports out to the view (main thread)
        self.preset_key = preset or "memorization"  # a bundled name or a .toml path
        self.preset: Preset = load_preset(self.preset_key)
        self.saved = saved or []  # `regtui show`: finished runs to show
        self.follower, self.follow, self.replay_on_start = follower, follow, replay
        self.viewer = bool(self.saved) or follower is not None  # a viewer: it never trains
        self.viewer_label = session_label(follower.paths) if follower else "saved runs"
        self._stalled: dict[str, float] = {}  # followed runs gone quiet: seconds since their last epoch
        self._backlog: list[FollowUpdate] = []  # what the folders gave during a replay
        self._figure_restores = ("", "")  # status message and speed label, hidden in a figure
        if self.viewer:  # until the runs are in, the pane names them and holds a placeholder
            self.preset_key = VIEWER_KEY
            self.preset = Preset(self.viewer_label, "saved runs", Path("."), self.preset.runs)
        self.paint_first = paint_first and not self.viewer
        self.fields_ready = False  # the settings pane's fields are mounted and show the preset
        self._after_fields: list[Callable[[], object]] = []  # keys pressed before that, in order
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
        self.engine_ready = False  # runs may start: the training process or the app has torch
        self.torch_ready = False  # the app's own torch and engine imported (the norm preview)
        self._torch_asked = False  # the app's own torch is loading or loaded
        self._loading_since: float | None = time.monotonic()  # None: loading failed
        self._pending: str | None = None  # "start" or "start_all", pressed before torch was ready
        self.table_at_end = False  # the runs in progress are a run-all: the runs table shows at their end
        self._pane_hidden_by_table = False  # t hid the settings pane: t back to the charts shows it
        self._pane_hidden_by_narrow = False  # a resize below NARROW during a run hid it

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            options = [(name, name) for name in preset_paths()]
            if self.preset_key not in preset_paths():  # a preset file of the user's, or saved runs
                options.append((f"{self.preset.name} ({'saved' if self.viewer else 'file'})",
                                self.preset_key))
            yield SettingsPane(options, self.preset_key, after_first_frame=self.paint_first,
                               id="settings")
            yield LiveView(id="main")
        yield Static("terminal too small (needs {}x{})".format(*MIN_SIZE), id="too-small")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(LiveView).loading = not self.viewer
        self._set_task(self.preset.runs[0].task)  # the first frame shows the preset's charts
        self._refresh_status()
        self._layout_for_size()
        self.set_interval(TICK_S, self._frame)
        self._show_speed()
        if self.autostart and not self.viewer:
            self._pending = "start_all"  # as soon as torch is ready
        self.call_after_refresh(release_collector)  # startup ends with the first frame
        if not self.paint_first:
            self._fields_mounted()

    @on(SettingsPane.Ready)
    def _fields_arrived(self) -> None:
        if self.is_running:  # not when the app was quit in its first frames
            self._fields_mounted()

    def _fields_mounted(self) -> None:
        """The settings fields are there: show the preset in them, then open the viewer's runs or
        wait for torch. Only from here may anything read the fields, so runs start after it."""
        self.fields_ready = True
        self._show_preset(self.preset)
        if self.viewer:
            self._open_viewer()  # it never trains, so it never loads torch
            return
        for action in self._after_fields:
            action()
        self._after_fields.clear()
        if self.engine is not None:  # it has been importing torch since the launch
            self._await_process()
        if torch_loaded():  # already imported (tests, a second app): nothing to wait for
            self._torch_asked = True
            self._engine_ready(EngineReady(torch_ready(self.on_torch)))
        elif self.engine is None:  # paint first: the import holds the GIL for a second or more
            self.call_after_refresh(self._load_torch)

    def _load_torch(self) -> None:
        """Import the app's own torch (for the norm preview, or to train here) unless asked already.

        With a training process, only once it is ready and no run is training or playing: the
        import holds the GIL for a second at a time, which would freeze the charts meanwhile.
        """
        if not self._torch_asked:
            self._torch_asked = True
            self._load_engine()

    @work(thread=True, exit_on_error=False, group="loading", name="loading torch")
    def _load_engine(self) -> None:
        try:  # CUDA is the training process's, where there is one
            ready = EngineReady(load_engine(self.on_torch, cuda=self.engine is None))
        except Exception as exc:  # a broken torch install: say so instead of loading forever
            ready = EngineReady([], f"{type(exc).__name__}: {exc}")
        self.post_message(ready)

    @work(thread=True, exit_on_error=False, group="loading", name="training process")
    def _await_process(self) -> None:
        assert self.engine is not None
        try:
            ready = ProcessReady(self.engine.wait_ready())
        except EngineLost as exc:
            ready = ProcessReady([], str(exc))
        self.post_message(ready)

    @on(ProcessReady)
    def _process_ready(self, message: ProcessReady) -> None:
        """The training process has torch: runs may start, before the app's own torch has loaded."""
        if message.error:  # runs train in the app's thread instead, once its torch has loaded
            self.log.warning(f"training in the app: {message.error}")
            self._load_torch()
            return
        starting = self._pending is not None  # a start pressed (or --autostart) meanwhile
        if not self.engine_ready:
            self._can_train(message.devices)
        if not starting and not self.busy and not self.exit_when_done:
            self._load_torch()  # the norm preview; else after the runs (_training_done)

    @on(EngineReady)
    def _engine_ready(self, message: EngineReady) -> None:
        """The app's torch has loaded: show the norm preview; start what was asked, if waiting."""
        if message.error:
            if self.engine is not None and self.engine.usable:  # it trains: only the preview is missing
                self.notify(f"No norm preview: {message.error}", severity="warning", markup=False)
                return
            self._pending, self._loading_since = None, None
            self.message_line = f"Could not load torch, so nothing can train: {message.error}"
            self.notify(self.message_line, severity="error", timeout=15, markup=False)
            self._refresh_status()
            return
        self.torch_ready = True
        self.query_one(LiveView).loading = False
        if self.engine_ready:
            self._preview_norms()
        else:
            self._can_train(message.devices)

    def _can_train(self, devices: list[str]) -> None:
        """torch has loaded (here or in the training process): offer its devices, show the norm
        preview if it can, and start what was asked meanwhile."""
        self.engine_ready = True
        self.query_one(SettingsPane).set_devices(devices)
        self._preview_norms()
        pending, self._pending = self._pending, None
        if pending is not None:
            self.call_after_refresh(getattr(self, f"action_{pending}"))
        else:
            self._refresh_status()

    def _show_preset(self, preset: Preset) -> None:
        """Show a preset in the pane; the status line and the table follow it at once."""
        self.preset = preset
        self.current = None  # the table shows the new preset's model, not the last run's
        self.query_one(SettingsPane).show_preset(preset)
        self._set_task(preset.runs[0].task)
        self.message_line = HINT
        self._preview_norms()
        self._refresh_status()

    @on(SettingsPane.PresetChosen)
    def _preset_chosen(self, event: SettingsPane.PresetChosen) -> None:
        if event.key == self.preset_key:
            return
        try:
            preset = load_preset(event.key)
        except EXPECTED as exc:
            self.report_error(exc, "Cannot open that experiment")
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
        self.plan_axis()
        if not self.torch_ready:
            self._redraw_all()  # the table says torch is loading; _engine_ready comes back here
            return
        try:
            cfg = self.query_one(SettingsPane).run_config([])
        except ConfigError:
            return  # an invalid field: it is marked already; no preview meanwhile
        if cfg.dataset != "folder":  # a folder's class count is unknown until it is read
            view.preview = preview_info(cfg)
        self._redraw_all()

    def why_not(self, action: str, *params: object) -> str | None:
        """Why `action` cannot act now, in words for the user; None when it can (keys.why_not).

        `action` is a name with its parameters apart (check_action) or written in (a
        binding, the palette): "toggle_run", 3 or "toggle_run(3)".
        """
        return why_not(action, params, training=self.training, busy=self.busy, runs=len(self.runs),
                       finished=any(r.result is not None for r in self.runs),
                       lines=len(chart_lines(self.runs)), speed=self.pacer.speed,
                       viewer=self.train_hint if self.viewer else None, live=self.live_run()) or \
            self.chart_why_not(action, *params)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None (dimmed in the footer) when a command cannot act; its key then reaches the
        hidden `why_not` binding, which says why. In the viewer, training commands are off
        the footer (False) and the viewer's own have shown twins (keys.bindings)."""
        if action == "in_viewer":
            if not self.viewer:
                return False
            action, parameters = str(parameters[0]), ()
        if not self.why_not(action, *parameters):
            return True
        return False if self.viewer and action in VIEWER_HIDDEN else None

    def action_why_not(self, action: str) -> None:
        """Say why the command bound to the key just pressed cannot act now."""
        reason = self.why_not(action)
        if reason:
            self.notify(reason, severity="warning", timeout=4)

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

    def action_leave_field(self) -> None:
        """Escape: leave the field being edited, so every key is a command again; with no field
        focused, leave the epoch cursor (and a pending solo)."""
        if self.focused is None:
            self.leave_chart_modes()
        self.set_focus(None)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(VIEWER_NOTE.format(train=self.train_hint) if self.viewer else ""))
