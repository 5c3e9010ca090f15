"""Benchmark: training time inside the Textual app versus headless, same preset, one process.

The app runs under Textual's headless driver (`run_test`), which does all the real work of
rendering (plotext charts, norm table, compositing) without a terminal. Each run's wall
time comes from the engine's own clock, so both sides measure the same thing. Usage:

    python benchmarks/bench_tui.py [--preset memorization] [--repeats 3] [--size 120x40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from regtui.engine import Trainer
from regtui.presets import load_preset


def headless(preset: str) -> float:
    """Seconds of training for every run of the preset, no UI."""
    return sum(Trainer(cfg).run().wall_time for cfg in load_preset(preset).runs)


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
    headless(args.preset)  # warm-up
    heads, apps = [], []
    for _ in range(args.repeats):
        heads.append(headless(args.preset))
        seconds, frames = asyncio.run(in_app(args.preset, size))
        apps.append(seconds)
    h, a = statistics.median(heads), statistics.median(apps)
    print(f"preset {args.preset}, app at {args.size}, median of {args.repeats}")
    print(f"headless : {h:6.2f} s training")
    print(f"in app   : {a:6.2f} s training ({frames} frames in the last repeat)")
    print(f"app / headless : {a / h:5.2f}x  (target <= 1.5x)")


if __name__ == "__main__":
    main()
