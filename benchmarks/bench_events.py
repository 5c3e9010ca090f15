"""Benchmark: how many epoch events a second the driver side of a sweep sustains.

Two measurements with a real EpochReport (BigAnimalNet on digits, noisy labels):

1. listener: the headless listener alone (run folder: metrics.csv row, flush, fsync every
   second; the log printer to /dev/null), in this process, no Ray. What the driver spends
   per event whatever the transport.
2. relay: regtui's Ray path without training: --tasks tasks on a local runtime each send
   --events copies of the report through the relay (regtui.engine.ray_task), in batches as a
   training task does; the driver takes them and hands them to a counting listener. Events
   a second from the first submit to the last task's end; on one machine the tasks, the
   relay and the driver share its cores, so a cluster's driver does at least as well.

A run of the quick preset streams ~100-150 epochs a second on one core here (a 200-epoch run
takes 1.3-2.1 s), so a driver sustaining E events a second streams about E/150 such runs at
once. benchmarks/bench_ray.py runs this too, after its sweeps. Usage:

    python benchmarks/bench_events.py [--events 5000] [--tasks 2] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console

from regtui.engine import Outcome, RunListener, Trainer
from regtui.engine.config import from_mapping


def sample() -> tuple[object, object]:
    """A real RunInfo and EpochReport from one epoch of BigAnimalNet on digits, random labels."""
    cfg = from_mapping({"dataset": "digits", "model": "big_animal_net", "labels": "partial",
                        "epochs": 1, "name": "bench"}, where="bench")
    trainer = Trainer(cfg)
    report = next(iter(trainer))
    return trainer.info, report


def listener_rate(info: object, report: object, n: int) -> float:
    """Events a second through the headless listener (run folder and log printer), for
    200-epoch runs: the printer writes every 20th epoch."""
    import dataclasses

    from regtui.experiments.presets import Preset
    from regtui.headless.printers import LogPrinter
    from regtui.headless.runner import _Recorder

    with tempfile.TemporaryDirectory() as out, open(os.devnull, "w") as null:
        preset = Preset(name="bench", description="bench", path=Path(out),
                        runs=(info.config,))  # type: ignore[attr-defined]
        recorder = _Recorder(preset, Path(out), LogPrinter(Console(file=null, width=120)))
        recorder.run_started(info)  # type: ignore[arg-type]
        reports = [dataclasses.replace(report, epoch=e, epochs=200) for e in range(1, 201)]
        t0 = time.perf_counter()
        for i in range(n):
            recorder.epoch(reports[i % 200])  # type: ignore[arg-type]
        return n / (time.perf_counter() - t0)


def flood(cfg: object, relay: object, attempt: int, info: object = None, report: object = None,
          n: int = 0) -> Outcome:
    """A member task that sends its start and `n` epoch events through the relay as fast as it
    can, as a training task sends them (batches at most every SEND_S), then waits until the
    relay holds them."""
    import dataclasses

    from regtui.engine.ray_task import TaskLink

    link = TaskLink(relay, attempt)
    link.run_started(dataclasses.replace(info, config=cfg))  # type: ignore[call-overload]
    for i in range(n):
        link.epoch(dataclasses.replace(report, run=cfg.name, epoch=i + 1, epochs=n))  # type: ignore
    link.close()
    return Outcome()


class Count(RunListener):
    def __init__(self) -> None:
        self.n = 0

    def epoch(self, report: object) -> None:
        self.n += 1


def relay_rate(info: object, report: object, n: int, tasks: int) -> float:
    """Events a second relayed from `tasks` flooding tasks to the driver's listener."""

    from regtui.engine.ray_exec import ray_executor

    configs = [from_mapping({"name": f"flood{i}"}, where="bench") for i in range(tasks)]
    def task(cfg: object, relay: object, attempt: int) -> Outcome:
        return flood(cfg, relay, attempt, info, report, n)

    execute = ray_executor("auto", task=task)
    execute(configs, Count(), None)  # start the workers: only the relaying is timed
    count = Count()
    t0 = time.perf_counter()
    execute(configs, count, None)
    took = time.perf_counter() - t0
    assert count.n == n * tasks, (count.n, n * tasks)
    return count.n / took


def main() -> None:
    import ray

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000, help="events per task")
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5, help="rounds (medians are printed)")
    args = parser.parse_args()
    info, report = sample()
    listener, relay = [], []
    try:
        for _ in range(args.repeats):  # alternating, so load from elsewhere hits both alike
            listener.append(listener_rate(info, report, args.events))
            relay.append(relay_rate(info, report, args.events, args.tasks))
    finally:
        ray.shutdown()
    print(f"load {os.getloadavg()[0]:.1f}, medians of {args.repeats}")
    print(f"listener (run folder + log lines), no Ray: {statistics.median(listener):8.0f} events/s")
    print(f"relay, {args.tasks} tasks -> driver (counting): {statistics.median(relay):8.0f} events/s")


if __name__ == "__main__":
    main()
