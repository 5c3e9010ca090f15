"""The help screen: every key of the app and what the charts show, compact enough for 80x24."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from regtui.tui.keys import help_lines

KEYS = help_lines()

NOTES = (
    "Accuracy chart: train (solid line) and validation (the run's marker) per epoch for every "
    "run of the session, so true, random and partial labels build up on one chart; each run's "
    "best validation epoch is a line in its colour, its marker at the foot. Norm chart: total "
    "Frobenius norm of the weights. m pages through losses, per-layer norms and noisy labels. "
    "Training runs at full speed; the charts play it back at the chosen speed (x1: ~4 s a run). "
    "Toy experiment: the 10 points, the true line 2x, the network's fit, and the losses. "
    "Table: per parameter tensor, its norm at the start, now, and the change."
)


def help_renderable(note: str = "") -> Group:
    """The keys as a two-column table, then a paragraph on the charts; `note` (e.g. what the
    viewer is for) first, when given."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold reverse", justify="center", min_width=5)
    table.add_column()
    for key, action in KEYS:
        table.add_row(f" {key} ", action)
    top = (Text(note), Text()) if note else ()
    return Group(Text("regtui keys", style="bold"), Text(), *top, table, Text(), Text(NOTES, style="dim"))


class HelpScreen(ModalScreen[None]):
    """A modal listing the keys; escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, note: str = "") -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_renderable(self.note))
