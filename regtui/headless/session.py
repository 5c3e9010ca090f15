"""`regtui run`: choose how to print, run the preset, then print tables, charts or JSON.

How it ends (README, "Exit codes"): 0 done; 1 training or the disk failed; 130 a signal
(Ctrl-C, SIGTERM, SIGHUP) stopped it after saving; 141 the reader of its output went away
(`regtui run quick | head -3`): it stops after the epoch in progress, saves, and says nothing.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from regtui.engine import RunResult
from regtui.engine.runs import StopRequest, run_all
from regtui.engine.tasks import task_of
from regtui.experiments.aggregate import has_groups
from regtui.experiments.presets import Preset
from regtui.experiments.run_folders import check_out_dir
from regtui.experiments.summary import strict_json, summarize
from regtui.headless.charts import accuracy_chart, noisy_label_chart, toy_charts
from regtui.headless.console import PipeConsole, loaded, silence
from regtui.headless.groups import group_summaries, report_groups
from regtui.headless.printers import LogPrinter, PipeSafe, TtyPrinter
from regtui.headless.runner import Executor, Outcome, run_preset
from regtui.headless.tables import end_label, layer_table, summary_table
from regtui.system.collector import release as release_collector
from regtui.system.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PIPE
from regtui.system.signals import SignalGuard, signal_label


def run_session(preset: Preset, out_root: Path, as_json: bool, plot: bool | None,
                guard: SignalGuard | None = None, execute: Executor | None = None) -> int:
    """Run a preset headless and report; return the process exit code (see the module doc).

    `guard`, when given, turns signals into stop requests for the run loop from now on;
    `execute` trains the runs elsewhere or otherwise (Ray, stacked members) instead of run_all.
    """
    check_out_dir(out_root)  # an unusable --out is bad input: exit 2 before any training
    # With --json, stdout carries only the JSON document; people read stderr.
    console = PipeConsole(stderr=as_json, highlight=False)
    tty = console.is_terminal
    if not tty:  # a log file has no width; rich's default of 80 columns would squeeze the tables
        console = PipeConsole(stderr=as_json, highlight=False, width=120)
    stop = StopRequest()
    if guard is not None:
        guard.attach(stop)
    loaded()  # the CLI's "loading torch…" gives way to the first line
    release_collector()  # startup (the CLI's imports, torch's) is over: the runs begin
    printer = TtyPrinter(console) if tty else LogPrinter(console)
    shown = PipeSafe(printer, console.file, lambda: stop.request("stopped"))
    shown.say(f"{preset.name}: {preset.description}")
    if shown.quiet:
        return EXIT_PIPE  # nobody reads: do not start training at all
    with printer if tty else contextlib.nullcontext():
        outcome = run_preset(preset, out_root, shown, stop, execute=execute or run_all)
    try:
        if not shown.quiet:
            _report(console, outcome, plot if plot is not None else tty)
        if as_json:
            _print_json(preset, outcome, guard)
    except BrokenPipeError:
        silence(sys.stdout if as_json else console.file)
        return EXIT_PIPE
    if shown.quiet:
        return EXIT_PIPE
    if outcome.interrupted:
        by = f" by {signal_label(guard.first)}" if guard is not None and guard.first else ""
        where = (f"what was computed is saved in {outcome.session_dir}." if outcome.session_dir
                 else "no epoch had finished, so nothing was saved.")
        shown.say(f"Interrupted{by}: {where}")
        return EXIT_INTERRUPTED
    if outcome.error:
        PipeConsole(stderr=True).print(
            f"Error: {outcome.error}. Completed epochs are saved in {outcome.session_dir}",
            markup=False, soft_wrap=True)
        return EXIT_FAILED
    return 0


def _print_json(preset: Preset, outcome: Outcome, guard: SignalGuard | None) -> None:
    """The --json document on stdout: strict JSON (a diverged loss is null, not NaN)."""
    doc = {"preset": preset.name, "description": preset.description,
           "run_dir": str(outcome.session_dir) if outcome.session_dir else None,
           "interrupted": outcome.interrupted,
           "signal": guard.first if guard is not None else None,
           "runs": [summarize(r) for r in outcome.results],
           "groups": group_summaries(outcome.results)}
    sys.stdout.write(json.dumps(strict_json(doc), indent=2, allow_nan=False) + "\n")
    sys.stdout.flush()  # a closed pipe shows here, where it is handled, not at exit


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
        charts = toy_charts(results, width) if task_of(results[0].info.config).has_curve \
            else [accuracy_chart(results, width)]
        charts += [c for c in [noisy_label_chart(results, width)] if c is not None]
        for chart in charts:
            console.print(Text.from_ansi(chart))
