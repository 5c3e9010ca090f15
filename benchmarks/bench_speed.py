"""Benchmark: whole-process times of regtui's commands as ratios to `python -c "import torch"`.

Every command runs in a fresh process, round-robin (one of each, then again), so a machine
that gets busier or quieter in the middle shifts all of them alike; printed are the median of
each and the median over rounds of its ratio to that round's `import torch`. Goals
(issue 17): `run quick --no-plot` <= 1.3x; commands that do not train <= 0.15x.

    python benchmarks/bench_speed.py                       # this tree, 5 rounds
    python benchmarks/bench_speed.py --tree base=/path/to/other/checkout --repeats 7

With --tree, each command also runs from the other source tree(s) (PYTHONPATH), in the same
rounds, so old and new are compared under the same load. Run folders go to a scratch folder.
With --app PRESET, each round also opens `regtui tui PRESET --autostart --exit-when-done` in
tmux (benchmarks/bench_startup.py) and times its first paint and first chart frame (goals:
< 1 s; <= 1.3x import torch).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import compile_tree

HERE = Path(__file__).resolve().parents[1]

COMMANDS: dict[str, list[str]] = {
    "run quick --no-plot": ["run", "quick", "--no-plot"],
    "--help": ["--help"],
    "--version": ["--version"],
    "presets": ["presets"],
    "data list": ["data", "list"],
    "show --help": ["show", "--help"],
}


def timed(argv: list[str], env: dict[str, str], cwd: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return took


def app_times(preset: str, tree: str) -> tuple[float, float]:
    """(first paint, first chart frame) of the app from `tree`, in seconds (bench_startup)."""
    sys.path.insert(0, str(HERE / "benchmarks"))
    from bench_startup import record, summarize

    before = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = tree  # bench_startup passes it on to the app
    try:
        s = summarize(record(preset, (100, 30), 120.0))
    finally:
        os.environ["PYTHONPATH"] = before
    return float(s["paint"] or "nan"), float(s["chart"] or "nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tree", action="append", default=[],
                        help="NAME=PATH: also time the commands from that source tree")
    parser.add_argument("--only", action="append", default=[], help="command labels to time")
    parser.add_argument("--app", metavar="PRESET", help="also time the app's first paint and chart")
    args = parser.parse_args()
    trees = {"this": str(HERE), **dict(t.split("=", 1) for t in args.tree)}
    for path in trees.values():
        compile_tree(path)
    commands = {k: v for k, v in COMMANDS.items() if not args.only or k in args.only}
    scratch = tempfile.mkdtemp(prefix="regtui-speed-")
    jobs: dict[str, tuple[list[str], dict[str, str]]] = {
        "import torch": ([sys.executable, "-c", "import torch"], dict(os.environ))}
    for tree, path in trees.items():
        env = {**os.environ, "PYTHONPATH": path}
        for label, cmd in commands.items():
            extra = ["--out", os.path.join(scratch, tree)] if cmd[0] == "run" else []
            jobs[f"{tree}: {label}"] = ([sys.executable, "-m", "regtui", *cmd, *extra], env)
    times: dict[str, list[float]] = {k: [] for k in jobs}
    try:
        for _ in range(args.repeats):
            for name, (argv, env) in jobs.items():
                times[name].append(timed(argv, env, scratch))
            for tree, path in trees.items() if args.app else ():
                paint, chart = app_times(args.app, path)
                times.setdefault(f"{tree}: app first paint", []).append(paint)
                times.setdefault(f"{tree}: app first chart frame", []).append(chart)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    base = times["import torch"]
    print(f"load {os.getloadavg()[0]:.2f}, {args.repeats} rounds. Median seconds; median over rounds "
          "of the ratio to that round's import torch; the rounds' seconds")
    for name, ts in times.items():
        ratio = statistics.median(t / b for t, b in zip(ts, base, strict=True))
        rounds = ", ".join(f"{t:.2f}" for t in ts)
        print(f"{name:28s} {statistics.median(ts):6.2f} s {ratio:5.2f}x  [{rounds}]")


if __name__ == "__main__":
    main()
