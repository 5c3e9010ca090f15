"""Start the Textual app from the command line and return its exit code, or draw a figure headless.

SIGTERM, SIGHUP (the terminal closed), SIGINT and a terminal that is gone without a signal stop
training and quit through Textual, so the terminal is restored; the process then ends with 130,
within seconds even where something blocks (regtui.tui.exit_guard).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from regtui.engine import RunResult
    from regtui.engine.process_exec import EngineProcess
    from regtui.experiments.follow import Follower


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
           saved: list[RunResult] | None = None, follower: Follower | None = None,
           follow: bool = False, replay: bool = False) -> int:
    """Run the app in this terminal; raises the config's errors before the screen is taken.

    `speed` paces the charts (None: full speed); `saved` runs, or those `follower` read (and
    keeps reading with `follow`), open the viewer (regtui show), replayed first with `replay`.
    """
    engine = None if saved or follower else training_process(threads)  # first: it takes longest
    try:
        from regtui.tui.app import RegtuiApp
        from regtui.tui.exit_guard import ExitGuard

        app = RegtuiApp(preset=preset, autostart=autostart, exit_when_done=exit_when_done,
                        exit_delay=exit_delay, speed=speed, saved=saved, follower=follower,
                        follow=follow, replay=replay, engine=engine,
                        on_torch=lambda: leave_a_core_for_the_ui(threads),  # after the first paint
                        paint_first=True)  # the settings fields after the first frame
        with ExitGuard(app):  # a signal or a dead terminal: the process ends (130) within seconds
            code = app.run()
    finally:
        if engine is not None:
            engine.close()
    return code or 0


def training_process(threads: int | None) -> EngineProcess | None:
    """Start the process the app's runs train in, importing torch while the app paints; None
    where torch is loaded here already, the user asked for training in the app
    (REGTUI_TRAIN_IN_APP=1), or no process can be started (the app then trains in a thread)."""
    import sys

    from regtui.engine.process_exec import EngineProcess, wanted

    if "torch" in sys.modules or not wanted():
        return None
    try:
        return EngineProcess(threads)
    except (OSError, ValueError):  # no process here (ValueError: a platform without pass_fds)
        return None


def export_figure(follower: Follower, size: tuple[int, int]) -> str:
    """Draw the runs `follower` read, whole, in a headless app of `size`; the figure's SVG."""
    from regtui.tui.app import RegtuiApp

    app = RegtuiApp(follower=follower, speed=None)
    figure: list[str] = []

    async def draw_and_export(pilot: Pilot) -> None:
        await pilot.pause()  # mounted; the runs are in
        app.prepare_figure()
        await pilot.pause()  # laid out without the footer and drawn
        figure.append(app.take_figure())
        app.exit(0)

    app.run(headless=True, size=size, auto_pilot=draw_and_export)
    if not figure:
        raise RuntimeError("the app ended before the figure was drawn")
    return figure[0]
