"""What `run` and `sweep` (and the app's commands) share: option types, help from the settings,
--seeds/--repeats as settings, and --speed."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regtui.cli.exits import fail
from regtui.engine.config import FIELDS, ConfigError, check_value
from regtui.engine.config_rules import AUGMENT_RECIPES
from regtui.experiments.presets import MAX_RUNS as MAX_RUNS  # the default of --max-runs

ThreadsOption = Annotated[int | None, typer.Option(
    help="CPU threads for torch (default: the cores idle at start, at least 1; see README, Speed).",
    min=1, max=1024)]
OutOption = Annotated[str, typer.Option(help="Folder that receives the run folders.")]
CacheOption = Annotated[str | None, typer.Option(
    "--cache-dir", help="Data cache folder (default: $REGTUI_CACHE_DIR, else the user cache).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout "
                                                         "(progress goes to stderr).")]
PlotOption = Annotated[bool | None, typer.Option("--plot/--no-plot",
                                                 help="Charts at the end (default: on a terminal).")]
MaxRunsOption = Annotated[int, typer.Option(
    help=f"Refuse to start more runs than this (runs x grid points x seeds); counted before "
         f"anything is built, so a typo in a grid cannot start millions. Default {MAX_RUNS:,}.",
    min=1)]
StackOption = Annotated[bool, typer.Option(
    "--stack", help="Opt-in speed path for seeds on a GPU: runs that differ only by seed, labels "
                    "or inputs train as one stacked model (weights stacked along a leading "
                    "dimension). Members then agree with their single runs within float noise, "
                    "not bit for bit.")]

SPEED_HELP = ("Playback speed of the charts: 1 = a run unfolds over ~4 s, 2 twice as fast, "
              "0.25 ... 8, or 'full' (no pacing). It paces what is drawn, never the training itself.")


def setting_help(key: str, extra: str = "") -> str:
    """The help of a run option: the setting's description (one source), plus CLI-only notes."""
    return f"{FIELDS[key].help} {extra}".strip()


def augment_overrides(augment: bool | None, recipe: str) -> str:
    """--augment-recipe as the `augment` setting, checked like a preset value (ConfigError if not)."""
    if augment is False:
        raise ConfigError("command line: --augment-recipe turns augmentation on; drop --no-augment")
    if recipe not in AUGMENT_RECIPES:
        raise ConfigError(f"command line: --augment-recipe must be {' or '.join(AUGMENT_RECIPES)}, "
                          f"got {recipe!r}")
    return recipe


def seed_overrides(seeds: str | None, repeats: int | None) -> dict[str, Any]:
    """--seeds "2021,1,2" / --repeats N as settings; either one replaces the preset's other."""
    if seeds is not None and repeats is not None:
        raise ConfigError("command line: give --seeds or --repeats, not both")
    if repeats is not None:
        return {"repeats": repeats, "seeds": ()}
    if seeds is None:
        return {}
    try:
        values = tuple(int(s) for s in seeds.split(","))
    except ValueError:
        raise ConfigError(f"command line: --seeds must be comma-separated integers, e.g. "
                          f"2021,1,2; got {seeds!r}") from None
    return {"seeds": check_value("seeds", values, "command line"), "repeats": 1}


def speed_option(text: str) -> float | None:
    """--speed as the app's pace (None: full speed); a bad value fails with exit code 2."""
    from regtui.tui.pacing import parse_speed

    try:
        return parse_speed(text)
    except ValueError:
        raise fail(f"--speed {text!r}: use a number above 0 such as 0.5, 1 or 4, or 'full'") from None
