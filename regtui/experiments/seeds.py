"""Seed members: a run with `seeds` or `repeats` becomes one ordinary run per seed, grouped.

Members are plain RunConfigs, trained by the engine's one loop like any run. Each member is
named `<run>-seed<N>` (one folder name: config forbids '/', so members sit side by side in
the session folder, e.g. `true-seed2021/`, `true-seed1/`) and carries `group = <run>`, which
the summaries use to report mean and spread per group.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regtui.engine.config import SEED_MAX, ConfigError, RunConfig, check_value

SEEDS_TEXT_RULE = "distinct comma-separated seeds such as 2021,1,2, or xN for N seeds from Seed (x3)"


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
        last = cfg.seed + cfg.repeats - 1
        if not cfg.seeds and last > SEED_MAX:  # seed, seed+1, ...: the repeats push past the top
            raise ConfigError(f"run {cfg.name!r}: seed {cfg.seed} with repeats {cfg.repeats} needs the "
                              f"seeds {cfg.seed}..{last}, past the largest seed {SEED_MAX}; use a seed "
                              f"of at most {SEED_MAX - cfg.repeats + 1}, fewer repeats, or a seeds list")
        group = cfg.group or cfg.name
        for seed in member_seeds(cfg):
            out.append(cfg.replace(name=member_name(cfg.name, seed), group=group, seed=seed,
                                   seeds=(), repeats=1))
    return tuple(out)


def group_of(cfg: RunConfig) -> str:
    """The group a run reports under: its `group`, or its own name for an ungrouped run."""
    return cfg.group or cfg.name


def seed_settings(text: str, where: str) -> dict[str, Any]:
    """`seeds`/`repeats` settings from text: "2021,1,2" (a seeds list), "x3" (repeats = 3) or ""
    (no seeds); checked with the preset rules; ConfigError naming `where` otherwise."""
    text = text.strip().replace(" ", "")
    try:
        if not text:
            return {"seeds": (), "repeats": 1}
        if text[0] in "xX":
            return {"seeds": (), "repeats": check_value("repeats", int(text[1:]), where)}
        seeds = tuple(int(s) for s in text.split(","))
        if len(set(seeds)) == len(seeds):  # distinct: each seed names a member's folder
            return {"seeds": check_value("seeds", seeds, where), "repeats": 1}
    except ValueError:  # ConfigError is one too: the rule below says it all
        pass
    raise ConfigError(f"{where} must be {SEEDS_TEXT_RULE}; got {text!r}")


def seeds_text(cfg: RunConfig) -> str:
    """The seeds of `cfg` as the app's Seeds field writes them: "2021,1,2", "x3" or ""."""
    if cfg.seeds:
        return ",".join(str(s) for s in cfg.seeds)
    return f"x{cfg.repeats}" if cfg.repeats > 1 else ""


def base_runs(configs: Iterable[RunConfig]) -> list[RunConfig]:
    """The runs `expand_seeds` made `configs` from: each group of members `<group>-seed<N>`
    folded back into one run named `<group>` with their seeds; other runs as they are.

    expand_seeds(base_runs(x)) == x for expanded presets, so the app can re-expand a preset's
    runs with other seeds (or under new names) through the one expansion above.
    """
    out: list[RunConfig] = []
    index: dict[str, int] = {}
    for cfg in configs:
        if not cfg.group or cfg.name != member_name(cfg.group, cfg.seed):
            out.append(cfg)
            continue
        if cfg.group in index:
            base = out[index[cfg.group]]
            out[index[cfg.group]] = base.replace(seeds=(*base.seeds, cfg.seed))
        else:
            index[cfg.group] = len(out)
            out.append(cfg.replace(name=cfg.group, group="", seeds=(cfg.seed,), repeats=1))
    return out
