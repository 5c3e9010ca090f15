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
from regtui.system.errors import reason, shown

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

    Runs train in a process of its own, which loads torch while the app opens and ends with
    it; set REGTUI_TRAIN_IN_APP=1 to train in the app's own process instead.
    """
    from regtui.tui.launch import launch

    raise typer.Exit(launch(preset=preset, autostart=autostart, exit_when_done=exit_when_done,
                            exit_delay=exit_delay, threads=threads, speed=speed_option(speed)))


SHOW_SPEED_HELP = ("Pace of a replay (r, or --replay): 1 = a run unfolds over ~4 s, 2 twice as fast, "
                   "0.25 ... 8, or 'full'. The comparison itself opens whole at once.")


@app.command(short_help="Open saved runs in a viewer; --follow watches runs still training.")
def show(
    folders: Annotated[list[str], typer.Argument(help="Run folders, or session folders holding them "
                                                      "(from regtui run, regtui sweep or the app's w).")],
    follow: Annotated[bool, typer.Option(
        "--follow", help="Keep reading the folders while regtui run or regtui sweep writes them: new "
                         "epochs within about a second, new runs of a session, each run's end from "
                         "its status file; a run whose epochs stop while its status says running "
                         "is marked stalled. Polls (network file systems work); never writes "
                         "there.")] = False,
    export: Annotated[str | None, typer.Option(
        "--export", metavar="FILE.svg", help="Write the charts, legend and tables as an SVG figure "
                                             "and exit, without taking the terminal.")] = None,
    size: Annotated[str | None, typer.Option(
        metavar="COLUMNSxROWS", help="Size of the --export figure in terminal cells "
                                     "(default 160x50).")] = None,
    replay: Annotated[bool, typer.Option("--replay", help="Open on a replay of the runs (as r does) "
                                                          "instead of the whole comparison.")] = False,
    speed: Annotated[str, typer.Option(help=SHOW_SPEED_HELP)] = "1",
    exit_when_done: Annotated[bool, typer.Option(
        "--exit-when-done", help="Quit when the --replay ends, or 2 s after opening (demos).")] = False,
) -> None:
    """Open saved runs in a viewer: the same charts, legend and norm table, every run whole at once.

    The viewer does not train (regtui tui PRESET does). Several folders compare sessions; a run
    killed mid-way opens too. Keys: r replay, e export a figure, h settings, ? help, q quit.
    """
    from regtui.experiments.follow import Follower

    pace = speed_option(speed)
    if export is not None and (follow or replay or exit_when_done):
        raise fail("--export draws the runs as they are and exits: leave out --follow, --replay "
                   "and --exit-when-done")
    if follow and exit_when_done:
        raise fail("--follow keeps watching (more runs may come): quit with q; leave out --exit-when-done")
    if size is not None and export is None:
        raise fail("--size sets the size of the --export figure: give --export FILE.svg too")
    if export is not None:
        return _export(Follower(folders), export, size)
    follower = Follower(folders, wait=follow)  # reads them now: a bad folder fails before the screen
    from regtui.tui.launch import launch

    raise typer.Exit(launch(preset=None, autostart=False, exit_when_done=exit_when_done, speed=pace,
                            follower=follower, follow=follow, replay=replay))


def _export(follower: Any, name: str, size: str | None) -> None:
    """`regtui show --export`: draw the runs headless, write the SVG figure, say where."""
    from pathlib import Path

    from regtui.tui.app_frame import MIN_SIZE
    from regtui.tui.export import DEFAULT_SIZE, check_target, parse_size, write_figure
    from regtui.tui.launch import export_figure

    path = Path(name).expanduser()
    problem = check_target(path) if name.strip() else "--export: the file name is empty; give FILE.svg"
    try:
        cells = parse_size(size, MIN_SIZE) if size else DEFAULT_SIZE
    except ValueError as exc:
        problem = problem or str(exc)
    if problem:
        raise fail(problem)
    svg = export_figure(follower, cells)
    try:
        write_figure(path, svg)
    except OSError as exc:
        raise fail(f"--export {shown(path)}: cannot write it: {reason(exc)}") from None
    typer.echo(f"Figure: {path}")


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
