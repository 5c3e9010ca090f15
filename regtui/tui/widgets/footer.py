"""The footer: the app's keys, kept in view while a settings field has focus.

Textual's Footer leaves out every key the focused field takes as text, so while Epochs was
being edited it went blank. Here those keys stay, dimmed (a key that cannot act now is dimmed
everywhere in the app), and `esc`, which leaves the field, comes first. (An open list's own
escape, "Dismiss menu", is Textual's and stays as it is.)
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.keys import key_to_character
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

LEAVE = Binding("escape", "leave_field", "Leave field")  # the app's escape, shown while typing


def typed(key: str) -> bool:
    """True for a key a text field takes as a character (letters, digits, ?, -, +)."""
    character = key_to_character(key)
    return character is not None and character.isprintable()


class KeysFooter(Footer):
    """Footer whose command keys stay visible, dimmed, while a field takes the keyboard."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        typing = isinstance(self.app.focused, Input)
        for key in keys:
            if typing and isinstance(key, FooterKey) and typed(key.key):
                key.disabled = True
        escape = [k for k in keys if isinstance(k, FooterKey) and k.action == "leave_field"]
        if typing and not escape:  # its binding is not shown (show=False): the key is made here
            escape = [FooterKey("escape", self.app.get_key_display(LEAVE), LEAVE.description,
                                LEAVE.action).data_bind(compact=Footer.compact)]
        # escape (leave the field) first while a field takes the keys as text; with a list or a
        # switch focused every command key works, and the footer has no room to spare at 80
        yield from (escape if typing else []) + [k for k in keys if k not in escape]
