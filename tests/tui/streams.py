"""Deterministic, synthetic runs for snapshot and Pilot tests: no training, no CPU-specific floats."""

from __future__ import annotations

import math

from regtui.engine import EpochReport, RunInfo, RunResult
from regtui.engine.reports import NoisyLabelAcc
from regtui.experiments.presets import load_preset
from regtui.models.layers import LayerInfo
from regtui.tui.session import SessionRun

LAYERS = (LayerInfo("fc1.weight", (300, 1), 300), LayerInfo("fc1.bias", (300,), 300),
          LayerInfo("fc2.weight", (1, 300), 300), LayerInfo("fc2.bias", (1,), 1))
START = (5.0, 2.0, 3.0, 0.5)


def fake_result(name: str, epochs: int, upto: int | None = None, random_labels: bool = False,
                stop_reason: str = "finished", noise: float | None = None, seed: int = 2021,
                group: str = "") -> RunResult:
    """A classification run of `epochs` planned epochs with `upto` done, smooth made-up curves.

    `noise`: a share of changed labels (labels "partial"): the run reports the noisy-label split,
    clean images learned early and changed ones memorized late, as the tutorial's runs do.
    """
    cfg = load_preset("quick").runs[0].replace(name=name, epochs=epochs, seed=seed, group=group)
    if noise is not None:
        cfg = cfg.replace(labels="partial", label_fraction=noise)
    info = RunInfo(config=cfg, device="cpu", layers=LAYERS, initial_norms=START,
                   initial_total=math.sqrt(sum(v * v for v in START)), data_source="synthetic")
    history, best, best_acc = [], 0, -math.inf
    for e in range(1, (upto or epochs) + 1):
        t = e / epochs
        train = round(100 * (1 - math.exp(-6 * t)), 1)
        val = round((50 + 10 * math.sin(7 * t)) if random_labels else 100 * (1 - math.exp(-4 * t)) - 8, 1)
        growth = 1.6 if random_labels else 0.8 + 0.1 * len(name) % 3  # each run its own norm curve
        if noise is not None:  # more changed labels: slower to fit, and validation falls once
            train = round(100 * (1 - math.exp(-(6 - 4 * noise) * t)), 1)  # they are memorized
            val = round(max(33.0, val - 20 * noise - 120 * noise * max(0.0, t - 0.25)), 1)
            growth += noise + 0.05 * (seed % 3)
        if val > best_acc:
            best, best_acc = e, val
        norms = tuple(round(v * (1 + growth * t), 3) for v in START)
        total = round(math.sqrt(sum(v * v for v in norms)), 3)
        history.append(EpochReport(
            run=name, epoch=e, epochs=epochs, train_loss=round(2 * math.exp(-5 * t), 4),
            val_loss=round(2 * math.exp(-2 * t), 4), layer_norms=norms, total_norm=total,
            elapsed=0.01 * e, train_acc=train, val_acc=val, best_epoch=best, best_val_acc=best_acc,
            noisy=None if noise is None else noisy_split(t, noise, seed)))
    return RunResult(info=info, history=history, stop_reason=stop_reason, wall_time=0.01 * len(history),
                     final_state={})


def sweep_results(epochs: int = 60) -> list[RunResult]:
    """label-noise-sweep's 18 members (6 noise shares x 3 seeds), made up but shaped like the real
    thing: train accuracy reaches 100% later the more labels are shuffled (one noise100 member
    never does), validation accuracy falls towards chance, changed labels are memorized late."""
    from regtui.engine.reports import NoisyLabelAcc

    out = []
    for k, cfg in enumerate(load_preset("label-noise-sweep", {"epochs": epochs}).runs):
        noise, seed = cfg.label_fraction, k % 3
        info = RunInfo(config=cfg, device="cpu", layers=LAYERS, initial_norms=START,
                       initial_total=math.sqrt(sum(v * v for v in START)), data_source="synthetic",
                       label_changed=round(noise * 2 / 3, 2))
        full_at = 12 + round(40 * noise) + 3 * seed  # the epoch train accuracy reaches 100%
        history, best, best_acc = [], 0, -1.0
        for e in range(1, epochs + 1):
            train = 100.0 if e >= full_at and not (noise == 1.0 and seed == 2) else \
                round(min(99.0, 100 * e / full_at), 1)
            val = round(33 + (66 - 60 * noise) * (1 - math.exp(-e / 8)) - 2 * seed * noise, 1)
            if val > best_acc:
                best, best_acc = e, val
            memorized = None if noise == 0 else round(min(100.0, max(0.0, 100 * (e - 8) / full_at)), 1)
            noisy = None if noise == 0 else NoisyLabelAcc(round(min(100.0, 100 * e / 10), 1), memorized, 5.0)
            norms = tuple(round(v * (1 + (0.2 + noise) * e / epochs), 3) for v in START)
            history.append(EpochReport(
                run=cfg.name, epoch=e, epochs=epochs, train_loss=round(math.exp(-e / full_at), 4),
                val_loss=round(1 + noise * e / epochs, 4), layer_norms=norms,
                total_norm=round(math.sqrt(sum(v * v for v in norms)), 3), elapsed=0.01 * e,
                train_acc=train, val_acc=val, best_epoch=best, best_val_acc=best_acc, noisy=noisy))
        out.append(RunResult(info=info, history=history, stop_reason="finished", wall_time=0.01 * epochs,
                             final_state={}))
    return out


def noisy_split(t: float, noise: float, seed: int) -> NoisyLabelAcc:
    """Made-up noisy-label split at a share `t` of the run: clean learned first, changed labels
    memorized late (later with more noise), a changed image's true class forgotten meanwhile."""
    clean = round(100 * (1 - math.exp(-(8 - 5 * noise) * t)), 1)
    memorized = round(100 / (1 + math.exp(-14 * (t - 0.45 - 0.2 * noise - 0.01 * (seed % 3)))), 1)
    return NoisyLabelAcc(clean, memorized if noise else None, round(max(0.0, 60 - 0.6 * memorized), 1)
                         if noise else None)


def noise_sweep_results(epochs: int = 60) -> list[RunResult]:
    """18 runs as label-noise-sweep makes them: noise0 .. noise100, seeds 2021, 1, 2 each."""
    return [fake_result(f"noise{n}-seed{s}", epochs, noise=n / 100, seed=s, group=f"noise{n}")
            for n in (0, 20, 40, 60, 80, 100) for s in (2021, 1, 2)]


def session_runs(results: list[RunResult]) -> list[SessionRun]:
    """The app's record of these runs, as if each had played to its end (as the viewer opens them)."""
    from regtui.tui.app_viewer import session_run

    return [session_run(r) for r in results]
