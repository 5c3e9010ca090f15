"""The app's way out when a signal comes or the terminal dies: bounded in time, whatever blocks.

Textual writes to the terminal through a thread fed by a bounded queue (30 writes). Once the
terminal is gone (a closed tmux pane or SSH connection hangs the pty up) a write fails with EIO,
the thread dies of it, and the UI thread blocks for good in the queue's `put`: a signal handler
then runs on that blocked thread and can only schedule work on its blocked loop. So here:

- signal handlers do nothing but wake a watchdog thread (a byte on a pipe; `set_wakeup_fd`
  writes it from C, even while the UI thread never gets back to Python code);
- the watchdog also notices a dead terminal when no signal comes: a write failing, the tty
  answering EIO, or this process reparented (whoever started it is gone);
- it asks the app to stop training and quit through Textual, which restores the terminal;
  after GRACE_S it restores what it can itself; then it ends the process with os._exit(130),
  so no thread (training, Textual's writer) can keep it alive;
- the driver's output survives a dead terminal, so the quit through Textual can finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import select
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from textual.drivers.linux_driver import LinuxDriver

from regtui.system.errors import EXIT_INTERRUPTED

if TYPE_CHECKING:
    from regtui.tui.app import RegtuiApp

GRACE_S = 3.0  # the longest the quit through Textual may take before the process is ended
POLL_S = 0.5  # how often the watchdog looks at the terminal when nothing wakes it
SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
LOST, STOP = 0, 255  # bytes on the wake pipe besides signal numbers (1 to 64)
# What Textual's stop_application_mode undoes: keyboard protocol, mouse, paste, window-size
# reports, focus reports, line wrap, alternate screen, hidden cursor.
RESTORE = (b"\x1b[<u\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?2048l"
           b"\x1b[?1004l\x1b[?7h\x1b[?1049l\x1b[?25h")


class TerminalFile:
    """The output file of Textual's writer thread. Where a write fails (EIO: the terminal hung
    up) Textual's thread would die and leave its bounded queue to fill; here the loss is
    reported once and later writes are dropped, so the thread goes on draining the queue."""

    def __init__(self, file: IO[str], lost: Callable[[], None]) -> None:
        self.file, self.lost, self.gone = file, lost, False

    def write(self, text: str) -> None:
        self._do(self.file.write, text)

    def flush(self) -> None:
        self._do(self.file.flush)

    def fileno(self) -> int:
        return self.file.fileno()

    def _do(self, operation: Callable[..., object], *args: object) -> None:
        if self.gone:
            return
        try:
            operation(*args)
        except BlockingIOError:  # a full terminal someone made non-blocking: this write is lost
            pass
        except (OSError, ValueError):  # EIO: hung up; ValueError: the file was closed
            self.gone = True
            self.lost()


class GuardedDriver(LinuxDriver):
    """Textual's driver with output that outlives the terminal (see TerminalFile)."""

    def __init__(self, app: Any, *, lost: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._file = TerminalFile(self._file, lost)

    def _sigcont_application(self, *_: object) -> None:
        # Textual re-enters application mode on every SIGCONT; only the one that ends its own
        # SIGTSTP suspension calls for it. A hang-up sends SIGCONT along with SIGHUP, and the
        # second writer thread it started died on its first write.
        if self._must_signal_resume:
            super()._sigcont_application()


def _tty(file: IO[str] | None) -> int | None:
    """The file's descriptor where it is a terminal, else None."""
    try:
        return file.fileno() if file is not None and file.isatty() else None
    except (OSError, ValueError):
        return None


class ExitGuard:
    """Around `app.run()`: a signal or a lost terminal ends the process (exit code 130).

    The app quits through Textual if it can within GRACE_S, and the process ends either way.
    It also gives the app the driver whose output survives a dead terminal.
    """

    def __init__(self, app: RegtuiApp) -> None:
        self.app = app
        self.reason: str | None = None  # "SIGTERM", "SIGHUP", "SIGINT" or "terminal lost"
        self.finished = threading.Event()  # app.run() has returned
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)  # set_wakeup_fd's condition; a full pipe drops a byte
        self._tty, self._out = _tty(sys.__stdin__), _tty(sys.__stderr__)  # Textual's input, output
        self._cooked = termios.tcgetattr(self._tty) if self._tty is not None else None
        self._ppid = os.getppid()
        self._previous: dict[int, Any] = {}
        self._wakeup = -1
        self._thread = threading.Thread(target=self._watch, name="regtui-exit-guard", daemon=True)
        app.driver_class = functools.partial(GuardedDriver, lost=self.terminal_lost)

    def __enter__(self) -> ExitGuard:
        self._thread.start()
        for sig in SIGNALS:
            if signal.getsignal(sig) != signal.SIG_IGN:  # kept ignored as inherited (nohup)
                self._previous[sig] = signal.signal(sig, self._on_signal)
        self._wakeup = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        return self

    def __exit__(self, *exc: object) -> None:
        self.finished.set()
        if self.reason is not None:  # the app has quit and restored the terminal: threads such
            os._exit(EXIT_INTERRUPTED)  # as training's must not keep the process alive
        signal.set_wakeup_fd(self._wakeup)
        for sig, old in self._previous.items():
            signal.signal(sig, old)
        self._wake(STOP)
        self._thread.join(timeout=2 * POLL_S)
        if not self._thread.is_alive():
            write, self._write = self._write, -1  # a late wake finds no descriptor
            os.close(write)
            os.close(self._read)

    # ----- any thread ---------------------------------------------------------------
    def _on_signal(self, signum: int, frame: object) -> None:
        """Only wakes the watchdog: it runs on the UI thread, the one that may be blocked."""
        self._wake(signum)

    def terminal_lost(self) -> None:
        """A write to the terminal failed (called on Textual's writer thread)."""
        self._wake(LOST)

    def _wake(self, byte: int) -> None:
        with contextlib.suppress(OSError):  # full (the watchdog is awake anyway) or closed
            os.write(self._write, bytes((byte,)))

    # ----- the watchdog thread -----------------------------------------------------
    def _watch(self) -> None:
        # Restoring the terminal from a background process group must not stop the process.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTTOU, signal.SIGTTIN})
        while True:
            data = b""
            if select.select([self._read], [], [], POLL_S)[0]:
                with contextlib.suppress(BlockingIOError):
                    data = os.read(self._read, 512)
            caught = [signal.Signals(b).name for b in data if b in self._previous]
            if caught:
                self._leave(caught[0])
            if LOST in data or self._terminal_gone():
                self._leave("terminal lost")
            if STOP in data:
                return

    def _terminal_gone(self) -> bool:
        if os.getppid() != self._ppid:  # reparented: the shell, sshd or tmux that started us is gone
            return True
        if self._tty is None:
            return False
        try:
            termios.tcgetattr(self._tty)  # EIO once the terminal has hung up
        except termios.error:
            return True
        return False

    def _leave(self, reason: str) -> None:
        """Quit through Textual if it can within GRACE_S, then end the process."""
        self.reason = reason
        deadline, asked = time.monotonic() + GRACE_S, False
        while not self.finished.is_set() and time.monotonic() < deadline:
            asked = asked or self._ask_app_to_quit()
            self.finished.wait(0.05)
        if not self.finished.is_set():
            self._restore_terminal()
        os._exit(EXIT_INTERRUPTED)

    def _ask_app_to_quit(self) -> bool:
        """Schedule the app's stop-and-exit on its loop; False while there is no loop yet."""
        loop = self.app._loop  # Textual's: set while the app runs
        if loop is None:
            return False
        with contextlib.suppress(RuntimeError):  # the loop has closed: the app is ending
            loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self.app.stop_and_exit()))
        return True

    def _restore_terminal(self) -> None:
        """What Textual would have restored, from a thread of its own: a terminal that is alive
        but not reading blocks the write, and the process must end all the same."""
        def restore() -> None:
            if self._cooked is not None:
                with contextlib.suppress(termios.error):
                    termios.tcsetattr(self._tty, termios.TCSANOW, self._cooked)
            if self._out is not None:
                with contextlib.suppress(OSError):
                    os.write(self._out, RESTORE)

        thread = threading.Thread(target=restore, name="regtui-restore-terminal", daemon=True)
        thread.start()
        thread.join(timeout=0.5)
