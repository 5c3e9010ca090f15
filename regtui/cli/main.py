"""The `regtui` command: headless preset runs, presets, norms, data sets and the Textual app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from regtui import __version__
from regtui.cli.data import data_app
from regtui.cli.exits import fail, guarded, os_error_text
from regtui.cli.options import (
    SPEED_HELP,
    JsonOption,
    OutOption,
    PlotOption,
    StackOption,
    ThreadsOption,
    seed_overrides,
    setting_help,
    speed_option,
)
from regtui.engine.config import FIELDS, check_value
from regtui.system.errors import EXIT_FAILED, RegtuiError

app = typer.Typer(
    name="regtui",
    help="Watch regularization happen: weight norms, overfitting, memorization and early stopping.\n\n"
         "Run with no command to open the interactive app.",
    rich_markup_mode=None,  # plain click help: readable at 80 columns and in logs
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")



def _version(value: bool) -> None:
    if value:
        typer.echo(f"regtui {__version__}")
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


# RunConfig settings with no `regtui run` option, on purpose. Every other setting has an
# option below whose help is the setting's own description (test_cli checks both).
PRESET_ONLY = {
    "name",  # names one run; an override applies to every run, which would then share a folder
    "group",  # set on seed members by regtui.experiments.seeds; by hand only to pool runs in a preset
}


@app.command(short_help="Train a preset headless; a run folder per run.")
def run(
    ctx: typer.Context,
    preset: Annotated[str, typer.Argument(help="Preset name (see regtui presets) or a .toml path.")],
    model: Annotated[str | None, typer.Option(help=setting_help("model"))] = None,
    dataset: Annotated[str | None, typer.Option(help=setting_help("dataset"))] = None,
    data_dir: Annotated[str | None, typer.Option(help=setting_help("data_dir"))] = None,
    labels: Annotated[str | None, typer.Option(help=setting_help("labels"))] = None,
    label_fraction: Annotated[float | None, typer.Option(help=setting_help("label_fraction"))] = None,
    n_train: Annotated[int | None, typer.Option(help=setting_help("n_train"))] = None,
    n_val: Annotated[int | None, typer.Option(help=setting_help("n_val"))] = None,
    image_size: Annotated[int | None, typer.Option(help=setting_help("image_size"))] = None,
    strict_images: Annotated[bool | None, typer.Option("--strict/--no-strict",
                                                       help=setting_help("strict_images"))] = None,
    optimizer: Annotated[str | None, typer.Option(help=setting_help("optimizer"))] = None,
    lr: Annotated[float | None, typer.Option(help=setting_help("lr"))] = None,
    momentum: Annotated[float | None, typer.Option(help=setting_help("momentum"))] = None,
    fused: Annotated[bool | None, typer.Option("--fused/--no-fused", help=setting_help("fused"))] = None,
    batch_size: Annotated[int | None, typer.Option(help=setting_help("batch_size"))] = None,
    weight_decay: Annotated[float | None, typer.Option(help=setting_help("weight_decay"))] = None,
    l2: Annotated[float | None, typer.Option(help=setting_help("l2"))] = None,
    l1: Annotated[float | None, typer.Option(help=setting_help("l1"))] = None,
    dropout: Annotated[float | None, typer.Option(help=setting_help("dropout"))] = None,
    augment: Annotated[bool | None, typer.Option("--augment/--no-augment",
                                                 help=setting_help("augment"))] = None,
    shuffle: Annotated[bool | None, typer.Option("--shuffle/--no-shuffle",
                                                 help=setting_help("shuffle"))] = None,
    epochs: Annotated[int | None, typer.Option(help=setting_help("epochs"))] = None,
    early_stopping: Annotated[bool | None, typer.Option("--early-stopping/--no-early-stopping",
                                                        help=setting_help("early_stopping"))] = None,
    patience: Annotated[int | None, typer.Option(help=setting_help("patience",
                                                            "Implies --early-stopping."))] = None,
    min_delta: Annotated[float | None, typer.Option(help=setting_help("min_delta"))] = None,
    restore_best: Annotated[bool | None, typer.Option("--restore-best/--no-restore-best",
                                                      help=setting_help("restore_best"))] = None,
    seed: Annotated[int | None, typer.Option(help=setting_help("seed"))] = None,
    device: Annotated[str | None, typer.Option(help=setting_help("device"))] = None,
    snapshot_every: Annotated[int | None, typer.Option(help=setting_help("snapshot_every"))] = None,
    inputs: Annotated[str | None, typer.Option(help=setting_help("inputs"))] = None,
    seeds: Annotated[str | None, typer.Option(help=setting_help("seeds", "Comma-separated, e.g. "
                                                               "2021,1,2."))] = None,
    repeats: Annotated[int | None, typer.Option(help=setting_help("repeats"))] = None,
    threads: ThreadsOption = None,
    cache_dir: Annotated[Path | None, typer.Option(help="Data cache folder (default: "
                                                        "$REGTUI_CACHE_DIR or the user cache).")] = None,
    out: OutOption = Path("runs"),
    json_out: JsonOption = False,
    plot: PlotOption = None,
    stack: StackOption = False,
) -> None:
    """Train a preset headless: progress, a summary table, charts and a run folder per run.

    Setting options override the preset for every one of its runs, checked like preset files.

    Ctrl-C, SIGTERM or SIGHUP stops after the epoch in progress and saves what was computed
    (a second Ctrl-C stops at once, keeping the completed epochs); the exit code is then 130.
    """
    raise typer.Exit(guarded(lambda guard: _run(
        ctx, preset, guard, cache_dir=cache_dir, patience=patience, early_stopping=early_stopping,
        threads=threads, out=out, json_out=json_out, plot=plot, seeds=seeds, repeats=repeats,
        stack=stack)))


def _run(ctx: typer.Context, preset: str, guard: Any, *, cache_dir: Path | None,
         patience: int | None, early_stopping: bool | None, threads: int | None, out: Path,
         json_out: bool, plot: bool | None, seeds: str | None, repeats: int | None,
         stack: bool) -> int:
    """The body of `run`: overrides, preset, session; returns the exit code."""
    from regtui.experiments.presets import load_preset
    from regtui.headless.session import run_session

    # the setting options are named after their RunConfig keys; None means "not given"
    overrides: dict[str, Any] = {k: v for k, v in ctx.params.items() if k in FIELDS and v is not None}
    if cache_dir is not None:
        import os

        from regtui.data.cache import ENV_VAR

        os.environ[ENV_VAR] = str(cache_dir)
    if patience is not None and early_stopping is None:
        overrides["early_stopping"] = True
    try:
        overrides.update(seed_overrides(seeds, repeats))
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    from regtui.system.threads import set_threads

    set_threads(threads)
    try:
        loaded = load_preset(preset, overrides)
        return run_session(loaded, out, json_out, plot, guard,
                           execute=_stacked() if stack else None)
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except OSError as exc:  # a file-system error not caught nearer: still name the path
        raise fail(os_error_text(exc), EXIT_FAILED) from None


@app.command(short_help="Run a preset over a grid of settings (and seeds).")
def sweep(
    preset: Annotated[str, typer.Argument(help="Preset name (see regtui presets) or a .toml path.")],
    grid: Annotated[list[str], typer.Option(
        "--grid", help="key=v1,v2,... over any setting; repeat for more keys (their cartesian "
                       "product runs). One value sets a setting for every run, e.g. epochs=20.")],
    seeds: Annotated[str | None, typer.Option(help=setting_help("seeds", "Comma-separated."))] = None,
    repeats: Annotated[int | None, typer.Option(help=setting_help("repeats"))] = None,
    ray: Annotated[str | None, typer.Option(
        help="Train the runs as Ray tasks, one CPU (or GPU) share each: 'auto' (the cluster in "
             "RAY_ADDRESS, else a local one) or a cluster address. Needs: pip install 'regtui\\[ray]'."
    )] = None,
    threads: ThreadsOption = None,
    out: OutOption = Path("runs"),
    json_out: JsonOption = False,
    plot: PlotOption = None,
    stack: StackOption = False,
) -> None:
    """Run a preset over a grid of settings (and seeds): one run folder per grid point and seed.

    Runs are named after their grid values (e.g. true-lr0.001); values are checked like preset
    values before anything trains. With seeds, the tables give mean ± sd per grid point.
    """
    from regtui.engine.config import ConfigError
    from regtui.experiments.presets import load_preset
    from regtui.experiments.sweep import parse_grid
    from regtui.headless.session import run_session
    from regtui.system.threads import set_threads

    def body(guard: Any) -> int:
        if ray is None:  # Ray tasks choose their own CPU share
            set_threads(threads)
        try:
            if stack and ray is not None:
                raise ConfigError("command line: give --stack or --ray, not both")
            loaded = load_preset(preset, seed_overrides(seeds, repeats), grid=parse_grid(grid))
            execute = _stacked() if stack else None
            if ray is not None:
                from regtui.engine.ray_exec import ray_executor

                execute = ray_executor(ray)
            return run_session(loaded, out, json_out, plot, guard, execute=execute)
        except RegtuiError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except OSError as exc:
            raise fail(os_error_text(exc), EXIT_FAILED) from None

    raise typer.Exit(guarded(body))


def _stacked() -> Any:
    """The stacked executor (imported only for --stack: it loads torch.func)."""
    from regtui.engine.stacked_runs import run_stacked

    return run_stacked


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
    console = Console(highlight=False)
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
    try:
        check_value("seed", seed, where="command line")  # torch.manual_seed takes 0..2**32-1 only
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    layers, per_layer, total = seeded_norms(model, seed)
    console = Console(highlight=False)
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

    try:
        code = launch(preset=preset, autostart=autostart, exit_when_done=exit_when_done,
                      exit_delay=exit_delay, threads=threads, speed=speed_option(speed))
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    raise typer.Exit(code)


@app.command(short_help="Open saved run folders in the app and replay them.")
def show(
    folders: Annotated[list[Path], typer.Argument(help="Run folders, or session folders holding them "
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
    try:
        results = load_runs(folders)
        from regtui.tui.launch import launch

        code = launch(preset=None, autostart=False, exit_when_done=exit_when_done, speed=pace,
                      saved=results)
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point; OpenMP's wait policy must be set before torch is imported."""
    from regtui.system.threads import configure_openmp

    configure_openmp()
    app()
