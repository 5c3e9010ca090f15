"""The run filter's input line (f): typed words filter the charts at once; enter keeps, escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from regtui.tui.filters import FilterError, parse_filter

PLACEHOLDER = "labels=random  lr=0.001  noise6  -seed1   (enter keeps · esc cancels · empty: all runs)"


class FilterWords(Validator):
    """Accepts what parse_filter reads; its error says why, in one line."""

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_filter(value)
        except FilterError as exc:
            return self.failure(str(exc))
        return self.success()


class FilterBar(Input):
    """A one-line input under the charts, shown by `f`."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]
    DEFAULT_CSS = """
    FilterBar {
        margin: 0 1;
    }
    """

    class Cancelled(Message):
        """Escape: the filter as it was before `f`."""

    def __init__(self, **kwargs) -> None:
        # select_on_focus would select what was typed before the focus event is handled: with a
        # burst of keys ("f" then "labels=random" at once) the next key would replace it
        super().__init__(placeholder=PLACEHOLDER, validators=[FilterWords()], compact=True,
                         select_on_focus=False, **kwargs)

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
