"""Presets: TOML files holding one or more runs, found by name or path, validated into RunConfigs."""

from __future__ import annotations

import difflib
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib

from regtui.engine.config import ConfigError, RunConfig, from_mapping
from regtui.experiments.seeds import expand_seeds, is_repeated, member_seeds
from regtui.system.errors import CONTROL, reason, shown
from regtui.system.folder_names import first_collision, folder_name_problem

TOP_KEYS = ("description", "defaults", "runs")
# The most runs one preset, sweep or grid may make unless asked for more (--max-runs): counted
# before the runs are built, so a typo such as two 1,000-value grids is refused at once.
MAX_RUNS = 1000


@dataclass(frozen=True)
class Preset:
    """A named experiment: a one-line description and the runs it compares."""

    name: str
    description: str
    path: Path
    runs: tuple[RunConfig, ...]


def preset_dir() -> Path:
    """Where the bundled presets live: regtui/presets inside an installed wheel, or the source
    tree's top-level presets/ beside the package."""
    package = Path(__file__).resolve().parents[1]  # regtui/, whatever subpackage this file is in
    installed = package / "presets"
    return installed if installed.is_dir() else package.parent / "presets"


def preset_paths() -> dict[str, Path]:
    """Bundled presets by name (file stem), sorted."""
    return {p.stem: p for p in sorted(preset_dir().glob("*.toml"))}


WANTED = "give a preset name (see regtui presets) or the path of a .toml file"


def resolve(name_or_path: str) -> Path:
    """Find a preset by bundled name or by file path; raise ConfigError listing the choices."""
    if not name_or_path.strip():
        raise ConfigError(f"the preset name is empty; {WANTED}")
    path = Path(name_or_path).expanduser()
    try:
        kind = "folder" if path.is_dir() else "file" if path.is_file() else None
    except OSError as exc:  # a name too long, a folder that may not be searched
        raise ConfigError(f"preset {shown(name_or_path)!r}: {reason(exc)}; {WANTED}") from None
    if kind == "folder":
        rerun = f"; to re-run a saved run, give its config.toml ({shown(path / 'config.toml')})" \
            if (path / "config.toml").is_file() else ""
        raise ConfigError(f"{shown(name_or_path)!r} is a folder, not a preset; {WANTED}{rerun}")
    if kind == "file":
        return path
    if path.suffix == ".toml" or os.sep in name_or_path:
        raise ConfigError(f"preset file {shown(name_or_path)!r} does not exist; {WANTED}")
    known = preset_paths()
    if name_or_path in known:
        return known[name_or_path]
    close = difflib.get_close_matches(name_or_path, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ConfigError(f"unknown preset {shown(name_or_path)!r}; {hint}available: {', '.join(known)} "
                      "(or give a path to a .toml file)")


def _table(doc: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key!r} must be a table ([{key}])")
    return value


def load_preset(name_or_path: str, overrides: dict[str, Any] | None = None,
                grid: Sequence[tuple[str, Sequence[Any]]] = (), max_runs: int = MAX_RUNS) -> Preset:
    """Read and validate a preset; `overrides` (e.g. from the command line) apply to every run.

    `grid` (key, values) pairs multiply every run by their cartesian product (regtui.experiments.sweep);
    then runs with seeds or repeats become their seed members (regtui.experiments.seeds). More
    than `max_runs` runs in all is a ConfigError, raised before any of them is built.
    """
    path = resolve(name_or_path)
    problem = folder_name_problem(path.stem)  # the stem names the session folder
    if problem:
        raise ConfigError(f"{str(path)!r}: the file name {path.stem!r} cannot name a run folder: "
                          f"{problem}; rename the file")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown(path)}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown(path)}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib descends recursively: [[[[...]]]] thousands deep
        raise ConfigError(f"{shown(path)}: not a preset: its values are nested thousands deep") from None
    for key in doc:
        if key not in TOP_KEYS:
            raise ConfigError(f"{path}: unknown top-level key {key!r}; allowed: {', '.join(TOP_KEYS)}")
    description = doc.get("description", "")
    if not isinstance(description, str) or CONTROL.search(description) or "\n" in description:
        raise ConfigError(f"{shown(path)}: 'description' must be a string of one line, without "
                          "control characters (it is printed to the terminal)")
    defaults = _table(doc, "defaults", str(path))
    runs = doc.get("runs", [{}])
    if not isinstance(runs, list) or not all(isinstance(r, dict) for r in runs) or not runs:
        raise ConfigError(f"{path}: 'runs' must be a list of tables ([[runs]])")
    configs = []
    for i, run in enumerate(runs, start=1):
        where = f"{path} [[runs]] #{i}" if "runs" in doc else f"{path} [defaults]"
        values = {"name": f"run{i}" if len(runs) > 1 else path.stem, **defaults, **run}
        configs.append(from_mapping(values, where))
        if overrides:
            configs[-1] = from_mapping({**configs[-1].as_dict(), **overrides}, "command line")
    _check_count(configs, grid, max_runs)
    if grid:
        from regtui.experiments.sweep import expand_grid

        configs = list(expand_grid(configs, grid))
    configs = list(expand_seeds(configs))
    clash = first_collision(c.name for c in configs)
    if clash:
        i, j = clash
        raise ConfigError(f"{path}: run names must be unique as folder names (ignoring case and "
                          f"Unicode form), but run #{i + 1} {configs[i].name!r} and run "
                          f"#{j + 1} {configs[j].name!r} would share one folder")
    return Preset(path.stem, description, path, tuple(configs))


def _check_count(configs: Sequence[RunConfig], grid: Sequence[tuple[str, Sequence[Any]]],
                 max_runs: int) -> None:
    """ConfigError when the runs times the grid's points times the seeds exceed `max_runs`."""
    points = math.prod(len(values) for _, values in grid)
    count = points * sum(len(member_seeds(c)) for c in configs)
    if count > max_runs:
        parts = [f"{len(configs):,} run{'s' if len(configs) != 1 else ''}"]
        if grid:
            parts.append(f"{points:,} grid points")
        if any(is_repeated(c) for c in configs):
            parts.append("their seeds")
        raise ConfigError(f"{' times '.join(parts)} make {count:,} runs, more than the limit of "
                          f"{max_runs:,}; give --max-runs {count} to run them "
                          "all, or fewer values")


def config_to_toml(cfg: RunConfig, description: str) -> str:
    """A preset file that re-runs exactly this one run (every setting written out). The
    description is written as load_preset reads it: one line, control characters as spaces."""
    line = CONTROL.sub(" ", description.replace("\n", " ").replace("\t", " "))
    lines = [f"# Resolved settings of run {cfg.name!r}; re-run with: regtui run <this file>",
             f"description = {_toml_value(line)}", "", "[defaults]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in cfg.as_dict().items()]
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    """A TOML literal. A JSON string is a valid TOML basic string once DEL is escaped too:
    both escape quotes, backslashes and control characters the same way."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, (int, float)):
        return repr(v)  # finite: RunConfig rejects NaN and inf
    return json.dumps(str(v), ensure_ascii=False).replace("\x7f", "\\u007f")
