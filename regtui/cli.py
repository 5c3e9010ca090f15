"""The `regtui` command: headless preset runs, presets, norms, data sets and the Textual app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from regtui import __version__
from regtui.config import FIELDS, check_value
from regtui.data_cli import data_app
from regtui.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, RegtuiError

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


# RunConfig settings with no `regtui run` option, on purpose. Every other setting has an
# option below whose help is the setting's own description (test_cli checks both).
PRESET_ONLY = {
    "name",  # names one run; an override applies to every run, which would then share a folder
}


def _help(key: str, extra: str = "") -> str:
    """The help of a run option: the setting's description (one source), plus CLI-only notes."""
    return f"{FIELDS[key].help} {extra}".strip()


@app.command()
def run(
    ctx: typer.Context,
    preset: Annotated[str, typer.Argument(help="Preset name (see [b]regtui presets[/]) or a .toml path.")],
    model: Annotated[str | None, typer.Option(help=_help("model"))] = None,
    dataset: Annotated[str | None, typer.Option(help=_help("dataset"))] = None,
    data_dir: Annotated[str | None, typer.Option(help=_help("data_dir"))] = None,
    labels: Annotated[str | None, typer.Option(help=_help("labels"))] = None,
    label_fraction: Annotated[float | None, typer.Option(help=_help("label_fraction"))] = None,
    n_train: Annotated[int | None, typer.Option(help=_help("n_train"))] = None,
    n_val: Annotated[int | None, typer.Option(help=_help("n_val"))] = None,
    image_size: Annotated[int | None, typer.Option(help=_help("image_size"))] = None,
    strict_images: Annotated[bool | None, typer.Option("--strict/--no-strict",
                                                       help=_help("strict_images"))] = None,
    optimizer: Annotated[str | None, typer.Option(help=_help("optimizer"))] = None,
    lr: Annotated[float | None, typer.Option(help=_help("lr"))] = None,
    momentum: Annotated[float | None, typer.Option(help=_help("momentum"))] = None,
    batch_size: Annotated[int | None, typer.Option(help=_help("batch_size"))] = None,
    shuffle: Annotated[bool | None, typer.Option("--shuffle/--no-shuffle", help=_help("shuffle"))] = None,
    epochs: Annotated[int | None, typer.Option(help=_help("epochs"))] = None,
    early_stopping: Annotated[bool | None, typer.Option("--early-stopping/--no-early-stopping",
                                                        help=_help("early_stopping"))] = None,
    patience: Annotated[int | None, typer.Option(help=_help("patience",
                                                            "Implies --early-stopping."))] = None,
    min_delta: Annotated[float | None, typer.Option(help=_help("min_delta"))] = None,
    restore_best: Annotated[bool | None, typer.Option("--restore-best/--no-restore-best",
                                                      help=_help("restore_best"))] = None,
    seed: Annotated[int | None, typer.Option(help=_help("seed"))] = None,
    device: Annotated[str | None, typer.Option(help=_help("device"))] = None,
    snapshot_every: Annotated[int | None, typer.Option(help=_help("snapshot_every"))] = None,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch (default: torch's).",
                                                min=1, max=1024)] = None,
    cache_dir: Annotated[Path | None, typer.Option(help="Data cache folder (default: "
                                                        "$REGTUI_CACHE_DIR or the user cache).")] = None,
    out: Annotated[Path, typer.Option(help="Folder that receives the run folders.")] = Path("runs"),
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout "
                                                          "(progress goes to stderr).")] = False,
    plot: Annotated[bool | None, typer.Option("--plot/--no-plot",
                                                 help="Charts at the end (default: on a terminal).")] = None,
) -> None:
    """Train a preset headless: progress, a summary table, charts and a run folder per run.

    Setting options override the preset for every one of its runs, checked like preset files.

    Ctrl-C, SIGTERM or SIGHUP stops after the epoch in progress and saves what was computed
    (a second Ctrl-C stops at once, keeping the completed epochs); the exit code is then 130.
    """
    from regtui.signals import SignalGuard, signal_label

    # Installed first, before torch loads: from here on no signal ends regtui with a traceback.
    with SignalGuard() as guard:
        try:
            code = _run(ctx, preset, guard, cache_dir=cache_dir, patience=patience,
                        early_stopping=early_stopping, threads=threads, out=out,
                        json_out=json_out, plot=plot)
        except KeyboardInterrupt:  # before any training started: nothing to save
            err.print(f"Interrupted by {signal_label(guard.first or 'SIGINT')} before training "
                      "started: nothing was saved.", markup=False)
            code = EXIT_INTERRUPTED
    raise typer.Exit(code)


def _run(ctx: typer.Context, preset: str, guard: Any, *, cache_dir: Path | None,
         patience: int | None, early_stopping: bool | None, threads: int | None, out: Path,
         json_out: bool, plot: bool | None) -> int:
    """The body of `run`: overrides, preset, session; returns the exit code."""
    from regtui.headless.session import run_session
    from regtui.presets import load_preset

    # the setting options are named after their RunConfig keys; None means "not given"
    overrides: dict[str, Any] = {k: v for k, v in ctx.params.items() if k in FIELDS and v is not None}
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
        return run_session(loaded, out, json_out, plot, guard)
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except OSError as exc:  # a file-system error not caught nearer: still name the path
        where = f" ({exc.filename})" if exc.filename else ""
        raise fail(f"{exc.strerror or exc}{where}; check that the folder is writable and has "
                   "free space", EXIT_FAILED) from None


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
    try:
        check_value("seed", seed, where="command line")  # torch.manual_seed takes 0..2**32-1 only
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
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
) -> None:
    """Open the interactive app: choose data, labels, model and settings; watch it train.

    Keys: s start, a run all, x stop, w save, h settings pane, ? help, q quit.
    """
    from regtui.tui.launch import launch

    try:
        code = launch(preset=preset, autostart=autostart, exit_when_done=exit_when_done,
                      exit_delay=exit_delay, threads=threads)
    except RegtuiError as exc:
        raise fail(str(exc), exc.exit_code) from None
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    app()
