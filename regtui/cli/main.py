"""The `regtui` command: headless preset runs, presets, norms, data sets and the Textual app."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from regtui.cli import train
from regtui.cli.data import data_app
from regtui.cli.exits import RegtuiTyper, fail, leave
from regtui.cli.options import SPEED_HELP, speed_option
from regtui.engine.config import check_value
from regtui.headless.console import PipeConsole

app = RegtuiTyper(
    name="regtui",
    help="Watch regularization happen: weight norms, overfitting, memorization and early stopping.\n\n"
         "Run with no command to open the interactive app.",
    rich_markup_mode=None,  # plain click help: readable at 80 columns and in logs
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")
app.command(short_help="Train a preset headless; a run folder per run.")(train.run)
app.command(short_help="Run a preset over a grid of settings (and seeds).")(train.sweep)


def _version(value: bool) -> None:
    if value:
        from regtui import __version__

        PipeConsole().print(f"regtui {__version__}", markup=False)
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Watch regularization happen in the terminal."""
    if ctx.invoked_subcommand is None:
        from regtui.tui.launch import launch

        raise typer.Exit(launch(preset=None, autostart=False, exit_when_done=False))


def runs_text(runs: tuple[Any, ...]) -> str:
    """A preset's runs in a few words: seed members as their run once, with the seed count."""
    from regtui.experiments.seeds import group_of

    groups = list(dict.fromkeys(group_of(c) for c in runs))
    text = ", ".join(groups) if len(groups) <= 3 else f"{groups[0]}..{groups[-1]}"
    return text if len(groups) == len(runs) else f"{text} x{len(runs) // len(groups)} seeds"


@app.command()
def presets() -> None:
    """List the bundled presets with what each one demonstrates."""
    from regtui.experiments.presets import load_preset, preset_paths

    # Two lines a preset rather than a table: a table squeezed to 80 columns cut the run lists
    # and descriptions; these lines read whole at any width, in a terminal or a pipe.
    console = PipeConsole()
    for name in preset_paths():
        p = load_preset(name)
        console.print(f"[bold]{name}[/]  [dim]runs: {escape(runs_text(p.runs))}[/]", soft_wrap=True)
        console.print(f"    {p.description}", markup=False, soft_wrap=True)
    console.print("Run one with: regtui run PRESET   (or open it in the app: regtui tui PRESET)")


@app.command(short_help="Print a fresh model's Frobenius norm per layer.")
def norms(
    model: Annotated[str, typer.Argument(help="animal_net, big_animal_net or net.")],
    seed: Annotated[int, typer.Option(help="Seed set (as the reference does) before building.")] = 2021,
) -> None:
    """Print a freshly initialized model's Frobenius norm per layer and in total."""
    from regtui.headless.tables import layer_table
    from regtui.models.nets import MODELS
    from regtui.models.norms import seeded_norms

    if model not in MODELS:
        raise fail(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")
    check_value("seed", seed, where="command line")  # torch.manual_seed takes 0..2**32-1 only
    layers, per_layer, total = seeded_norms(model, seed)
    console = PipeConsole()
    spec = MODELS[model]
    console.print(f"{spec.title}: {spec.description}; seed {seed}", markup=False, soft_wrap=True)
    console.print(layer_table(tuple(layers), tuple(per_layer), ascii_only=not console.is_terminal))
    console.print(f"Frobenius norm of the model's weights: {total:.4f}")


@app.command(short_help="Open the interactive app (the default).")
def tui(
    preset: Annotated[str | None, typer.Argument(help="Preset to open (default: memorization).")] = None,
    autostart: Annotated[bool, typer.Option("--autostart",
                                            help="Start training as soon as the app opens.")] = False,
    exit_when_done: Annotated[bool, typer.Option("--exit-when-done",
                                                 help="Quit when the preset's runs end (demos).")] = False,
    exit_delay: Annotated[float, typer.Option(help="Seconds the final screen stays up with "
                                                   "--exit-when-done.", min=0)] = 2.0,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch (default: the cores "
                                                     "idle at start minus one for the UI, at "
                                                     "least 1).", min=1)] = None,
    speed: Annotated[str, typer.Option(help=SPEED_HELP)] = "1",
) -> None:
    """Open the interactive app: choose data, labels, model and settings; watch it train.

    Keys: s start, a run all, x stop, w save, h settings pane, -/+ speed, r replay, ? help, q quit.
    """
    from regtui.tui.launch import launch

    raise typer.Exit(launch(preset=preset, autostart=autostart, exit_when_done=exit_when_done,
                            exit_delay=exit_delay, threads=threads, speed=speed_option(speed)))


@app.command(short_help="Open saved run folders in the app and replay them.")
def show(
    folders: Annotated[list[str], typer.Argument(help="Run folders, or session folders holding them "
                                                       "(from regtui run or the app's w).")],
    speed: Annotated[str, typer.Option(help=SPEED_HELP)] = "1",
    exit_when_done: Annotated[bool, typer.Option("--exit-when-done",
                                                 help="Quit when the replay ends (demos).")] = False,
) -> None:
    """Open saved runs in the app: the same charts, legend and norm table, replayed (r: again).

    Several folders compare runs across sessions. A run killed mid-way opens too.
    """
    from regtui.experiments.saved import load_runs

    pace = speed_option(speed)
    results = load_runs(folders)
    from regtui.tui.launch import launch

    raise typer.Exit(launch(preset=None, autostart=False, exit_when_done=exit_when_done, speed=pace,
                            saved=results))


def main() -> None:
    """Console-script entry point; OpenMP's wait policy must be set before torch is imported."""
    from regtui.system.threads import configure_openmp, start_idle_sample

    configure_openmp()
    start_idle_sample()
    try:
        app()
    except SystemExit as exc:  # click always ends this way
        leave(exc.code)
    leave(0)
