"""ViewerApp: `regtui show`, a viewer of saved runs, and the figure export of both front ends.

The viewer does not train (s, a, c and p say how to): it opens on the whole comparison at
once, `r` replays it at `--speed`, and with `--follow` a thread worker polls the folders and
posts what changed, so runs still being written grow on screen and end as their `status`
files say. `e` exports the screen as an SVG figure (regtui.tui.export).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from textual import on, work
from textual.widgets import Footer
from textual.worker import get_current_worker

from regtui.engine import RunResult
from regtui.experiments.follow import Follower, FollowUpdate, NewEpochs, RunEnd, RunSeen
from regtui.experiments.presets import Preset, preset_paths
from regtui.tui.app_start import StartApp
from regtui.tui.export import figure_path, write_figure
from regtui.tui.following import follow_folders
from regtui.tui.form import runs_text
from regtui.tui.messages import Followed, TrainingDone
from regtui.tui.session import SessionRun
from regtui.tui.status import duration
from regtui.tui.widgets.live_view import LiveView
from regtui.tui.widgets.settings import SettingsPane

VIEWER_KEY = ":saved"  # the preset list's entry for the runs shown (no bundled name starts with ':')


def session_run(result: RunResult) -> SessionRun:
    """A finished run as the charts hold it: every epoch, and how it ended."""
    run = SessionRun(result.info.config.name, result.info)
    for report in result.history:
        run.add(report)
    run.result = result
    return run


class ViewerApp(StartApp):
    """Shows saved runs whole, follows folders still being written, exports the screen."""

    saved: list[RunResult]
    follower: Follower | None
    follow: bool
    replay_on_start: bool
    viewer: bool
    viewer_label: str
    _stalled: dict[str, float]
    _backlog: list[FollowUpdate]
    _figure_restores: tuple[str, str]

    @cached_property
    def train_hint(self) -> str:
        """The command that trains what the viewer shows, for its refusals (asked per key)."""
        name = self.viewer_label if self.viewer_label in preset_paths() else "PRESET"
        return f"regtui tui {name} (or headless: regtui run {name})"

    def live_run(self) -> str | None:
        """A run shown that is still being written (its status says running), if any."""
        return next((r.name for r in self.runs if r.result is None), None)

    def _open_viewer(self) -> None:
        """On mount: the runs at once (no torch: nothing trains), then follow or replay."""
        pane = self.query_one(SettingsPane)
        pane.display = False  # the charts get the room (h: settings)
        for field in pane.query("Input, Select, Switch").results():
            field.disabled = field.id != "run"  # read-only: the Run list shows each run's settings
        self._layout_for_size()
        self._apply(FollowUpdate([RunEnd(r) for r in self.saved]))
        if self.follower is not None:
            self._apply(self.follower.poll())
        if self.follow:
            self._follow_folders()
        if self.replay_on_start:
            self.action_replay()
        elif self.exit_when_done:
            self.set_timer(self.exit_delay, lambda: self.exit(0))

    @work(thread=True, exclusive=True, exit_on_error=False, group="follow", name="following")
    def _follow_folders(self) -> None:
        worker = get_current_worker()
        assert self.follower is not None
        follow_folders(self.follower, self.post_message, lambda: worker.is_cancelled)

    @on(Followed)
    def _followed(self, message: Followed) -> None:
        self._apply(message.update)

    def _apply(self, update: FollowUpdate) -> None:
        """Show what the folders gave: new runs, new epochs, ends; during a replay, later."""
        if self.pacer.busy:  # the replay owns the runs until it ends (_frame applies the rest)
            self._backlog.append(update)
            return
        index = {r.name: i for i, r in enumerate(self.runs)}
        for event in update.events:
            if isinstance(event, RunSeen):
                index[event.info.config.name] = len(self.runs)
                self.runs.append(SessionRun(event.info.config.name, event.info))
            elif isinstance(event, NewEpochs) and event.name in index:
                run = self.current = self.runs[index[event.name]]
                for report in event.reports:
                    run.add(report)
            elif isinstance(event, RunEnd):
                run = session_run(event.result)
                for note in event.result.info.notes:  # e.g. epochs that hold NaN: said once, at its end
                    self.notify(note, title="Run note", severity="warning", timeout=10, markup=False)
                if run.name in index:  # read whole again: the summary's shapes and start norms
                    self.runs[index[run.name]] = run
                else:
                    index[run.name] = len(self.runs)
                    self.runs.append(run)
                if self.current is None or self.current.result is not None or self.current.name == run.name:
                    self.current = run  # a run still growing stays the one the status line follows
        for error in update.errors:
            self.notify(error, title="Cannot follow a run", severity="error", timeout=10, markup=False)
        self._stalled = update.stalled
        self._show_runs_in_pane()
        self.message_line = self.viewer_message()
        self._redraw_all()
        self._state_changed()

    def _show_runs_in_pane(self) -> None:
        """The settings pane lists the runs shown and shows their own settings."""
        configs = tuple(r.info.config for r in self.runs)
        if not configs or configs == self.preset.runs:
            return
        self.preset = Preset(self.viewer_label, f"{runs_text(len(configs))} saved · r replay · e export",
                             Path("."), configs)
        self.query_one(SettingsPane).show_preset(self.preset)
        self._set_task(configs[0].task)

    def viewer_message(self, figure: bool = False) -> str:
        """The status line's words in the viewer: stalled runs first, what is followed, the keys;
        for a `figure`, what is shown instead of the keys."""
        parts = [f"{name} stalled: no new epoch for {duration(s)}, yet its status says running "
                 "(killed?)" for name, s in self._stalled.items()]
        live = [r.name for r in self.runs if r.result is None and r.name not in self._stalled]
        where = ", ".join(str(p) for p in self.follower.paths) if self.follower else ""
        if self.follow and not figure:
            stalled = f", {len(self._stalled)} stalled" if self._stalled else ""
            ended = sum(r.result is not None for r in self.runs)
            parts.append(f"Following {where}: {len(live)} running{stalled}, {ended} ended" if self.runs
                         else f"Following {where}: waiting for a run's first epoch")
        elif live:
            parts.append(f"{', '.join(live)} still running when read" +
                         ("" if figure else f"; to watch: regtui show --follow {where}"))
        if figure:
            return " · ".join([*parts, f"{runs_text(len(self.runs))} from {where or self.preset.name}"])
        return " · ".join([*parts, "r replay · e export · h settings" if self.runs else "q quit"])

    def _frame(self, force: bool = False) -> None:
        super()._frame(force)
        if self._backlog and not self.pacer.busy and self.is_running:
            backlog, self._backlog = self._backlog, []
            for update in backlog:
                self._apply(update)

    def _training_done(self, message: TrainingDone) -> None:
        super()._training_done(message)
        if self.viewer:  # a replay ended: the viewer's words, not the training app's
            self.message_line = self.viewer_message()
            self._refresh_status()
        elif not self.exit_when_done:
            self._load_torch()  # the norm preview, now that the charts are still

    def _load_torch(self) -> None:
        """Import the app's own torch (RegtuiApp), unless loaded or loading already."""

    def prepare_figure(self) -> None:
        """Lay the screen out for a figure: no footer, key hints or notifications; every run drawn,
        and the status line naming what is shown."""
        self.query_one(Footer).display = False
        self.clear_notifications()
        view = self.query_one(LiveView)
        self._figure_restores = (self.message_line, view.speed)
        self.message_line, view.speed = self.viewer_message(figure=True), ""
        self._draw(force=True)

    def take_figure(self) -> str:
        """The screen, laid out by prepare_figure and refreshed since, as an SVG figure."""
        try:
            return self.export_screenshot(title=f"regtui · {self.preset.name}")
        finally:
            self.query_one(Footer).display = True
            self.message_line, self.query_one(LiveView).speed = self._figure_restores
            self._redraw_all()

    def action_export(self) -> None:
        """Write the figure beside the folder shown (or in ./runs) once laid out, and say where."""
        if not self.query_one(Footer).display:
            return  # a figure is being taken (e pressed twice at once)
        folders = self.follower.paths if self.follower else []
        path = figure_path(folders, self.out_dir, f"tui-{self.preset.name}")
        self.prepare_figure()
        self.call_after_refresh(self._export_to, path)

    def _export_to(self, path: Path) -> None:
        svg = self.take_figure()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_figure(path, svg)
        except OSError as exc:
            self.notify(f"Could not export the figure to {path}: {exc.strerror or exc}", severity="error",
                        timeout=8, markup=False)
            return
        self.message_line = f"Exported the figure to {path}"
        self.notify(self.message_line, markup=False)
        self._refresh_status()

    async def action_in_viewer(self, action: str) -> None:
        """A command's footer twin in the viewer (keys.bindings): run the command itself."""
        await self.run_action(action)
