"""Benchmark: how soon `regtui show SESSION` shows the whole comparison. Runs it in a detached
tmux pane (its own tmux server), captures the pane every 0.05 s and reports the first
non-blank capture (first paint) and the first capture where every run's name is in the
legend and the status line shows the last run's final epoch (the whole comparison).

    python benchmarks/bench_show.py SESSION_FOLDER [--size 120x40] [--repeats 3]

Make a 3-run session with `regtui run memorization --out /tmp/runs`. Needs tmux. Set
PYTHONPATH to compare two checkouts on the same session.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from tmux_capture import pane_captures

CAPTURE_EVERY_S = 0.05


def whole(text: str, names: list[str], last: str) -> bool:
    """True when the pane shows every run in the legend and the last run at its final epoch."""
    legend = next((line for line in text.splitlines() if "train, val" in line), "")
    below = text[text.find(legend):] if legend else ""
    return bool(legend) and all(f" {n}" in below for n in names) and last in text.splitlines()[0]


def record(folder: Path, size: tuple[int, int], limit_s: float) -> tuple[float | None, float | None]:
    """(first paint, whole comparison) in seconds since launch; None where not seen."""
    from regtui.experiments.saved import load_runs

    runs = load_runs([folder])
    names = [r.info.config.name for r in runs]
    last = f"{names[-1]} {runs[-1].history[-1].epoch}/{runs[-1].history[-1].epochs}"
    env = f"PYTHONPATH={shlex.quote(os.environ.get('PYTHONPATH', ''))}"
    # from a scratch folder: `python -m` puts the working folder first on sys.path
    cmd = (f"cd {shlex.quote(tempfile.gettempdir())} && env {env} {shlex.quote(sys.executable)} -m regtui "
           f"show {shlex.quote(str(folder.resolve()))}")
    paint = shown = None
    with closing(pane_captures(cmd, size, CAPTURE_EVERY_S, limit_s, "regtui-bench-show")) as panes:
        for now, text in panes:
            if paint is None and text.strip():
                paint = now
            if whole(text, names, last):
                shown = now
                break
    return paint, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before giving up")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    for _ in range(args.repeats):
        load = os.getloadavg()[0]
        paint, shown = record(args.folder, size, args.limit)
        words = [f"{k} {'-' if v is None else f'{v:.2f} s'}" for k, v in
                 (("first paint", paint), ("whole comparison", shown))]
        print(f"load {load:.2f}: " + ", ".join(words))


if __name__ == "__main__":
    main()
