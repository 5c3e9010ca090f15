"""Start the Textual app from the command line and return its exit code.

SIGTERM, SIGHUP (the terminal closed), SIGINT and a terminal that is gone without a signal stop
training and quit through Textual, so the terminal is restored; the process then ends with 130,
within seconds even where something blocks (regtui.tui.exit_guard).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regtui.engine import RunResult


def leave_a_core_for_the_ui(threads: int | None = None) -> int:
    """Set torch's CPU threads for training inside the app and return the number.

    By default the idle cores minus one (at least 1): the UI thread needs a core to draw,
    and torch's parallel CPU kernels stall on a busy core. Measured on 2 cores (benchmarks/
    bench_tui.py): 2 threads in the app trained 1.8x slower than headless even with no
    drawing at all; 1 thread, 1.05x.
    """
    from regtui.system.threads import set_threads

    return set_threads(threads, reserve=1)


def launch(preset: str | None, autostart: bool, exit_when_done: bool, exit_delay: float = 2.0,
           threads: int | None = None, speed: float | None = 1.0,
           saved: list[RunResult] | None = None) -> int:
    """Run the app in this terminal; raises the config's errors before the screen is taken.

    `speed` paces the charts (None: full speed); `saved` runs (regtui show) are replayed.
    """
    from regtui.tui.app import RegtuiApp
    from regtui.tui.exit_guard import ExitGuard

    app = RegtuiApp(preset=preset, autostart=autostart, exit_when_done=exit_when_done,
                    exit_delay=exit_delay, speed=speed, saved=saved,
                    on_torch=lambda: leave_a_core_for_the_ui(threads))  # after the first paint
    with ExitGuard(app):  # a signal or a dead terminal: the process ends (130) within seconds
        code = app.run()
    return code or 0

