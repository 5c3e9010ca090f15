"""`regtui data list` and `regtui data fetch`: what data sets exist, and downloading them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from regtui.cli.exits import RegtuiTyper, guarded
from regtui.cli.options import CacheOption
from regtui.headless.console import PipeConsole
from regtui.system.collector import release as release_collector
from regtui.system.errors import shown
from regtui.system.folder_names import given_folder

data_app = RegtuiTyper(help="List the data sets regtui knows and download the real ones.",
                       no_args_is_help=True, rich_markup_mode=None)



@data_app.command("list", short_help="Every data set: where it comes from, size, whether it is here.")
def list_datasets(cache_dir: CacheOption = None) -> None:
    """Every data set: where it comes from, its size, and whether it is available here."""
    from regtui.data.cache import cache_dir as resolve
    from regtui.data.cache import local_path
    from regtui.data.sources import DATASETS

    cache = given_folder(cache_dir, "--cache-dir") if cache_dir is not None else None
    console = PipeConsole()
    for name, spec in DATASETS.items():
        if not spec.needs_network:
            here = "[green]built in[/]" if name != "folder" else "use --data-dir PATH"
        else:
            path = local_path(name, cache=cache)
            here = f"[green]here[/]: {escape(shown(path))}" if path \
                else f"[yellow]not here[/]: regtui data fetch {name}"
        console.print(f"[bold]{name:<13}[/]{spec.title}  ({here})", soft_wrap=True)
        console.print(f"{'':<13}{spec.size}; source: {spec.origin}", soft_wrap=True, markup=False)
    console.print(f"Cache folder: {shown(resolve(cache))}", soft_wrap=True, markup=False)


@data_app.command()
def fetch(
    name: Annotated[str, typer.Argument(help="afhq, afhq_random, afhq_partial or cifar3.")],
    url: Annotated[str | None, typer.Option(help="Download from this mirror instead.")] = None,
    cache_dir: CacheOption = None,
) -> None:
    """Download a data set into the cache, verify it and extract it.

    An interrupted download resumes where it stopped when you run the command again: Ctrl-C,
    SIGTERM or SIGHUP keep what has arrived and exit with code 130.
    """
    cache = given_folder(cache_dir, "--cache-dir") if cache_dir is not None else None
    raise typer.Exit(guarded(lambda guard: _fetch(name, url, cache),
                             interrupted="(what has arrived is kept): run the same command again "
                                         "to resume the download."))


def _fetch(name: str, url: str | None, cache_dir: Path | None) -> int:
    """The body of `fetch`: download with a progress bar on a terminal; returns the exit code."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from regtui.data.download import BadURL, DownloadError
    from regtui.data.remote import check_fetchable, manual_hint
    from regtui.data.remote import fetch as fetch_data

    check_fetchable(name)
    release_collector()  # the imports are done: a download can take minutes
    console = PipeConsole(stderr=True)
    with Progress("[bold]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task(name, total=None)
        try:
            path = fetch_data(name, url=url, cache=cache_dir,
                              progress=lambda done, total: bar.update(task, completed=done, total=total),
                              waiting=lambda why: console.print(why, markup=False, soft_wrap=True))
        except (DownloadError, BadURL) as exc:  # not for an unusable cache folder: it says its fix
            raise type(exc)(f"{exc}\nTo get it by hand: {manual_hint(name, cache_dir)}") from None
    PipeConsole().print(f"{name}: ready in {shown(path)}", soft_wrap=True, markup=False)
    return 0
