"""Asks for another folder after the app could not save there; the runs stay in the session."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from regtui.tui.widgets.fields import MAX_PATH


class FolderScreen(ModalScreen["str | None"]):
    """Says why saving failed and offers a folder to type; dismisses with it on enter, or with
    None on escape (the runs are then kept in the session, unsaved)."""

    DEFAULT_CSS = """
    FolderScreen {
        align: center middle;
    }
    FolderScreen > #folder-box {
        width: 76;
        max-width: 100%;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 1 2;
    }
    FolderScreen #folder-input {
        margin-top: 1;
    }
    FolderScreen #folder-keys {
        margin-top: 1;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, problem: str, folder: str) -> None:
        super().__init__()
        self.problem, self.folder = problem, folder

    def compose(self) -> ComposeResult:
        with Vertical(id="folder-box"):
            yield Static(f"Could not save: {self.problem}", id="folder-problem", markup=False)
            yield Static("The runs are still here. Save them in another folder:", id="folder-ask")
            yield Input(self.folder, id="folder-input", max_length=MAX_PATH,
                        placeholder="a folder you can write to, e.g. ~/runs")
            yield Static("[b reverse] enter [/] save there    [b reverse] escape [/] not now "
                         "(w tries again)", id="folder-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _chosen(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():  # an empty name would be the current folder: not a choice
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Close without saving; the session's runs stay."""
        self.dismiss(None)
