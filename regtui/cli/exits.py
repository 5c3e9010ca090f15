"""How the CLI ends: one `Error:` line on stderr and a meaningful exit code, never a traceback.

`fail` prints the line and returns the `typer.Exit` to raise; `guarded` runs a command's body
under regtui's signal policy (regtui.system.signals); `os_error_text` words a file-system error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from regtui.system.errors import EXIT_INTERRUPTED, EXIT_USAGE

err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print `Error: message` on stderr and return the Exit to raise.

    The message is escaped: it quotes user text such as '[defaults]', which rich would
    otherwise take for markup and drop.
    """
    err.print(f"[bold red]Error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def guarded(body: Callable[[Any], int]) -> int:
    """Run `body(guard)` with regtui's signal policy installed; return its exit code."""
    from regtui.system.signals import SignalGuard, signal_label

    # Installed first, before torch loads: from here on no signal ends regtui with a traceback.
    with SignalGuard() as guard:
        try:
            return body(guard)
        except KeyboardInterrupt:  # before any training started: nothing to save
            err.print(f"Interrupted by {signal_label(guard.first or 'SIGINT')} before training "
                      "started: nothing was saved.", markup=False)
            return EXIT_INTERRUPTED


def os_error_text(exc: OSError) -> str:
    """A file-system error for people: what failed, on which path, what to check."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}; check that the folder is writable and has free space"
