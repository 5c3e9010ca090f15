"""Benchmark: N seed members (run_all, and stacked) vs one single run and N single runs, one process.

By default members are ordinary runs trained one after another by `run_all`: the ratio
members / singles measures what the grouping costs (acceptance <= 1.1). With --stack
(regtui.engine.stacked_runs) the N members train as one stacked model: the ratio
stacked / one run is the issue's CUDA target (<= 2 for 10 seeds). The ways alternate,
repeated, and the median of each is compared, since the machines are shared and noisy.
Usage:

    python benchmarks/bench_seeds.py [--seeds 10] [--epochs 100] [--repeats 3] [--threads 1]
                                     [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from regtui.engine import RunListener, Trainer, run_all
from regtui.engine.config import from_mapping
from regtui.engine.stacked_runs import run_stacked
from regtui.experiments.seeds import expand_seeds


class Quiet(RunListener):
    """A listener that does nothing: the loop's own cost only."""


def timed(fn, device: str) -> float:
    """Seconds `fn()` takes, with the device's queued work finished on both ends."""
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    sync()
    t0 = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    base = {"name": "m", "device": args.device, "epochs": args.epochs, "labels": "random"}
    seeds = list(range(2021, 2021 + args.seeds))
    members = expand_seeds([from_mapping({**base, "seeds": seeds}, "bench")])
    singles = [from_mapping({**base, "seed": s}, "bench") for s in seeds]
    ways = {
        "one single run": lambda: Trainer(singles[0]).run(),
        f"{args.seeds} single runs": lambda: [Trainer(cfg).run() for cfg in singles],
        f"{args.seeds} members (run_all)": lambda: run_all(members, Quiet()),
        f"{args.seeds} members stacked": lambda: run_stacked(members, Quiet()),
    }
    for fn in (ways["one single run"], lambda: run_stacked(members[:2], Quiet())):
        fn()  # warm-up: data cache, allocator, vmap's first trace
    times: dict[str, list[float]] = {k: [] for k in ways}
    for _ in range(args.repeats):
        for name, fn in ways.items():
            times[name].append(timed(fn, args.device))
    med = {k: statistics.median(v) for k, v in times.items()}
    one, n_single, grouped, stacked = med.values()
    print(f"{args.seeds} seeds x {args.epochs} epochs, BigAnimalNet (digits, 100 train / 100 val), "
          f"device {args.device}, {args.threads} thread(s), medians of {args.repeats}")
    for name, ts in times.items():
        print(f"  {name:<26} median {med[name]:7.2f}s  {[round(t, 2) for t in ts]}")
    print(f"  members / singles:     {grouped / n_single:.3f} (acceptance: <= 1.1)")
    print(f"  stacked / one run:     {stacked / one:.3f} (CUDA target for 10 seeds: <= 2)")
    print(f"  stacked / singles:     {stacked / n_single:.3f}")


if __name__ == "__main__":
    main()
