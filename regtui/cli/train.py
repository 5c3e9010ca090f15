"""`regtui run` and `regtui sweep`: train a preset (or a grid of it) headless.

The command functions are registered on the root app by cli/main.py; their bodies check the
options, then hand the preset to the headless session runner.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regtui.cli.exits import guarded
from regtui.cli.options import (
    MAX_RUNS,
    CacheOption,
    JsonOption,
    MaxRunsOption,
    OutOption,
    PlotOption,
    StackOption,
    ThreadsOption,
    augment_overrides,
    seed_overrides,
    setting_help,
)
from regtui.engine.config import FIELDS
from regtui.system.folder_names import given_folder

# RunConfig settings with no `regtui run` option, on purpose. Every other setting has an
# option below whose help is the setting's own description (test_cli checks both).
PRESET_ONLY = {
    "name",  # names one run; an override applies to every run, which would then share a folder
    "group",  # set on seed members by regtui.experiments.seeds; by hand only to pool runs in a preset
}


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
    augment_recipe: Annotated[str | None, typer.Option(
        help="Which augmentation: crop-flip (what --augment turns on) or flips (the course's). "
             "Implies --augment.")] = None,
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
    cache_dir: CacheOption = None,
    out: OutOption = "runs",
    json_out: JsonOption = False,
    plot: PlotOption = None,
    stack: StackOption = False,
    max_runs: MaxRunsOption = MAX_RUNS,
) -> None:
    """Train a preset headless: progress, a summary table, charts and a run folder per run.

    Setting options override the preset for every one of its runs, checked like preset files.

    Ctrl-C, SIGTERM or SIGHUP stops after the epoch in progress and saves what was computed
    (a second Ctrl-C stops at once, keeping the completed epochs); the exit code is then 130.
    """
    raise typer.Exit(guarded(lambda guard: _run(
        ctx, preset, guard, cache_dir=cache_dir, patience=patience, early_stopping=early_stopping,
        threads=threads, out=out, json_out=json_out, plot=plot, seeds=seeds, repeats=repeats,
        stack=stack, max_runs=max_runs, augment_recipe=augment_recipe)))


def _run(ctx: typer.Context, preset: str, guard: Any, *, cache_dir: str | None,
         patience: int | None, early_stopping: bool | None, threads: int | None, out: str,
         json_out: bool, plot: bool | None, seeds: str | None, repeats: int | None,
         stack: bool, max_runs: int, augment_recipe: str | None = None) -> int:
    """The body of `run`: overrides, preset, session; returns the exit code."""
    from regtui.experiments.presets import load_preset

    # the setting options are named after their RunConfig keys; None means "not given"
    overrides: dict[str, Any] = {k: v for k, v in ctx.params.items() if k in FIELDS and v is not None}
    if cache_dir is not None:
        import os

        from regtui.data.cache import ENV_VAR

        os.environ[ENV_VAR] = str(given_folder(cache_dir, "--cache-dir"))
    if patience is not None and early_stopping is None:
        overrides["early_stopping"] = True
    if augment_recipe is not None:
        overrides["augment"] = augment_overrides(overrides.get("augment"), augment_recipe)
    overrides.update(seed_overrides(seeds, repeats))
    loaded = load_preset(preset, overrides, max_runs=max_runs)  # bad input: exit 2 before torch loads
    loading_torch(json_out)
    from regtui.headless.session import run_session
    from regtui.system.threads import set_threads

    set_threads(threads)
    _warm_cuda(loaded.runs)
    return run_session(loaded, given_folder(out, "--out"), json_out, plot, guard,
                       execute=_stacked() if stack else None)


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
    out: OutOption = "runs",
    json_out: JsonOption = False,
    plot: PlotOption = None,
    stack: StackOption = False,
    max_runs: MaxRunsOption = MAX_RUNS,
) -> None:
    """Run a preset over a grid of settings (and seeds): one run folder per grid point and seed.

    Runs are named after their grid values (e.g. true-lr0.001); values are checked like preset
    values before anything trains. With seeds, the tables give mean ± sd per grid point.
    """
    from regtui.engine.config import ConfigError
    from regtui.experiments.presets import load_preset
    from regtui.experiments.sweep import parse_grid

    def body(guard: Any) -> int:
        if stack and ray is not None:
            raise ConfigError("command line: give --stack or --ray, not both")
        loaded = load_preset(preset, seed_overrides(seeds, repeats), grid=parse_grid(grid),
                             max_runs=max_runs)
        loading_torch(json_out)
        from regtui.headless.session import run_session
        from regtui.system.threads import set_threads

        if ray is None:  # Ray tasks choose their own CPU share (and set up their own GPU)
            set_threads(threads)
            _warm_cuda(loaded.runs)
            execute = _stacked() if stack else None
        else:
            from regtui.engine.ray_exec import ray_executor

            loading_note(json_out, "starting Ray…")
            execute = ray_executor(ray)
        return run_session(loaded, given_folder(out, "--out"), json_out, plot, guard, execute=execute)

    raise typer.Exit(guarded(body))


def loading_torch(json_out: bool) -> None:
    """Say "loading torch…" for the seconds its import takes before anything else is printed."""
    import sys

    if "torch" not in sys.modules:
        loading_note(json_out, "loading torch…")


def loading_note(json_out: bool, text: str) -> None:
    """Show `text` on the terminal people read (stderr with --json) until the next output."""
    import sys

    from regtui.headless.console import loading

    loading(sys.stderr if json_out else sys.stdout, text)


def _warm_cuda(runs: Any) -> None:
    """Overlap CUDA's initialisation with the data load when a run may train on a GPU."""
    if any(cfg.device != "cpu" for cfg in runs):
        from regtui.system.devices import warm_cuda

        warm_cuda()


def _stacked() -> Any:
    """The stacked executor (imported only for --stack: it loads torch.func)."""
    from regtui.engine.stacked_runs import run_stacked

    return run_stacked
