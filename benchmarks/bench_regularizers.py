"""Benchmark: what each regularizer costs on the 200-epoch BigAnimalNet memorization run.

Times regtui's Trainer (data loading excluded: the Trainer is built before the clock starts)
with no regularizer, with the L2 penalty, with L1 and L2 together (one loop computes both),
with dropout and with on-device augmentation. The runs are interleaved round-robin and each
setting's median is compared with the unregularized median of the same invocation, because
a shared machine's load drifts: only ratios measured together mean much. Targets (issue 9):
L2 at most 1.2x, augmentation at most 1.5x. Usage:

    python benchmarks/bench_regularizers.py [--epochs 200] [--repeats 5] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import time

from regtui.engine import Trainer
from regtui.engine.config import from_mapping

SETTINGS: dict[str, dict[str, object]] = {
    "none": {},
    "l2": {"l2": 0.05},
    "l1+l2": {"l1": 1e-3, "l2": 0.05},
    "dropout": {"dropout": 0.5},
    "augment": {"augment": True},
}
LIMITS = {"l2": 1.2, "augment": 1.5}  # the budget, as a multiple of "none"


def time_run(settings: dict[str, object], epochs: int, device: str) -> float:
    """Seconds to train one memorization run (labels partial) once its data and model are built."""
    cfg = from_mapping({"labels": "partial", "epochs": epochs, "device": device, **settings}, "bench")
    trainer = Trainer(cfg)
    t0 = time.perf_counter()
    trainer.run()
    return time.perf_counter() - t0


def main() -> None:
    """Interleave the settings `repeats` times; print each median and its ratio to none."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in SETTINGS}
    time_run({}, 5, args.device)  # warm-up: first-call allocations and kernel selection
    for _ in range(args.repeats):
        for name, settings in SETTINGS.items():
            times[name].append(time_run(settings, args.epochs, args.device))
    base = statistics.median(times["none"])
    print(f"{args.epochs} epochs, {args.repeats} repeats, device {args.device}; medians:")
    for name, ts in times.items():
        med = statistics.median(ts)
        limit = LIMITS.get(name)
        verdict = "" if limit is None else f"  (limit {limit}x: {'ok' if med / base <= limit else 'OVER'})"
        print(f"  {name:8s} {med:7.3f}s  {med / base:5.2f}x{verdict}")


if __name__ == "__main__":
    main()
