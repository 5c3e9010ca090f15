"""Consoles for everything the CLI prints: a closed pipe or a full disk is left to regtui.

rich's Console would exit(1) from inside any print when the reader of its output goes away
(`regtui presets | head -1`), and let an OSError such as a full disk (`> /dev/full`) escape as
if some file had failed. `PipeConsole` raises BrokenPipeError for the first (mapped to exit
141 by regtui.cli.exits) and OutputError, naming the stream, for the second; and it shows
control characters in printed text as escapes, so a hostile name cannot command the terminal.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment

from regtui.system.errors import CONTROL, EXIT_FAILED, RegtuiError, reason


class OutputError(RegtuiError):
    """Standard output or error could not be written (a full disk, a device error)."""

    exit_code = EXIT_FAILED


class PipeConsole(Console):
    """rich's Console, except that a closed pipe raises BrokenPipeError (no exit from inside a
    print) and another write error raises OutputError naming standard output or error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("highlight", False)
        super().__init__(*args, **kwargs)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        # Text from users (a description, a folder name) may hold ESC and other control
        # characters; printed raw they are commands to the terminal. Only rich's own control
        # segments (cursor moves of a progress bar) reach it as such.
        return super()._render_buffer(
            Segment(CONTROL.sub(lambda m: repr(m.group())[1:-1], text), style, control)
            if not control and CONTROL.search(text) else Segment(text, style, control)
            for text, style, control in buffer)

    def on_broken_pipe(self) -> None:
        self.quiet = True  # nothing more is written; the caller silences the descriptor
        raise BrokenPipeError

    def _check_buffer(self) -> None:
        try:
            super()._check_buffer()
        except BrokenPipeError:
            raise
        except OSError as exc:
            self.quiet = True
            stream = "standard error" if self.stderr else "standard output"
            raise OutputError(f"cannot write to {stream}: {reason(exc)}; check where it is "
                              "redirected (a full disk?)") from None


ERASE_LINE = "\r\x1b[2K"  # back to the line's start, and clear it


_shown: list[Any] = []  # the stream showing a `loading` line, if any


def loading(stream: Any, text: str) -> None:
    """Show `text` (e.g. "loading torch…") on a terminal until `loaded` erases it; nowhere
    else: a piped log stays plain lines."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        if stream.isatty():
            stream.write(f"{ERASE_LINE}{text}")
            stream.flush()
            _shown[:] = [stream]


def loaded() -> None:
    """Erase the `loading` line, if one is shown, before anything else is printed."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        for stream in _shown:
            stream.write(ERASE_LINE)
            stream.flush()
    _shown.clear()


def silence(stream: object) -> None:
    """Point `stream`'s file descriptor at /dev/null, as Python's SIGPIPE recipe does.

    After a reader closes the pipe (`regtui run quick | head -3`), anything still buffered, and
    Python's own flush at exit, then go nowhere instead of raising BrokenPipeError again. A
    stream without a descriptor (a test's capture) is left alone.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = stream.fileno()  # type: ignore[attr-defined]
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)
