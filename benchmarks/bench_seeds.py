"""Benchmark: N seed members through the engine's loop vs N separate single runs, one process.

`seeds` adds no training path of its own: members are ordinary runs trained one after another
by `run_all`. This measures what the grouping costs (expansion, listener, nothing else) as
the ratio members / singles; the acceptance is <= 1.1. The two ways alternate, repeated,
and the median of each is compared, since the machines are shared and noisy. Usage:

    python benchmarks/bench_seeds.py [--seeds 5] [--epochs 100] [--repeats 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from regtui.config import from_mapping
from regtui.engine import RunListener, Trainer, run_all
from regtui.seeds import expand_seeds


class Quiet(RunListener):
    """A listener that does nothing: the loop's own cost only."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    base = {"name": "m", "device": "cpu", "epochs": args.epochs, "labels": "random"}
    seeds = list(range(2021, 2021 + args.seeds))
    members = expand_seeds([from_mapping({**base, "seeds": seeds}, "bench")])
    singles = [from_mapping({**base, "seed": s}, "bench") for s in seeds]
    Trainer(singles[0]).run()  # warm-up: data cache, allocator
    t_single, t_members = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        for cfg in singles:
            Trainer(cfg).run()
        t_single.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        run_all(members, Quiet())
        t_members.append(time.perf_counter() - t0)
    single, grouped = statistics.median(t_single), statistics.median(t_members)
    print(f"{args.seeds} seeds x {args.epochs} epochs, BigAnimalNet on CPU, {args.threads} thread(s)")
    print(f"  {args.seeds} single runs: median {single:.2f}s  {[round(t, 2) for t in t_single]}")
    print(f"  {args.seeds} members:     median {grouped:.2f}s  {[round(t, 2) for t in t_members]}")
    print(f"  ratio members / singles: {grouped / single:.3f} (acceptance: <= 1.1)")


if __name__ == "__main__":
    main()
