"""Grids for `regtui sweep`: parse `key=v1,v2` specs and multiply a preset's runs by them.

Values are checked exactly like preset values (same types, bounds and messages), before any
training; every grid point is an ordinary RunConfig named after its values, e.g.
`true-lr0.001-momentum0.9`, so it gets its own run folder and (with seeds) its own group.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from regtui.engine.config import FIELDS, ConfigError, RunConfig, check_value, from_mapping

# Settings a grid may not vary: names come from the grid, seeds from --seeds / --repeats.
NOT_GRIDDED = {"name": "run names are derived from the grid values",
               "group": "groups are derived from the grid values",
               "seeds": "use --seeds", "repeats": "use --repeats"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")  # anything else in a value becomes '_' in a run name


def _typed(key: str, text: str, where: str) -> Any:
    """A command-line word as the setting's type (before range checks): int, float, bool or str."""
    kind = FIELDS[key].kind
    try:
        if FIELDS[key].takes_bool and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if kind is bool:
            raise ValueError
        return kind(text) if kind in (int, float) else text
    except ValueError:
        raise ConfigError(f"{where}: {text!r} is not a valid value for {key!r}") from None


def _check_key(key: str, where: str, grid: Sequence[tuple[str, Any]]) -> None:
    """ConfigError (exit 2) for a key that cannot be swept, is unknown (with a did-you-mean) or
    is given twice."""
    if key in NOT_GRIDDED:
        raise ConfigError(f"{where}: {key!r} cannot be swept: {NOT_GRIDDED[key]}")
    if key not in FIELDS:
        check_value(key, None, where)  # raises the unknown-key message with a did-you-mean
    if any(k == key for k, _ in grid):
        raise ConfigError(f"{where}: {key!r} is given twice; put all its values in one --grid")


def _checked(key: str, values: Sequence[Any], where: str) -> list[Any]:
    """A grid key's values, each checked like a preset value; ConfigError for none or a repeat."""
    if not values:
        raise ConfigError(f"{where}: no value (or an empty one) for {key!r}")
    checked = [check_value(key, v, where) for v in values]
    if len({repr(v) for v in checked}) != len(checked):
        raise ConfigError(f"{where}: a value of {key!r} is repeated")
    return checked


def parse_grid(specs: Iterable[str]) -> list[tuple[str, list[Any]]]:
    """`["lr=1e-3,5e-3", "labels=true,random"]` as [(key, values)], each value validated.

    Raises ConfigError (exit 2) for a spec without '=', an unknown key (with a did-you-mean),
    a key given twice, an empty value list, a repeated value or a value the setting refuses.
    """
    grid: list[tuple[str, list[Any]]] = []
    for spec in specs:
        key, eq, rest = spec.partition("=")
        key, where = key.strip(), f"--grid {spec!r}"
        if not eq:
            raise ConfigError(f"{where}: write key=value1,value2,...")
        _check_key(key, where, grid)
        words = [w.strip() for w in rest.split(",")]
        if not any(words) or "" in words:
            raise ConfigError(f"{where}: no value (or an empty one) for {key!r}")
        grid.append((key, _checked(key, [_typed(key, w, where) for w in words], where)))
    if not grid:
        raise ConfigError("give at least one --grid key=value1,value2,...")
    return grid


def grid_from_mapping(grid: Mapping[str, Sequence[Any]]) -> list[tuple[str, list[Any]]]:
    """{"lr": [1e-3, 5e-3]} (the Python API's grid) as [(key, values)], checked as parse_grid checks."""
    out: list[tuple[str, list[Any]]] = []
    for key, values in grid.items():
        where = f"grid {key!r}"
        _check_key(key, where, out)
        listed = [values] if isinstance(values, str | bytes) or not isinstance(values, Sequence) else values
        out.append((key, _checked(key, list(listed), where)))
    return out


def value_label(value: Any) -> str:
    """A grid value as it appears in a run name: 0.001, true, shuffled_pixels (unsafe chars -> _)."""
    text = f"{value:g}" if isinstance(value, float) else str(value).lower() \
        if isinstance(value, bool) else str(value)
    return _UNSAFE.sub("_", text)


def _spelled(changes: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in changes.items())


def expand_grid(configs: Sequence[RunConfig], grid: Sequence[tuple[str, Sequence[Any]]]
                ) -> tuple[RunConfig, ...]:
    """Every run times every point of the cartesian product of `grid`, named `<run>-<key><value>...`
    after the keys with more than one value (a one-value key just sets that setting)."""
    keys = [k for k, _ in grid]
    named = {k for k, values in grid if len(values) > 1}
    out = []
    for cfg in configs:
        for point in itertools.product(*(values for _, values in grid)):
            name = "-".join([cfg.name, *(f"{k}{value_label(v)}" for k, v in zip(keys, point,
                                                                               strict=True)
                                         if k in named)])
            changes = dict(zip(keys, point, strict=True))
            out.append(from_mapping({**cfg.as_dict(), "name": name, **changes},
                                    f"grid point {name!r} ({_spelled(changes)})"))
    return tuple(out)
