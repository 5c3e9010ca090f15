"""Benchmark: a run's training time inside a Ray task alone vs the same run trained locally.

One process, a local Ray runtime with one CPU (so one task at a time: no other member
competes for the cores), 1 torch thread both ways. Each round trains the quick preset's two
runs (200 epochs) as Ray tasks, then locally with run_all, and compares each run's own
training time (RunResult.wall_time); printed is the median ratio over runs and rounds. This
is the cost of the task itself (Ray's worker, the relay); benchmarks/bench_ray.py measures
the whole sweep, where tasks also share the machine's cores. Usage:

    python benchmarks/bench_ray_task.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as regtui's entry point sets it
os.environ.setdefault("RAY_worker_niceness", "0")  # as regtui's --ray auto sets it

import ray
import torch

from regtui.engine.ray_exec import ray_executor
from regtui.engine.runs import RunListener, run_all
from regtui.experiments.presets import load_preset
from regtui.experiments.sweep import parse_grid


class Quiet(RunListener):
    """Tells nobody: only the runs' own times are compared."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    ray.init(num_cpus=1, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    configs = load_preset("quick", {"epochs": 200, "device": "cpu"}, grid=parse_grid(["lr=0.001"])).runs
    execute = ray_executor("auto")
    execute(configs, Quiet(), None)  # the worker imports torch once: not timed
    ratios = []
    try:
        for i in range(args.rounds):
            remote = execute(configs, Quiet(), None).results
            local = run_all(configs, Quiet()).results
            ratios += [r.wall_time / lo.wall_time for r, lo in zip(remote, local, strict=True)]
            print(f"round {i + 1}: in a task {[round(r.wall_time, 2) for r in remote]} s, locally "
                  f"{[round(r.wall_time, 2) for r in local]} s; load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        ray.shutdown()
    print(f"a run in a Ray task alone: median {statistics.median(ratios):.2f}x its local time "
          f"({len(ratios)} runs)")


if __name__ == "__main__":
    main()
