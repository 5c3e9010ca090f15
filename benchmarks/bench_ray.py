"""Benchmark: a sweep trained locally vs on a local Ray runtime (`--ray auto`), whole processes.

Each round runs the same sweep (default: quick, lr x 4, epochs=200, 2 repeats: 16 runs)
locally and with --ray auto (and, with --tree, --ray auto from other source trees too), one
after the other, so load from other processes hits both alike. Printed per round and as
medians: the wall time of each process and its ratio to the local one, and the median over
runs of each run's own training time (summary.json wall_time_s) divided by the same run's
time locally in that round. Goals (issue 17): Ray wall <= 0.7x local on >= 16 runs; a run's
training time in a Ray task <= 1.2x local. CPU is the CPU time of the sweep's process and the
processes it started (Ray's daemons and workers included, as they are reaped). After every
Ray process it checks that it left no Ray daemon (raylet, gcs_server) behind. Usage:

    python benchmarks/bench_ray.py --rounds 5 [--tree base=/path/to/other/checkout]

Then, each in a fresh process, benchmarks/bench_ray_task.py (a run in a Ray task alone vs
locally) and benchmarks/bench_events.py (epoch events a second through the listener and
through the relay; --events 0 skips it).

Local runs use regtui's default threads (the idle cores: 2 on a quiet 2-core machine, 1
beside a busy process), and again with --threads 1; a Ray task always has one CPU share, so
one thread: its run's time is compared with both.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
GRID = ["--grid", "lr=0.001,0.002,0.005,0.01", "--grid", "epochs=200", "--repeats", "2"]


def ray_daemons() -> dict[str, str]:
    """Ray daemons running on this machine (raylet, gcs_server): pid -> command line."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "/raylet " in cmd or "/gcs_server " in cmd:
            found[pid] = cmd[:100]
    return found


def sweep(tree: str, ray: bool, out: Path, preset: str,
          extra: tuple[str, ...] = ()) -> tuple[float, float, dict[str, float]]:
    """(process wall seconds, CPU seconds of it and its children, {run: training seconds})."""
    env = {**os.environ, "PYTHONPATH": tree}
    env.pop("RAY_ADDRESS", None)  # --ray auto must start a local runtime, never join another
    before = ray_daemons()  # another user's runtime may be running: only new ones count
    argv = [sys.executable, "-m", "regtui", "sweep", preset, *GRID, "--no-plot", "--out", str(out),
            *(["--ray", "auto"] if ray else []), *extra]
    t0, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, cpu1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    runs = {p.parent.name: json.loads(p.read_text())["wall_time_s"] for p in out.glob("*/*/summary.json")}
    time.sleep(1.0)
    if ray and (left := {p: c for p, c in ray_daemons().items() if p not in before}):
        raise SystemExit("Ray daemons left running:\n" + "\n".join(f"{p}: {c}" for p, c in left.items()))
    return wall, cpu, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--preset", default="quick")
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH: also --ray from there")
    parser.add_argument("--events", type=int, default=5000, help="events per task for bench_events")
    args = parser.parse_args()
    trees = {"this": str(HERE), **dict(t.split("=", 1) for t in args.tree)}
    jobs = [("local", str(HERE), False), ("local 1 thread", str(HERE), False),
            *((f"ray {name}", path, True) for name, path in trees.items())]
    walls: dict[str, list[float]] = {name: [] for name, _, _ in jobs}
    per_run: dict[str, list[float]] = {name: [] for name, _, _ in jobs}
    per_run_1: dict[str, list[float]] = {name: [] for name, _, _ in jobs}  # vs local 1 thread
    scratch = Path(tempfile.mkdtemp(prefix="regtui-bench-ray-"))
    try:
        for i in range(args.rounds):
            local_runs: dict[str, float] = {}
            one_thread: dict[str, float] = {}
            for name, tree, ray in jobs:
                extra = ("--threads", "1") if name == "local 1 thread" else ()
                wall, cpu, runs = sweep(tree, ray, scratch / f"{i}-{name.replace(' ', '-')}",
                                        args.preset, extra)
                local_runs = runs if name == "local" else local_runs
                one_thread = runs if name == "local 1 thread" else one_thread
                walls[name].append(wall)
                per_run[name].append(statistics.median(runs[r] / local_runs[r] for r in runs))
                per_run_1[name].append(statistics.median(runs[r] / one_thread[r] for r in runs)
                                       if one_thread else float("nan"))
                print(f"round {i + 1} {name:14s} wall {wall:6.1f} s ({wall / walls['local'][-1]:.2f}x "
                      f"local), CPU {cpu:6.1f} s; a run's time vs local: median "
                      f"{per_run[name][-1]:.2f}x (vs local 1 thread {per_run_1[name][-1]:.2f}x); "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"medians over {args.rounds} rounds:")
    for name, ws in walls.items():
        ratio = statistics.median(w / b for w, b in zip(ws, walls["local"], strict=True))
        print(f"  {name:14s} wall {statistics.median(ws):6.1f} s  {ratio:.2f}x local;  "
              f"a run's training time {statistics.median(per_run[name]):.2f}x local, "
              f"{statistics.median(per_run_1[name]):.2f}x local with 1 thread")
    subprocess.run([sys.executable, str(HERE / "benchmarks" / "bench_ray_task.py"), "--rounds",
                    str(args.rounds)], check=True, env={**os.environ, "PYTHONPATH": str(HERE)})
    if args.events:
        subprocess.run([sys.executable, str(HERE / "benchmarks" / "bench_events.py"), "--events",
                        str(args.events), "--repeats", str(args.rounds)], check=True,
                       env={**os.environ, "PYTHONPATH": str(HERE)})


if __name__ == "__main__":
    main()
