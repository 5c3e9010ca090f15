"""The `regtui` command: headless preset runs, presets, norms, data sets and the Textual app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from regtui import __version__
from regtui.data_cli import data_app
from regtui.errors import EXIT_FAILED, EXIT_USAGE, RegtuiError

app = typer.Typer(
    name="regtui",
    help="Watch regularization happen: weight norms, overfitting, memorization and early stopping.\n\n"
         "Run with no command to open the interactive app.",
    rich_markup_mode="rich",
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")
err = Console(stderr=True, highlight=False)



def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print `Error: message` on stderr and return the Exit to raise.

    The message is escaped: it quotes user text such as '[defaults]', which rich would
    otherwise take for markup and drop.
    """
    err.print(f"[bold red]Error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


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


@app.command()
def run(
    preset: Annotated[str, typer.Argument(help="Preset name (see [b]regtui presets[/]) or a .toml path.")],
    epochs: Annotated[int | None, typer.Option(help="Epochs (toy: Adam steps) per run.")] = None,
    lr: Annotated[float | None, typer.Option(help="Learning rate.")] = None,
    momentum: Annotated[float | None, typer.Option(help="SGD momentum.")] = None,
    optimizer: Annotated[str | None, typer.Option(help="sgd or adam.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Training batch size.")] = None,
    model: Annotated[str | None, typer.Option(help="animal_net, big_animal_net or net (toy).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Data set (see [b]regtui data list[/]).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Image folder, one sub-folder per class.")] = None,
    labels: Annotated[str | None, typer.Option(help="true, random or partial (for every run).")] = None,
    label_fraction: Annotated[float | None, typer.Option(help="Share for --labels partial.")] = None,
    n_train: Annotated[int | None, typer.Option(help="Training images.")] = None,
    n_val: Annotated[int | None, typer.Option(help="Validation images.")] = None,
    patience: Annotated[int | None, typer.Option(help="Early stopping with this patience.")] = None,
    early_stopping: Annotated[bool | None, typer.Option("--early-stopping/--no-early-stopping",
                                                           help="Force early stopping on or off.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for split, label noise and weights.")] = None,
    device: Annotated[str | None, typer.Option(help="auto (CUDA if present), cpu, cuda, cuda:N.")] = None,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch (default: torch's).",
                                                min=1)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="An unreadable image is an error "
                                                          "(default: skipped and named).")] = False,
    cache_dir: Annotated[Path | None, typer.Option(help="Data cache folder (default: "
                                                        "$REGTUI_CACHE_DIR or the user cache).")] = None,
    out: Annotated[Path, typer.Option(help="Folder that receives the run folders.")] = Path("runs"),
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout "
                                                          "(progress goes to stderr).")] = False,
    plot: Annotated[bool | None, typer.Option("--plot/--no-plot",
                                                 help="Charts at the end (default: on a terminal).")] = None,
) -> None:
    """Train a preset headless: progress, a summary table, charts and a run folder per run.

    Ctrl-C (or SIGTERM) stops after saving what was computed; the exit code is then 130.
    """
    from regtui.headless.session import run_session
    from regtui.presets import load_preset

    overrides: dict[str, Any] = {k: v for k, v in dict(
        epochs=epochs, lr=lr, momentum=momentum, optimizer=optimizer, batch_size=batch_size,
        model=model, dataset=dataset, labels=labels, label_fraction=label_fraction,
        n_train=n_train, n_val=n_val, patience=patience, early_stopping=early_stopping,
        seed=seed, device=device).items() if v is not None}
    if data_dir is not None:
        overrides["data_dir"] = str(data_dir)
    if strict:
        overrides["strict_images"] = True
    if cache_dir is not None:
        import os

        from regtui.data.cache import ENV_VAR

        os.environ[ENV_VAR] = str(cache_dir)
    if patience is not None and early_stopping is None:
        overrides["early_stopping"] = True
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    try:
        loaded = load_preset(preset, overrides)
        code = run_session(loaded, out, json_out, plot)
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except OSError as exc:
        raise fail(f"{exc}", EXIT_FAILED) from None
    raise typer.Exit(code)


@app.command()
def presets() -> None:
    """List the bundled presets with what each one demonstrates."""
    from rich.table import Table

    from regtui.presets import load_preset, preset_paths

    console = Console(highlight=False)
    table = Table("preset", "runs", "what it shows", box=None, pad_edge=False)
    for name in preset_paths():
        p = load_preset(name)
        table.add_row(name, ", ".join(c.name for c in p.runs), p.description)
    console.print(table)
    console.print("Run one with: regtui run PRESET   (or open it in the app: regtui tui PRESET)")


@app.command()
def norms(
    model: Annotated[str, typer.Argument(help="animal_net, big_animal_net or net.")],
    seed: Annotated[int, typer.Option(help="Seed set (as the reference does) before building.")] = 2021,
) -> None:
    """Print a freshly initialized model's Frobenius norm per layer and in total."""
    from regtui.headless.tables import layer_table
    from regtui.models import MODELS
    from regtui.norms import seeded_norms

    if model not in MODELS:
        raise fail(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")
    layers, per_layer, total = seeded_norms(model, seed)
    console = Console(highlight=False)
    spec = MODELS[model]
    console.print(f"{spec.title} ({spec.description}), seed {seed}", markup=False)
    console.print(layer_table(tuple(layers), tuple(per_layer), ascii_only=not console.is_terminal))
    console.print(f"Frobenius norm of the model's weights: {total:.4f}")


@app.command()
def tui(
    preset: Annotated[str | None, typer.Argument(help="Preset to open (default: memorization).")] = None,
    autostart: Annotated[bool, typer.Option("--autostart",
                                            help="Start training as soon as the app opens.")] = False,
    exit_when_done: Annotated[bool, typer.Option("--exit-when-done",
                                                 help="Quit when the preset's runs end (demos).")] = False,
    exit_delay: Annotated[float, typer.Option(help="Seconds the final screen stays up with "
                                                   "--exit-when-done.", min=0)] = 2.0,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch (default: one "
                                                     "fewer than cores, leaving one to the UI).",
                                                min=1)] = None,
    speed: Annotated[str, typer.Option(help=SPEED_HELP)] = "1",
) -> None:
    """Open the interactive app: choose data, labels, model and settings; watch it train.

    Keys: s start, a run all, x stop, w save, h settings pane, -/+ speed, r replay, ? help, q quit.
    """
    from regtui.tui.launch import launch

    try:
        code = launch(preset=preset, autostart=autostart, exit_when_done=exit_when_done,
                      exit_delay=exit_delay, threads=threads, speed=_speed(speed))
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    raise typer.Exit(code)


SPEED_HELP = ("Playback speed of the charts: 1 = a run unfolds over ~4 s, 2 twice as fast, "
              "0.25 ... 8, or 'full' (as fast as it trains). Training itself always runs at full speed.")


def _speed(text: str) -> float | None:
    from regtui.tui.pacing import parse_speed

    try:
        return parse_speed(text)
    except ValueError:
        raise fail(f"--speed {text!r}: use a number above 0 such as 0.5, 1 or 4, or 'full'") from None


@app.command()
def show(
    folders: Annotated[list[Path], typer.Argument(help="Run folders, or session folders holding them "
                                                       "(from [b]regtui run[/] or the app's w).")],
    speed: Annotated[str, typer.Option(help=SPEED_HELP)] = "1",
    exit_when_done: Annotated[bool, typer.Option("--exit-when-done",
                                                 help="Quit when the replay ends (demos).")] = False,
) -> None:
    """Open saved runs in the app: the same charts, legend and norm table, replayed (r: again).

    Several folders compare runs across sessions. A run killed mid-way opens too.
    """
    from regtui.saved import load_runs

    pace = _speed(speed)
    try:
        results = load_runs(folders)
        from regtui.tui.launch import launch

        code = launch(preset=None, autostart=False, exit_when_done=exit_when_done, speed=pace,
                      saved=results)
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    app()
