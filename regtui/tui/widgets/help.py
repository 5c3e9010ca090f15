"""The help screen: every key of the app and what the charts show."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# regtui keys

| key | action |
| --- | --- |
| `s` | start one run with the settings in the left pane |
| `a` | run all runs of the preset in turn (e.g. true, random, partial) |
| `x` | stop the current run (after the epoch in progress) |
| `c` | clear the session's runs from the charts |
| `p` | choose another experiment (preset) |
| `w` | save the session's runs to a run folder (as `regtui run` does) |
| `h` | hide or show the settings pane |
| `tab` / `shift+tab` | move between settings; `enter` opens a list |
| `?` | this help; `escape` closes it |
| `q` | quit (stops training first) |

**Charts.** Accuracy: train (solid) and validation (dots) per epoch for every run of the
session, so true, random and partial labels build up on one chart; the green line marks the
best validation epoch of the latest run. Norm: total Frobenius norm of the weights.
Toy experiment: the 10 points, the true line 2x and the network's fit, and the losses.

**Norm table.** Per parameter tensor: shape, parameters, norm at start, now, and change.
"""


class HelpScreen(ModalScreen[None]):
    """A modal listing the keys; any of escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(HELP)
