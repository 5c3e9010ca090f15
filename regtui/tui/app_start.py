"""StartApp: what starts and ends work: start, run all, stop, clear, save and quit.

Training runs in a thread worker that only posts messages; quitting stops it and waits (a
bounded wait) for the thread to leave.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.worker import Worker, get_current_worker

from regtui.engine.config import RunConfig, from_mapping
from regtui.experiments.seeds import base_runs, expand_seeds, member_seeds
from regtui.system.errors import EXPECTED, RegtuiError, error_message
from regtui.tui.app_frame import NARROW
from regtui.tui.app_playback import PlaybackApp
from regtui.tui.form import names_for_all, plan, runs_text
from regtui.tui.training import train_runs
from regtui.tui.widgets.confirm import ConfirmScreen
from regtui.tui.widgets.fields import LABELS, RUN_OWN
from regtui.tui.widgets.folder_prompt import FolderScreen
from regtui.tui.widgets.settings import SettingsPane

if TYPE_CHECKING:
    from regtui.engine.process_exec import EngineProcess

ANIMATION_EVERY = 50  # toy regression: steps between two frames of the fitted-curve animation
QUIT_WAIT_S = 30.0  # the longest quit waits for the training thread to leave


def seeds_words(cfg: RunConfig) -> str:
    """' over seeds 2021, 7' for a run repeated over seeds; '' for a single run."""
    seeds = member_seeds(cfg)
    return f" over seeds {', '.join(map(str, seeds))}" if len(seeds) > 1 else ""


class StartApp(PlaybackApp):
    """Starts runs in the training worker, stops them, and saves or forgets the session's runs."""

    out_dir: Path
    engine: EngineProcess | None
    _worker: Worker | None
    _worker_done: threading.Event

    @property
    def training(self) -> bool:
        """True while the training thread is alive (set until it has really left)."""
        return not self._worker_done.is_set()

    @property
    def busy(self) -> bool:
        """True while training, or while the pacer still plays runs (training may have ended)."""
        return self.training or self.pacer.busy

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
            members = list(expand_seeds([cfg]))  # seed + repeats can pass the largest seed
        except EXPECTED as exc:
            self.report_error(exc, "Invalid setting")
            return
        self._launch(members, f"Training {cfg.name}{seeds_words(cfg)}: {plan(cfg)} ...")

    def action_start_all(self) -> None:
        """Every run of the preset with every setting its preset gives it, but for the fields
        edited in the pane, which apply to all (never a run's own labels: RUN_OWN).

        A preset's seed members are folded back into their runs, named anew against the
        session and expanded again (over the pane's Seeds if edited there, else their own).
        """
        if self._wait_for_engine("start_all"):
            return
        bases = base_runs(self.preset.runs)
        names = names_for_all([c.name for c in bases], self._taken())
        try:
            common = self.query_one(SettingsPane).common_settings()
            configs = [from_mapping({**c.as_dict(), **common, "name": n}, where="settings")
                       for c, n in zip(bases, names, strict=True)]
            members = list(expand_seeds(configs))
        except EXPECTED as exc:
            self.report_error(exc, "Invalid setting")
            return
        pane = self.query_one(SettingsPane)
        kept = [LABELS[k] for k in RUN_OWN if k in pane.edited()]
        note = f" ({' and '.join(kept)}: each run's own; s runs the pane's)" if kept else ""
        self._launch(members, f"Running all: {', '.join(names)}{note}"
                     f"{seeds_words(configs[0])} · {plan(*configs)} ...", run_all=True)

    def _launch(self, configs: list[RunConfig], message: str, run_all: bool = False) -> None:
        """Train `configs` in the worker; `run_all`: the runs table shows when they end."""
        # The toy fit is an animation here: a snapshot every 50 steps, not the preset's 500.
        configs = [c.replace(snapshot_every=min(c.snapshot_every, ANIMATION_EVERY)) for c in configs]
        self._set_task(configs[0].task)
        if any(r.task != configs[0].task for r in self.runs):
            self.runs.clear()  # toy and image runs do not share charts
        self._show_table(False)  # watch it train; a run-all's table comes back at its end
        self.query_one(SettingsPane).disabled = True
        if self.size.width < NARROW:
            self.query_one(SettingsPane).display = False
            self._layout_for_size()
        self.message_line = message
        self.table_at_end = run_all
        self._worker_done.clear()
        self._worker = self._train(configs)
        self._state_changed()

    @work(thread=True, exclusive=True, exit_on_error=False, group="training", name="training")
    def _train(self, configs: list[RunConfig]) -> None:
        worker = get_current_worker()
        engine = self.engine  # the training process, if the app has a usable one
        executor = engine.train if engine is not None and engine.usable else None
        train_runs(configs, self.post_message, lambda: worker.is_cancelled, self._worker_done,
                   executor)

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

    def report_error(self, exc: RegtuiError | OSError, title: str) -> str:
        """The one place the app turns an expected error into words for the user (a
        notification); the CLI's regtui.cli.exits does the same for commands. Returns them."""
        message, _ = error_message(exc)
        self.notify(message, title=title, severity="error", timeout=8, markup=False)
        return message

    def action_save(self) -> None:
        """Save the finished runs under the app's folder (./runs); if that fails, ask for another."""
        self._save_to(self.out_dir)

    def _save_to(self, root: Path) -> None:
        from regtui.experiments.run_folders import new_session_dir, write_run

        done = [r.result for r in self.runs if r.result is not None]
        try:
            folder = new_session_dir(root, f"tui-{self.preset.name}")
            for result in done:
                write_run(folder, result, self.preset.description)
        except EXPECTED as exc:  # RunFolderError (a RegtuiError) or an OSError: the runs stay
            problem = self.report_error(exc, "Could not save")
            self.message_line = f"Not saved ({problem}); the runs are kept in this session."
            self._refresh_status()
            self.push_screen(FolderScreen(problem, str(root)), self._folder_chosen)
            return
        self.out_dir = root  # the next w saves there too
        self.message_line = f"Saved {runs_text(len(done))} to {folder}"
        self.notify(self.message_line, markup=False)
        self._refresh_status()

    def _folder_chosen(self, folder: str | None) -> None:
        if folder:
            self._save_to(Path(folder).expanduser())
        else:
            self.message_line = "Not saved; the runs are kept in this session (w saves)."
            self._refresh_status()

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
