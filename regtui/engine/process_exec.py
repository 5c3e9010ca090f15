"""Training in a process of its own, started at the app's launch, so that importing torch there
overlaps the app's start instead of following its first paint in the app's own interpreter.

`EngineProcess.train` is an Executor (see regtui.engine.runs): it has run_all's signature and
policy, trains the same code with the same settings in the child (regtui.engine.process_worker),
and tells the listener the same events in the same order. Neither importing this module nor
anything the process sends loads torch here: a finished run's weights arrive as torch.save's
bytes (regtui.engine.reports.PackedState).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regtui.system.errors import EXIT_FAILED, RegtuiError

if TYPE_CHECKING:
    from regtui.engine.config import RunConfig
    from regtui.engine.listener import Outcome, RunListener, StopSignal

READY_S = 300.0  # the longest the app waits for the process to import torch (a cold disk)
POLL_S = 0.05  # how often a waiting train() checks the stop signal and the process
CLOSE_S = 2.0  # how long close() lets the process leave before it is killed
OFF_ENV = "REGTUI_TRAIN_IN_APP"  # set to 1: the app trains in a thread of its own process


class EngineLost(RegtuiError):
    """The training process ended while it was needed (killed, out of memory, crashed)."""

    exit_code = EXIT_FAILED


def wanted() -> bool:
    """True unless the user asked the app to train in its own process (REGTUI_TRAIN_IN_APP=1)."""
    return os.environ.get(OFF_ENV, "").strip() not in {"1", "true", "yes"}


class EngineProcess:
    """A child process that imports torch now and later trains the runs it is sent."""

    def __init__(self, threads: int | None = None) -> None:
        ours, theirs = socket.socketpair()
        here = str(Path(__file__).resolve().parents[2])  # the regtui the app runs, not another
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  its stderr (not the app's terminal), closed by close()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "regtui.engine.process_worker", str(theirs.fileno()),
                 str(threads or 0), str(os.getpid())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self.log, start_new_session=True, env={**os.environ, "PYTHONPATH": path})
        except (OSError, ValueError):  # no process (no fork, no python, no pass_fds): the app trains
            ours.close()
            self.log.close()
            raise
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.devices: list[str] | None = None  # set once it is ready
        self.broken: str | None = None  # why it cannot train, once known

    @property
    def usable(self) -> bool:
        """True when it is ready and still running: train() may be used."""
        return self.devices is not None and self.broken is None and self.proc.poll() is None

    def _recv(self) -> tuple[Any, ...]:
        return pickle.loads(self.conn.recv_bytes())

    def wait_ready(self, timeout: float = READY_S) -> list[str]:
        """Block until it has imported torch; return its devices, or raise EngineLost (why)."""
        try:
            if not self.conn.poll(timeout):
                raise EngineLost(f"the training process did not load torch in {timeout:.0f} s")
            kind, payload = self._recv()
        except (EOFError, OSError):
            raise EngineLost(self._death()) from None
        except EngineLost as exc:
            self.broken = str(exc)
            raise
        if kind != "ready":
            self.broken = f"the training process could not load torch: {payload}"
            raise EngineLost(self.broken)
        self.devices = payload
        return payload

    def _death(self) -> str:
        """Why the process is gone, in words, with the last line it wrote (if any)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(1.0)
        code = self.proc.returncode
        if code is None:
            how = "stopped answering"
        elif code < 0:
            how = f"was killed by {signal.Signals(-code).name}" if -code in signal.valid_signals() \
                else f"was killed by signal {-code}"
        else:
            how = f"exited with code {code}"
        lines: list[str] = []
        with contextlib.suppress(OSError, ValueError):  # ValueError: closed already (close())
            self.log.seek(0)
            lines = [ln for ln in self.log.read().decode(errors="replace").splitlines() if ln.strip()]
        self.broken = f"the training process {how}" + (f" ({lines[-1].strip()})" if lines else "")
        return self.broken

    def train(self, configs: Iterable[RunConfig], listener: RunListener,
              should_stop: StopSignal = None) -> Outcome:
        """Train `configs` in the process, telling `listener` (run_all's policy and events).

        The stop signal is passed on once; the process ends the run after its epoch. If the
        process dies, the run in progress ends as failed with every epoch it had streamed.
        """
        from regtui.engine.listener import Outcome, RunFailure, stop_check

        stop, asked = stop_check(should_stop), False
        outcome = Outcome()
        stream = _Stream()
        try:
            self.conn.send_bytes(pickle.dumps(("train", list(configs))))
            while True:
                if not asked and (reason := stop()) is not None:
                    self.conn.send_bytes(pickle.dumps(("stop", reason)))
                    asked = True
                if not self.conn.poll(POLL_S):
                    continue
                message = self._recv()
                if message[0] == "done":
                    outcome.stopped, outcome.interrupted = message[1], message[2]
                    break
                stream.tell(message, listener, outcome)
        except (EOFError, OSError):
            error = EngineLost(self._death())
            lost = stream.lost()
            if lost is not None:
                outcome.results.append(lost)
                listener.run_ended(lost)
            name = stream.info.config.name if stream.info else "training"
            epoch = len(stream.reports) + 1 if stream.info else None
            outcome.failure = RunFailure(name, error, epoch)
            listener.run_failed(outcome.failure)
        finally:
            listener.session_ended(outcome)
        return outcome

    def close(self) -> None:
        """End the process: close the socket (an idle process leaves at once); one still
        importing torch (the app ended early, e.g. on a bad preset) or not leaving is killed."""
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.devices is None:
            self.proc.kill()
        try:
            self.proc.wait(CLOSE_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(CLOSE_S)
        self.log.close()


class _Stream:
    """What the listener has been told of the run in progress."""

    def __init__(self) -> None:
        self.info: Any = None
        self.reports: list[Any] = []
        self.t0 = time.monotonic()

    def tell(self, message: tuple[Any, ...], listener: RunListener, outcome: Outcome) -> None:
        """Hand one message from the process to the listener (and the outcome)."""
        kind, payload = message
        if kind == "started":
            self.info, self.reports, self.t0 = payload, [], time.monotonic()
            listener.run_started(payload)
        elif kind == "epochs":
            for report in payload:
                self.reports.append(report)
                listener.epoch(report)
        elif kind == "ended":
            self.info = None
            outcome.results.append(payload)
            listener.run_ended(payload)
        elif kind == "failed":
            outcome.failure = payload
            listener.run_failed(payload)

    def lost(self) -> Any:
        """The result of a run cut short by the process's death: failed, its epochs kept."""
        if self.info is None:
            return None
        from regtui.engine.reports import RunResult

        return RunResult.cut_short(self.info, self.reports, self.t0)
