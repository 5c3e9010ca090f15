"""The body of the app's training process: it imports torch while the app paints, then trains the
runs it is sent with the engine's own loop (`run_all`) and streams their events back.

Started by regtui.engine.process_exec as `python -m regtui.engine.process_worker FD THREADS`,
FD being its end of a socket pair. It has no terminal (its own session): Ctrl-C and a closed
terminal reach the app, which asks it to stop; it ends when the app's end of the socket closes,
and (Linux) with SIGTERM the moment the app's process dies, whatever killed it.

Messages, each a pickle (`pickle`, not multiprocessing's reducers, which would pass tensors as
shared memory): to the app ("ready", devices) or ("broken", why), then per set of runs
("started", info), ("epochs", [reports]), ("ended", result), ("failed", failure) and
("done", stopped, interrupted); from the app ("train", configs), ("stop", reason).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

SEND_S = 0.05  # epochs go in one message at most this often (and before any other event)


def send(conn: Connection, *message: Any) -> None:
    """One message to the app, pickled here (tensors by value)."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _die_with_parent(parent: int) -> None:
    """Ask Linux for SIGTERM when the app dies (a no-op elsewhere: the socket's EOF ends us)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the app died before the request took effect
        os._exit(0)


def _load(threads: int) -> list[str]:
    """Import torch and the engine, choose torch's threads as the app would, return the devices."""
    from regtui.system.threads import configure_openmp, start_idle_sample

    configure_openmp()  # before torch: waiting OpenMP threads sleep (regtui.system.threads)
    start_idle_sample()
    import regtui.data.classification
    import regtui.engine.classify
    import regtui.engine.regress
    import regtui.engine.runs  # noqa: F401
    from regtui.system.devices import device_choices, warm_cuda
    from regtui.system.threads import set_threads

    set_threads(threads or None, reserve=1)  # the app's UI thread keeps a core
    warm_cuda()
    return device_choices()


def _safe(failure: Any) -> Any:
    """The failure itself if its error survives a pickle round trip, else its words as a
    RuntimeError (an exception class with its own __init__ may not unpickle)."""
    from regtui.engine.listener import RunFailure

    try:
        pickle.loads(pickle.dumps(failure))
        return failure
    except Exception:
        return RunFailure(failure.name, RuntimeError(str(failure.error)), failure.epoch)


def _packed(result: Any) -> Any:
    """The result with its weights as torch.save's bytes: the app saves them without torch."""
    import dataclasses

    from regtui.engine.reports import pack_state

    final, best = result.final_state, result.best_state
    return dataclasses.replace(result, final_state=pack_state(final) if final else {},
                               best_state=None if best is None else pack_state(best))


def serve(conn: Connection) -> None:
    """Train each set of runs the app sends, until its end of the socket closes."""
    from regtui.engine.runs import RunListener, StopRequest, run_all

    class AppStop(StopRequest):
        """Set by the app's ("stop", reason); polled after every epoch, as run_all does."""

        def is_set(self) -> bool:
            try:
                while conn.poll():
                    kind, *rest = pickle.loads(conn.recv_bytes())
                    if kind == "stop":
                        self.request(rest[0])
            except (EOFError, OSError):  # the app is gone: stop, nobody is left to tell
                self.request("interrupted")
            return super().is_set()

    class Link(RunListener):
        """Sends the loop's events to the app, epochs batched every SEND_S."""

        def __init__(self) -> None:
            self.pending: list[Any] = []
            self.sent = time.monotonic()

        def flush(self) -> None:
            if self.pending:
                send(conn, "epochs", self.pending)
                self.pending = []
            self.sent = time.monotonic()

        def run_started(self, info: Any) -> None:
            self.flush()
            send(conn, "started", info)

        def epoch(self, report: Any) -> None:
            self.pending.append(report)
            if time.monotonic() - self.sent >= SEND_S:
                self.flush()

        def run_ended(self, result: Any) -> None:
            self.flush()
            send(conn, "ended", _packed(result))

        def run_failed(self, failure: Any) -> None:
            self.flush()
            send(conn, "failed", _safe(failure))

    while True:
        kind, *rest = pickle.loads(conn.recv_bytes())  # EOFError: the app has closed its end
        if kind == "train":
            stop = AppStop()
            outcome = run_all(rest[0], Link(), stop)
            send(conn, "done", outcome.stopped, outcome.interrupted)


def main(argv: list[str]) -> int:
    """Entry point: announce readiness (or why not), then serve until the app goes."""
    from regtui.system.collector import hold, release

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app decides what Ctrl-C stops
    parent = int(argv[3])
    _die_with_parent(parent)
    conn = Connection(int(argv[1]))
    hold()  # torch imports about 12% sooner with the collector held back (regtui.system.collector)
    try:
        devices = _load(int(argv[2]))
    except Exception as exc:  # a broken torch install: the app says so and trains in-process
        send(conn, "broken", f"{type(exc).__name__}: {exc}")
        return 1
    release()
    send(conn, "ready", devices)
    with contextlib.suppress(EOFError, OSError):  # the app closed the socket (it quit) or died
        serve(conn)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
