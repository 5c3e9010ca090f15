"""Seed members: a run with `seeds` or `repeats` becomes one ordinary run per seed, grouped.

Members are plain RunConfigs, trained by the engine's one loop like any run. Each member is
named `<run>-seed<N>` (one folder name: config forbids '/', so members sit side by side in
the session folder, e.g. `true-seed2021/`, `true-seed1/`) and carries `group = <run>`, which
the summaries use to report mean and spread per group.
"""

from __future__ import annotations

from collections.abc import Iterable

from regtui.config import RunConfig


def member_seeds(cfg: RunConfig) -> tuple[int, ...]:
    """The seeds `cfg` runs with: its `seeds` list, else seed, seed+1, ... (`repeats` of them)."""
    if cfg.seeds:
        return cfg.seeds
    return tuple(cfg.seed + i for i in range(cfg.repeats))


def is_repeated(cfg: RunConfig) -> bool:
    """Whether `cfg` asks for seed members (a seeds list, or repeats > 1)."""
    return bool(cfg.seeds) or cfg.repeats > 1


def member_name(name: str, seed: int) -> str:
    """The run (and folder) name of the member of run `name` with `seed`."""
    return f"{name}-seed{seed}"


def expand_seeds(configs: Iterable[RunConfig]) -> tuple[RunConfig, ...]:
    """Each repeated run replaced by its members, in order; other runs as they are.

    A member equals the single run with `seed = N` in everything that shapes its numbers
    (split, label noise, initial weights): only name, group, seeds and repeats differ.
    """
    out: list[RunConfig] = []
    for cfg in configs:
        if not is_repeated(cfg):
            out.append(cfg)
            continue
        group = cfg.group or cfg.name
        for seed in member_seeds(cfg):
            out.append(cfg.replace(name=member_name(cfg.name, seed), group=group, seed=seed,
                                   seeds=(), repeats=1))
    return tuple(out)


def group_of(cfg: RunConfig) -> str:
    """The group a run reports under: its `group`, or its own name for an ungrouped run."""
    return cfg.group or cfg.name
