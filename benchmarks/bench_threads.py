"""Benchmark: CPU thread settings on a quiet machine and beside one busy process.

Each setting trains `regtui run memorization` (BigAnimalNet, true/random/15% labels) in a
fresh process, because OpenMP reads its environment (OMP_WAIT_POLICY, GOMP_SPINCOUNT) only
when torch is first imported. The time is the training wall time that regtui reports
(summary wall_time_s, summed over the runs), so interpreter and import start-up do not
count. The loaded case starts its own busy process (`while True: pass`), measures every
setting again, and kills it.

Printed per setting: the median quiet time, its ratio to the fastest quiet setting
(should be <= 1.2), the median loaded time and its ratio to the same setting's quiet time
(should be <= 1.5). Machines are shared and noisy: compare ratios from one invocation, not
seconds across invocations. Usage:

    python benchmarks/bench_threads.py            # 200 epochs, 3 repeats (5-10 minutes)
    python benchmarks/bench_threads.py --quick    # 40 epochs, 3 repeats (about 2-3 minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CORES = len(os.sched_getaffinity(0))
# name -> (extra environment, --threads value or None for regtui's default). regtui sets
# OMP_WAIT_POLICY=PASSIVE unless told otherwise; GOMP_SPINCOUNT (which libgomp lets win over the
# policy) = 300000 restores libgomp's own default, the ~3 ms busy-wait torch normally runs with.
SETTINGS: dict[str, tuple[dict[str, str], int | None]] = {
    "regtui default (idle cores, passive)": ({}, None),
    "1 thread": ({}, 1),
    f"{CORES} threads, passive": ({}, CORES),
    f"{CORES} threads, spin (torch default)": ({"GOMP_SPINCOUNT": "300000"}, CORES),
}


def one_run(env_extra: dict[str, str], threads: int | None, epochs: int, out: str) -> float:
    """Train the memorization preset in a fresh process; return its training seconds."""
    cmd = [sys.executable, "-m", "regtui", "run", "memorization", "--epochs", str(epochs),
           "--device", "cpu", "--json", "--no-plot", "--out", out]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    env = {**os.environ, **env_extra}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return sum(r["wall_time_s"] for r in json.loads(done.stdout)["runs"])


def measure(names: list[str], repeats: int, epochs: int, out: str) -> dict[str, float]:
    """Median training seconds per setting; settings interleaved so drifting load hits all alike."""
    times: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(repeats):
        for n in names:
            env, threads = SETTINGS[n]
            times[n].append(one_run(env, threads, epochs, out))
    return {n: statistics.median(v) for n, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="40 epochs: about 2-3 minutes on 2 cores")
    args = ap.parse_args()
    epochs = 40 if args.quick else args.epochs
    names = list(SETTINGS)
    print(f"cores available: {len(os.sched_getaffinity(0))}, load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; memorization preset, {epochs} epochs, "
          f"median of {args.repeats}", flush=True)
    with tempfile.TemporaryDirectory() as out:
        quiet = measure(names, args.repeats, epochs, out)
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            time.sleep(0.5)  # let the busy process get going
            loaded = measure(names, args.repeats, epochs, out)
        finally:
            busy.kill()
            busy.wait()
    fastest = min(quiet.values())
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'setting':40} {'quiet s':>8} {'vs fastest':>10} {'loaded s':>9} {'loaded/quiet':>12}")
    for n in names:
        print(f"{n:40} {quiet[n]:8.2f} {quiet[n] / fastest:9.2f}x {loaded[n]:9.2f} "
              f"{loaded[n] / quiet[n]:11.2f}x")
    print("targets: quiet within 1.2x of the fastest; loaded at most 1.5x its own quiet time")


if __name__ == "__main__":
    main()
