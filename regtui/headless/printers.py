"""Progress for people: a live rich progress bar on a terminal, plain log lines everywhere else."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from regtui.engine import EpochReport, RunInfo, RunResult
from regtui.experiments.words import end_text, epoch_text, logged, metrics_text, start_text
from regtui.headless.console import silence

REFRESH_S = 0.1  # at most 10 progress updates a second, however fast epochs come


class LogPrinter:
    """Plain lines for logs and batch jobs: no colours, no control codes, a line every ~10%."""

    def __init__(self, console: Console, lines_per_run: int = 10) -> None:
        self.console = console
        self.lines_per_run = lines_per_run

    def _say(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def run_started(self, info: RunInfo) -> None:
        self._say(start_text(info))
        for note in info.notes:
            self._say(f"[{info.config.name}] warning: {note}")

    def epoch(self, r: EpochReport) -> None:
        if logged(r, self.lines_per_run):
            self._say(epoch_text(r))

    def run_ended(self, result: RunResult, folder: Path) -> None:
        self._say(end_text(result))
        self._say(f"[{result.info.config.name}] saved to {folder}")


class TtyPrinter(LogPrinter):
    """A live rich progress bar per run on a terminal, redrawn at most 10 times a second."""

    def __init__(self, console: Console) -> None:
        super().__init__(console)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[metrics]}"), TimeElapsedColumn(),
            console=console, auto_refresh=True, refresh_per_second=10)
        self._tasks: dict[str, TaskID] = {}  # by run name: Ray members' epochs interleave
        self._loading: TaskID | None = None
        self._last = 0.0

    def __enter__(self) -> TtyPrinter:
        self.progress.start()
        # until the first run starts, the first data set (and model) loads: say so
        self._loading: TaskID | None = self.progress.add_task("loading data…", total=None, metrics="")
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def run_started(self, info: RunInfo) -> None:
        if self._loading is not None:
            self.progress.remove_task(self._loading)
            self._loading = None
        self.progress.console.print(start_text(info), markup=False, highlight=False)
        for note in info.notes:
            self.progress.console.print(f"[yellow]warning:[/] {escape(note)}", highlight=False)
        self._tasks[info.config.name] = self.progress.add_task(info.config.name,
                                                               total=info.config.epochs, metrics="")

    def epoch(self, r: EpochReport) -> None:
        now = time.monotonic()
        if now - self._last >= REFRESH_S or r.epoch == r.epochs:
            self._last = now
            self.progress.update(self._tasks[r.run], completed=r.epoch, metrics=metrics_text(r))

    def run_ended(self, result: RunResult, folder: Path) -> None:
        if result.last is not None:
            self.progress.update(self._tasks[result.info.config.name], completed=result.last.epoch,
                                 total=result.last.epoch, metrics=metrics_text(result.last))
        self.progress.console.print(end_text(result), markup=False, highlight=False)
        self.progress.console.print(f"[dim]saved to {folder}[/]")


class PipeSafe:
    """A printer that goes quiet when its output pipe is closed, and tells `closed` once."""

    def __init__(self, printer: LogPrinter, stream: object, closed: Callable[[], None]) -> None:
        self.printer, self.stream, self._closed = printer, stream, closed
        self.quiet = False

    def _call(self, name: str, *args: object) -> None:
        if self.quiet:
            return
        try:
            getattr(self.printer, name)(*args)
        except BrokenPipeError:
            self.quiet = True
            silence(self.stream)
            self._closed()

    def say(self, text: str) -> None:
        """Print one plain line."""
        self._call("_say", text)

    def run_started(self, info: RunInfo) -> None:
        self._call("run_started", info)

    def epoch(self, report: EpochReport) -> None:
        self._call("epoch", report)

    def run_ended(self, result: RunResult, folder: Path) -> None:
        self._call("run_ended", result, folder)
