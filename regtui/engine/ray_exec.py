"""Train a set of runs as Ray tasks, telling the same listener as `run_all` (imported only for --ray).

Each member is one Ray task holding one CPU (or, for a cuda device, one GPU) share. Inside
the task (regtui.engine.ray_task) the engine's own `run_all` trains that single run, so the
stop-and-failure policy is the same; its run_started and epoch reports stream back in batches
through a small actor (the relay, regtui.engine.ray_relay) into the driver, which hands them
to the listener (run folders and the progress display, as for a local run). The result a task
returns holds every epoch: the driver tells the listener any the relay did not bring.

Faults: a run whose worker was lost (WorkerCrashedError, a dead node) is retried once, with a
note saying so; a second loss, or a loss while the runtime itself is failing, ends it as
"failed" with the epochs it streamed kept. A relay that dies ends the runs as "failed" after
their epoch, with their results. Any other Ray error fails the run the same way. A run that
fails, a stop or Ctrl-C asks the other members to stop after their current epoch, and keeps
what they did.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from regtui.system.errors import RegtuiError

if TYPE_CHECKING:  # torch loads with these: only with the driver
    from regtui.engine.config import RunConfig
    from regtui.engine.runs import Executor, Outcome, RunListener, StopSignal

INSTALL = "pip install 'regtui[ray]'"
CONNECT_ENV = "REGTUI_RAY_CONNECT_S"  # seconds to wait for a cluster address (default below)
CONNECT_S = 10.0


class RayUnavailable(RegtuiError):
    """--ray was given but Ray is not installed or the cluster cannot be reached."""


def _connect_s() -> float:
    """The bounded wait for a cluster address: REGTUI_RAY_CONNECT_S, else CONNECT_S."""
    try:
        value = float(os.environ.get(CONNECT_ENV, CONNECT_S))
    except ValueError:
        raise RayUnavailable(f"{CONNECT_ENV} must be a number of seconds, got "
                             f"{os.environ[CONNECT_ENV]!r}") from None
    return value if value > 0 else CONNECT_S


def _probe(address: str, label: str = "") -> None:
    """Refuse a host:port address where nothing answers within the bounded wait.

    ray.init retries such an address for minutes, printing warnings; a TCP connect to the
    cluster's GCS port says at once (refused) or within the wait (a silent host) that no
    cluster is there. The wait also bounds Ray's own retries (RAY_gcs_server_port_wait_time_s).
    """
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in host:
        return  # not host:port: ray.init judges it (ray://, a name Ray resolves itself)
    wait = _connect_s()
    os.environ.setdefault("RAY_gcs_server_port_wait_time_s", str(max(1, round(wait))))
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=wait).close()
    except (OSError, ValueError, OverflowError) as exc:
        why = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc) or "no answer")
        raise RayUnavailable(f"{label or '--ray ' + address}: no Ray cluster answers there within {wait:g} s "
                             f"({why}); check the address, or set {CONNECT_ENV} to wait longer") \
            from None


def _connect(address: str) -> None:
    import ray

    if ray.is_initialized():
        return
    try:
        if address == "auto":
            given = os.environ.get("RAY_ADDRESS", "")
            if given:
                _probe(given, f"--ray auto (RAY_ADDRESS={given})")
            else:
                # A runtime started here runs its workers at nice 0, as a local run trains;
                # with Ray's default, 15, a run in a task beside one busy process took 2.3x
                # its local time (1.07x at nice 0).
                os.environ.setdefault("RAY_worker_niceness", "0")
            ray.init(include_dashboard=False, logging_level="ERROR", log_to_driver=False)
        else:
            _probe(address)
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RayUnavailable(f"--ray {address}: cannot start or reach a Ray cluster: {first}") from None


def ray_executor(address: str, task: Callable[..., Outcome] | None = None) -> Executor:
    """An executor with run_all's signature that trains on Ray at `address` ('auto': the cluster
    in RAY_ADDRESS, else a new local one). `task` is the member's body (tests wrap it).

    (Starting the runtime first and having its workers import torch while this process does
    was measured slower on 2 cores: three imports then share two cores with Ray's start.)
    """
    try:
        import ray  # noqa: F401
    except ImportError:
        raise RayUnavailable(f"--ray needs Ray, which is not installed; install it with: {INSTALL}") \
            from None
    _connect(address)

    def execute(configs: Iterable[RunConfig], listener: RunListener,
                should_stop: StopSignal = None) -> Outcome:
        from regtui.engine.ray_driver import Driver
        from regtui.engine.ray_task import train_member

        return Driver(list(configs), listener, should_stop, task or train_member).run()

    return execute
