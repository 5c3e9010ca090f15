"""Benchmark: the cost of one chart frame, and training time inside the app versus headless.

The app runs under Textual's headless driver (`run_test`), which does all the real work of
rendering (charts, norm table, legend) without a terminal. A frame is timed as the app's
frame clock makes it: LiveView.draw() on the preset's finished runs, then every visible
widget turned into strips, with the charts' caches dropped first. Each run's training
time comes from the engine's own clock, so app and headless measure the same thing. Usage:

    python benchmarks/bench_tui.py [--preset memorization] [--repeats 3] [--size 120x40]

Measured on the shared 2-core machine (load average in the output), see the README.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from regtui.engine import Trainer
from regtui.experiments.presets import load_preset


def headless(preset: str) -> tuple[float, list]:
    """Seconds of training for every run of the preset, no UI, and the runs' results.

    Uses the app's thread count (one core left for the UI), so the ratio measures what the
    UI costs, not torch's thread choice (2 threads on a loaded 2-core machine is erratic).
    """
    import torch

    from regtui.tui.launch import leave_a_core_for_the_ui

    before = torch.get_num_threads()
    leave_a_core_for_the_ui()
    try:
        results = [Trainer(cfg).run() for cfg in load_preset(preset).runs]
    finally:
        torch.set_num_threads(before)
    return sum(r.wall_time for r in results), results


async def frame_ms(results: list, size: tuple[int, int], frames: int = 20) -> float:
    """Median milliseconds of one full LiveView redraw of `results` at `size`."""
    from textual.geometry import Region

    from regtui.tui.app import RegtuiApp
    from regtui.tui.widgets.live_view import LiveView

    app = RegtuiApp(saved=results, speed=None)
    async with app.run_test(size=size) as pilot:
        while not app.runs or any(r.result is None for r in app.runs) or len(app.runs) < len(results):
            await pilot.pause(0.05)
        view = app.query_one(LiveView)
        times = []
        for _ in range(frames):
            for chart in view.query("#charts > *"):
                chart._data_key = None  # as if a new epoch arrived: rebuild every chart
            view.query_one("#norm-table")._last = (None, None, "")
            start = time.perf_counter()
            view.draw(app.preset, app.runs, app.current, app.message_line)
            for widget in view.query("*"):
                if widget.display and widget.size.area:
                    widget.render_lines(Region(0, 0, *widget.size))
            times.append(time.perf_counter() - start)
        await pilot.press("q")
    return 1000 * statistics.median(times)


async def in_app(preset: str, size: tuple[int, int]) -> tuple[float, int]:
    """Seconds of training for every run of the preset inside the app, and frames drawn.

    Uses the thread setting `regtui tui` uses (one core left for the UI), restored after.
    """
    import torch

    from regtui.tui.app import RegtuiApp
    from regtui.tui.launch import leave_a_core_for_the_ui

    before = torch.get_num_threads()
    leave_a_core_for_the_ui()
    try:
        return await _drive(RegtuiApp(preset=preset), size)
    finally:
        torch.set_num_threads(before)


async def _drive(app, size: tuple[int, int]) -> tuple[float, int]:
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.5)  # let the first layout and frames settle, as a person would
        await pilot.press("a")
        start, cpu, before = time.monotonic(), time.thread_time(), app.frame_budget.frames
        while app.training or not app.runs:  # frames drawn while the worker trains
            await asyncio.sleep(0.05)
        wall = time.monotonic() - start
        rate = (app.frame_budget.frames - before) / wall
        # the UI thread's CPU time is what competes with training for the GIL
        share = (time.thread_time() - cpu) / wall
        print(f"  while training: {rate:4.1f} frames/s, UI thread busy {100 * share:4.1f}% of the time")
        while not app.runs or app.training or any(r.result is None for r in app.runs):
            await asyncio.sleep(0.05)
        frames = app.frame_budget.frames
        total = sum(r.result.wall_time for r in app.runs)
        await pilot.press("q")
    return total, frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="memorization")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", default="120x40", help="terminal size, COLSxROWS")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    _, results = headless(args.preset)  # warm-up, and the runs the frame timing draws
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared)")
    for frame_size in ((120, 40), (200, 60)):
        ms = asyncio.run(frame_ms(results, frame_size))
        print(f"frame at {frame_size[0]}x{frame_size[1]}: {ms:5.1f} ms  (max {1000 / ms:4.0f} frames/s)")
    heads, apps = [], []
    for _ in range(args.repeats):
        heads.append(headless(args.preset)[0])
        seconds, frames = asyncio.run(in_app(args.preset, size))
        apps.append(seconds)
    h, a = statistics.median(heads), statistics.median(apps)
    print(f"preset {args.preset}, app at {args.size}, median of {args.repeats}")
    print(f"headless : {h:6.2f} s training")
    print(f"in app   : {a:6.2f} s training ({frames} frames in the last repeat)")
    print(f"app / headless : {a / h:5.2f}x  (target <= 1.25x)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
