"""The end of a headless session with seed groups: mean ± sd tables, band charts, JSON groups."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from regtui.engine import RunResult, task_of
from regtui.experiments.aggregate import group_results, has_groups, varying_setting
from regtui.headless.charts import band_chart, versus_chart
from regtui.headless.tables import group_table, noisy_group_table, versus_table


def group_summaries(results: list[RunResult]) -> list[dict[str, Any]]:
    """Each group's mean ± sd record for the JSON output ([] when no group has two members)."""
    return [g.summary() for g in group_results(results)] if has_groups(results) else []


def report_groups(console: Console, results: list[RunResult], plot: bool) -> None:
    """Group table; with one setting varying between groups, a table (and chart) against it;
    on a terminal, each group's mean accuracy with its min–max band over seeds.

    Per-layer norm tables are left to each member's summary.json: one per seed is too many.
    """
    groups = group_results(results)
    plain = not console.is_terminal
    console.print(group_table(groups, ascii_only=plain))
    noisy = noisy_group_table(groups, ascii_only=plain)
    if noisy is not None:
        console.print(noisy)
    key = varying_setting(groups)
    classify = task_of(groups[0].results[0].info.config).has_accuracy
    if key is not None and classify:
        console.print(versus_table(groups, key, ascii_only=plain))
    if plot and classify:
        width = max(40, min(console.width, 120))
        charts = [band_chart(groups, "train_acc", width), band_chart(groups, "val_acc", width)]
        if any(g.stats["end_memorized_acc"] for g in groups):  # noisy labels: when they are memorized
            charts.append(band_chart(groups, "memorized", width))
        if key is not None:
            charts.append(versus_chart(groups, key, width))
        for chart in charts:
            console.print(Text.from_ansi(chart))
    console.print("Per-layer norms of each run: summary.json in its folder", markup=False)
