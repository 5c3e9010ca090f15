"""`regtui run`: choose how to print, run the preset, then print tables, charts or JSON."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from regtui.aggregate import has_groups
from regtui.engine import RunResult
from regtui.engine.runs import run_all
from regtui.engine.tasks import task_of
from regtui.errors import EXIT_FAILED, EXIT_INTERRUPTED
from regtui.headless.charts import accuracy_chart, noisy_label_chart, toy_charts
from regtui.headless.groups import group_summaries, report_groups
from regtui.headless.printers import LogPrinter, TtyPrinter
from regtui.headless.runner import Executor, Outcome, run_preset
from regtui.headless.tables import end_label, layer_table, summary_table
from regtui.presets import Preset
from regtui.summary import summarize


@contextlib.contextmanager
def sigterm_as_interrupt():
    """Treat SIGTERM (batch schedulers' "time is up") like Ctrl-C, so results are saved."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. under a test runner's thread)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_session(preset: Preset, out_root: Path, as_json: bool, plot: bool | None,
                execute: Executor | None = None) -> int:
    """Run a preset headless and report; return the process exit code (0, or 130 if interrupted)."""
    # With --json, stdout carries only the JSON document; people read stderr.
    console = Console(stderr=as_json, highlight=False)
    tty = console.is_terminal
    if not tty:  # a log file has no width; rich's default of 80 columns would squeeze the tables
        console = Console(stderr=as_json, highlight=False, width=120)
    printer = TtyPrinter(console) if tty else LogPrinter(console)
    console.print(f"{preset.name}: {preset.description}", markup=False)
    with sigterm_as_interrupt(), (printer if tty else contextlib.nullcontext()):
        outcome = run_preset(preset, out_root, printer, execute=execute or run_all)
    _report(console, outcome, plot if plot is not None else tty)
    if as_json:
        doc = {"preset": preset.name, "description": preset.description,
               "run_dir": str(outcome.session_dir) if outcome.session_dir else None,
               "interrupted": outcome.interrupted,
               "runs": [summarize(r) for r in outcome.results],
               "groups": group_summaries(outcome.results)}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    if outcome.interrupted:
        where = f"saved in {outcome.session_dir}" if outcome.session_dir else "nothing had finished yet"
        console.print(f"Interrupted: what was computed is {where}", markup=False)
        return EXIT_INTERRUPTED
    if outcome.error:
        Console(stderr=True, highlight=False).print(
            f"Error: {outcome.error}. Completed epochs are saved in {outcome.session_dir}",
            markup=False, soft_wrap=True)
        return EXIT_FAILED
    return 0


def _report(console: Console, outcome: Outcome, plot: bool) -> None:
    """Summary table, per-layer norm tables and (on a terminal) the plotext charts."""
    results = [r for r in outcome.results if r.history]
    if not results:
        return
    plain = not console.is_terminal
    console.print(summary_table(results, ascii_only=plain))
    if has_groups(results):
        report_groups(console, results, plot)
    else:
        _report_runs(console, results, plot)
    console.print(f"Run folder: {outcome.session_dir}", markup=False)


def _report_runs(console: Console, results: list[RunResult], plot: bool) -> None:
    """Per run: its per-layer norm table; on a terminal, the accuracy (or toy) charts."""
    plain = not console.is_terminal
    for res in results:
        info = res.info
        console.print(layer_table(info.layers, info.initial_norms, res.end_weights.layer_norms,
                                  title=f"{info.config.name}: Frobenius norm per layer",
                                  ascii_only=plain, after_label=end_label(res)))
    if plot:
        width = max(40, min(console.width, 120))
        charts = toy_charts(results[0], width) if task_of(results[0].info.config).has_curve \
            else [accuracy_chart(results, width)]
        charts += [c for c in [noisy_label_chart(results, width)] if c is not None]
        for chart in charts:
            console.print(Text.from_ansi(chart))
