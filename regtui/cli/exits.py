"""How the CLI ends: the one place that turns what ended a command into a message and an exit code.

`exit_for` is the mapping (README, "Exit codes"): regtui's errors carry their code (2 bad input,
1 the work failed), a file-system error names its path (1), a reader of the output that went
away is 141 with no message. `RegtuiGroup` and `RegtuiCommand` apply it around every command
and around click's own output (--help, --version), so no command catches errors by
hand and none can end in a traceback or in rich's exit(1) for a closed pipe. `RegtuiTyper`
builds every group and command of the CLI with these classes. A signal ends any
command as 130 (regtui.system.signals); `guarded` runs a command that saves work under the
policy's finer rules.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from regtui.headless.console import OutputError, PipeConsole, loaded, silence
from regtui.system.errors import EXIT_INTERRUPTED, EXIT_PIPE, EXIT_USAGE, EXPECTED, error_message

err = PipeConsole(stderr=True)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print `Error: message` on stderr and return the Exit to raise.

    The message is escaped: it quotes user text such as '[defaults]', which rich would
    otherwise take for markup and drop.
    """
    try:
        loaded()  # a "loading torch…" line gives way to the error
        err.print(f"[bold red]Error:[/] {escape(message)}", soft_wrap=True)
    except BrokenPipeError:  # nobody reads stderr either
        return _reader_gone()
    except OutputError:  # stderr is unwritable: the exit code is all that is left to say it
        pass
    return typer.Exit(code)


def exit_for(exc: BaseException) -> tuple[str | None, int] | None:
    """(message or None, exit code) for what ended a command; None for a bug, left to show.

    The one mapping: a closed output pipe (141, silent), regtui's errors and file-system
    errors (system.errors.error_message: 2 or 1, one line naming the path).
    """
    if isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE):
        return None, EXIT_PIPE
    if isinstance(exc, EXPECTED):
        return error_message(exc)
    return None


def ended(exc: BaseException) -> typer.Exit:
    """The Exit to raise for `exc` after saying what it means (see exit_for); re-raises a bug."""
    found = exit_for(exc)
    if found is None:
        raise exc
    message, code = found
    if code == EXIT_PIPE:
        return _reader_gone()
    return fail(message or str(exc), code)


def _reader_gone() -> typer.Exit:
    """Exit 141 quietly: what is still buffered, and Python's flush at exit, go nowhere."""
    silence(sys.stdout)
    silence(sys.stderr)
    return typer.Exit(EXIT_PIPE)


def output_error(exc: OSError) -> OutputError | OSError:
    """An OSError raised while click printed (help, version) as the output error it is."""
    if exc.errno == errno.EPIPE or isinstance(exc, BrokenPipeError):
        return exc
    return OutputError(f"cannot write to standard output: {exc.strerror or exc}; check where it "
                       "is redirected (a full disk?)")


def _parse(make_context: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Parse a command line; an error while click prints (--help, --version) ends as one."""
    try:
        return make_context(*args, **kwargs)
    except EXPECTED as exc:
        raise ended(output_error(exc) if isinstance(exc, OSError) else exc) from None


class RegtuiCommand(TyperCommand):
    """A command whose --help output ends through `ended` like everything else."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        return _parse(super().make_context, *args, **kwargs)


class RegtuiGroup(TyperGroup):
    """A group whose commands (and callback, and click's printing) all end through `ended`."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        return _parse(super().make_context, *args, **kwargs)

    def invoke(self, ctx: typer.Context) -> Any:
        from regtui.system.signals import SignalGuard, signal_label

        # Every command under regtui's signal policy: run, sweep and data fetch install their
        # own guard inside this one; for the others a signal ends them at once, as 130.
        with SignalGuard() as guard:
            try:
                return super().invoke(ctx)
            except (typer.Exit, typer.Abort, typer.TyperException):
                raise  # click's own endings: usage errors, --help, explicit exits
            except KeyboardInterrupt:
                with contextlib.suppress(BrokenPipeError, OutputError):
                    err.print(f"Interrupted by {signal_label(guard.first or 'SIGINT')}.", markup=False)
                raise typer.Exit(EXIT_INTERRUPTED) from None
            except Exception as exc:  # ended() re-raises anything not in the mapping (a bug)
                raise ended(exc) from None


class RegtuiTyper(typer.Typer):
    """typer.Typer whose groups and commands are the ones above: every `regtui` command ends
    through the one mapping, with no try/except of its own."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", RegtuiGroup)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", RegtuiCommand)
        return super().command(*args, **kwargs)


def guarded(body: Callable[[Any], int], interrupted: str = "before training started: nothing "
            "was saved.") -> int:
    """Run `body(guard)` with regtui's signal policy installed; return its exit code.

    A signal that arrives before `body` attaches a run loop to the guard ends it at once, with
    `Interrupted by SIGNAL <interrupted>` on stderr and exit code 130.
    """
    from regtui.system.signals import SignalGuard, signal_label

    # Installed first, before torch loads: from here on no signal ends regtui with a traceback.
    with SignalGuard() as guard:
        try:
            return body(guard)
        except KeyboardInterrupt:
            with contextlib.suppress(BrokenPipeError, OutputError):
                loaded()
                err.print(f"Interrupted by {signal_label(guard.first or 'SIGINT')} {interrupted}",
                          markup=False, soft_wrap=True)
            return EXIT_INTERRUPTED


def leave(code: Any) -> None:
    """End the process with `code` (SystemExit's), skipping the interpreter's teardown once
    torch is loaded.

    Tearing down torch's modules and its Python-registered operators takes ~0.5 s, a fifth of
    `import torch`, for nothing: regtui's files are written atomically and closed by then. The
    exit handlers (atexit: logging, Ray's shutdown) still run and stdout/stderr are flushed;
    where anything could still need the normal path (no torch, a live non-daemon thread, an
    exit message rather than a code, a flush that fails) Python exits as usual.
    """
    ordinary = "torch" not in sys.modules or not (code is None or isinstance(code, int)) or any(
        t.is_alive() and not t.daemon for t in threading.enumerate()
        if t is not threading.main_thread())
    if not ordinary:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe, a closed stream: Python's own handling
            ordinary = True
    if ordinary:
        raise SystemExit(code)
    os._exit(code or 0)
