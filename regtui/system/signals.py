"""Ctrl-C, SIGTERM and SIGHUP for a headless run: stop soon, save everything, never cut saving short.

UI-free and engine-free (it imports neither), so the CLI can install it before torch loads.
The policy, for the signals regtui handles (SIGINT, SIGTERM, SIGHUP):

- Before training is under way (imports, loading a preset): the first signal aborts at once;
  nothing had been computed.
- While a run loads its data: the first signal abandons that run; earlier runs are kept.
- While an epoch computes: the first signal asks the run loop to stop after that epoch (its
  numbers are kept); a second signal during the same epoch stops at once, keeping every
  completed epoch (final.pt then holds the weights of the moment it stopped).
- While run folders are written, tables printed or JSON written: signals are noted, never acted
  on, so no file is left half-written. Once a signal was received, later ones are ignored
  until regtui exits, even after the `with` block.

A signal that was ignored when regtui started (`nohup`, `&` in a script without job control)
stays ignored: that is how the caller asked regtui to be left alone. SIGTERM still works there.
"""

from __future__ import annotations

import signal
from types import FrameType, TracebackType
from typing import Protocol

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stoppable(Protocol):
    """The engine's StopRequest as this module sees it: a reason to set, a phase to read."""

    phase: str | None  # "loading", "epoch" or None (between them: saving, printing)

    def request(self, reason: str = "stopped") -> None: ...


def signal_label(name: str) -> str:
    """How a signal is named to people: SIGINT is the Ctrl-C they pressed."""
    return "Ctrl-C (SIGINT)" if name == "SIGINT" else name


class SignalGuard:
    """Handlers for SIGINT/SIGTERM/SIGHUP under the module's policy, while inside `with`."""

    def __init__(self, ignore_after: bool = True) -> None:
        """`ignore_after`: once a signal came, ignore the rest of a burst after the block too
        (a process about to exit); False restores the previous handlers (the Python API, whose
        notebook kernel lives on)."""
        self.ignore_after = ignore_after
        self.received: list[str] = []  # names of the signals received, in order
        self.stop: Stoppable | None = None
        self._aborted = False  # the one abort before training was raised already
        self._previous: dict[int, object] = {}

    @property
    def first(self) -> str | None:
        """The name of the first signal received (e.g. "SIGTERM"), or None."""
        return self.received[0] if self.received else None

    def attach(self, stop: Stoppable) -> None:
        """From now on signals stop the run loop through `stop` instead of aborting."""
        self.stop = stop

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signal.Signals(signum).name)
        stop = self.stop
        if stop is None:
            if not self._aborted:  # nothing computed yet: leave at once, once
                self._aborted = True
                raise KeyboardInterrupt
            return
        if len(self.received) == 1:
            stop.request("interrupted")
        if stop.phase == "loading" or (stop.phase == "epoch" and len(self.received) > 1):
            stop.phase = None  # one abort per phase: the saving that follows is not cut short
            raise KeyboardInterrupt

    def __enter__(self) -> SignalGuard:
        for sig in HANDLED:
            try:
                if signal.getsignal(sig) == signal.SIG_IGN:
                    continue  # inherited as ignored on purpose (nohup, background job)
                self._previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: signals cannot be handled here
                break
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.received and self.ignore_after:
            # Already stopping: the rest of a burst must not kill the process between here
            # and its exit, after all was saved. Ignored, not handled: Python resets handled
            # signals to their default action while it shuts down, but leaves ignored ones.
            for sig in self._previous:
                signal.signal(sig, signal.SIG_IGN)
        else:
            for sig, previous in self._previous.items():
                if signal.getsignal(sig) == signal.SIG_IGN:  # a guard inside this one is
                    continue  # stopping (see above): the rest of its burst stays ignored
                signal.signal(sig, previous)
        self._previous.clear()
