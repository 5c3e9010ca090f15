"""Benchmark: how soon a recorded demo moves. Runs `regtui tui PRESET --autostart --exit-when-done`
in a detached tmux pane (its own tmux server), captures the pane every 0.1 s and reports the
first non-blank capture (first paint), the first capture that differs after it (motion), the
first capture whose charts hold data (first chart frame) and the distinct chart frames. Each
round also launches a bare Textual app (one Static, in the same interpreter) the same way: its
first paint is the floor any Textual app pays on this machine at this load. Usage:

    python benchmarks/bench_startup.py [--preset quick] [--size 100x30] [--repeats 2]

Needs tmux. Runs from a scratch folder (the app writes nothing there unless w is pressed).
Measured on the shared 2-core machine (load average in the output), see the README.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from bytecode import compile_tree
from tmux_capture import pane_captures

CAPTURE_EVERY_S = 0.1


def record(preset: str, size: tuple[int, int], limit_s: float) -> list[tuple[float, str]]:
    """(seconds since launch, pane text) every CAPTURE_EVERY_S until the app exits."""
    folder = tempfile.mkdtemp(prefix="regtui-startup-")
    env = f"PYTHONPATH={shlex.quote(os.environ.get('PYTHONPATH', ''))}"
    cmd = (f"cd {shlex.quote(folder)} && env {env} {shlex.quote(sys.executable)} -m regtui tui "
           f"{shlex.quote(preset)} --autostart --exit-when-done")
    try:
        captures = list(pane_captures(cmd, size, CAPTURE_EVERY_S, limit_s, "regtui-bench-startup"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return captures


BARE_APP = ("from textual.app import App\nfrom textual.widgets import Static\n"
            "class Bare(App):\n    def compose(self):\n        yield Static('bare Textual app')\n"
            "    def on_mount(self):\n        self.set_timer(1.0, self.exit)\n"
            "Bare().run()\n")


def bare_paint(size: tuple[int, int], limit_s: float) -> float | None:
    """Seconds from launch to a bare Textual app's first paint, captured as the app is."""
    cmd = f"{shlex.quote(sys.executable)} -c {shlex.quote(BARE_APP)}"
    captures = pane_captures(cmd, size, CAPTURE_EVERY_S, limit_s, "regtui-bench-bare")
    return next((t for t, text in captures if text.strip()), None)


def chart_area(text: str) -> str:
    """The pane's chart rows: from below the two status lines to the x-axis labels."""
    lines = text.split("\n")
    axis = next((i for i, line in enumerate(lines) if "└" in line), None)
    return "\n".join(lines[2:axis + 2]) if axis is not None else ""


def has_data(area: str) -> bool:
    """True when a chart shows a curve or a marker (braille dots or •), not just its axes."""
    return any("\u2800" <= c <= "\u28ff" or c == "•" for c in area)


def summarize(captures: list[tuple[float, str]]) -> dict[str, float | int | None]:
    """First paint, first motion and first chart frame (seconds) and distinct chart frames."""
    paint = motion = chart = None
    frames: set[str] = set()
    previous = None
    for t, text in captures:
        if paint is None and text.strip():
            paint = t
        elif paint is not None and motion is None and text != previous:
            motion = t
        area = chart_area(text)
        if has_data(area):
            chart = t if chart is None else chart
            frames.add(area)
        previous = text
    return {"paint": paint, "motion": motion, "chart": chart, "frames": len(frames)}


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="quick")
    parser.add_argument("--size", default="100x30")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--limit", type=float, default=90.0, help="seconds before giving up")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    compile_tree(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or Path(__file__).parents[1])
    for _ in range(args.repeats):
        load = os.getloadavg()[0]
        s = summarize(record(args.preset, size, args.limit))
        bare = bare_paint(size, args.limit)
        print(f"load {load:.2f}: first paint {_s(s['paint'])} (a bare Textual app: {_s(bare)}), "
              f"first motion {_s(s['motion'])}, first chart frame {_s(s['chart'])}, "
              f"{s['frames']} distinct chart frames")


if __name__ == "__main__":
    main()
