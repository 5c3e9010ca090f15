"""The command palette's chart commands: the metric picker, the metric pages and the run list.

Textual's palette (ctrl+p) asks each Provider for hits as the user types. This one offers, for
the session as it is now: "Metric page: NAME" (the pages m cycles), "Chart metric: KEY" (add a
metrics.csv column to a page of one's own, or take it off), and for every run or seed group
"Show/hide run: NAME" and "Solo run: NAME", so runs past 9 are reached by name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from regtui.tui.groups import chart_lines


class ChartControls(Protocol):
    """What the commands call on the app (ChartsApp has them; named here, not imported, so the
    app and its palette provider do not import each other)."""

    view: Any
    runs: list

    def show_page(self, name: str) -> None: ...
    def toggle_metric(self, key: str) -> None: ...
    def toggle_line(self, key: str) -> None: ...
    def solo_line(self, key: str) -> None: ...
    def show_all_runs(self) -> None: ...


class ChartCommands(Provider):
    """Chart pages, metrics and runs, by name."""

    def commands(self) -> list[tuple[str, Callable[[], object], str]]:
        """(title, what it does, help) of every chart command for the session as it is now."""
        app = cast(ChartControls, self.app)
        view = app.view
        out = [(f"Metric page: {page.name}", partial(app.show_page, page.name),
                f"charts: {', '.join(page.charts)}") for page in view.pages()]
        for key, metric in view.catalogue().items():
            verb = "take it off" if key in view.chosen else "add it to"
            out.append((f"Chart metric: {key}", partial(app.toggle_metric, key),
                        f"{metric.title}: {verb} the page of chosen metrics"))
        for line in chart_lines(app.runs):
            out.append((f"Show/hide run: {line.label}", partial(app.toggle_line, line.key),
                        "hide it from the charts, or show it again"))
            out.append((f"Solo run: {line.label}", partial(app.solo_line, line.key),
                        "show only this run (o shows every run again)"))
        out.append(("Show all runs", app.show_all_runs, "no filter, no solo, no run hidden"))
        return out

    async def discover(self) -> Hits:
        """Before anything is typed: the metric pages (the rest is found by typing)."""
        for title, command, help_text in self.commands():
            if title.startswith("Metric page"):
                yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command, help_text in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
