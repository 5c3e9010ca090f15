"""Sweeps on Ray: members run as tasks on a local runtime the test starts, stream their epochs
back to the same listener, and a run whose worker dies is retried once and says so."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.engine.runs import RunListener, run_all
from regtui.experiments.presets import load_preset
from regtui.experiments.sweep import parse_grid

ROOT = Path(__file__).resolve().parents[2]


class Recorder(RunListener):
    def __init__(self):
        self.started, self.epochs, self.ended, self.failed = [], {}, [], []

    def run_started(self, info):
        self.started.append((info.config.name, info.notes))

    def epoch(self, report):
        self.epochs.setdefault(report.run, []).append(report.epoch)

    def run_ended(self, result):
        self.ended.append(result)

    def run_failed(self, failure):
        self.failed.append(failure)


def test_without_ray_the_option_is_a_one_line_error_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    result = CliRunner().invoke(app, ["sweep", "quick", "--grid", "lr=0.1", "--ray", "auto",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "install it with: pip install 'regtui[ray]'" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not any(tmp_path.iterdir())


@pytest.fixture
def local_ray():
    # CI installs the test extra, which has Ray: there a missing Ray is a failure, not a skip
    ray = __import__("ray") if os.environ.get("CI") else pytest.importorskip("ray")
    import cloudpickle

    # workers import regtui from this tree, and this module's crash wrapper by value
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(
                 [str(ROOT), os.environ.get("PYTHONPATH", "")])}})
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        yield ray
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        ray.shutdown()


def test_members_run_as_ray_tasks_and_a_lost_worker_is_retried_once(local_ray, tmp_path):
    from regtui.engine.ray_exec import ray_executor
    from regtui.engine.ray_task import train_member

    marker = tmp_path / "crashed-once"

    def crash_once(cfg, relay, attempt):
        """The real task, but the worker running random-lr0.01 dies the first time (os._exit)."""
        if cfg.name == "random-lr0.01" and not marker.exists():
            marker.touch()
            os._exit(1)
        return train_member(cfg, relay, attempt)

    configs = load_preset("quick", {"epochs": 3, "device": "cpu"},
                          grid=parse_grid(["lr=0.005,0.01"])).runs
    seen = Recorder()
    outcome = ray_executor("auto", task=crash_once)(configs, seen, None)
    assert marker.exists() and outcome.failure is None and not outcome.interrupted
    names = [c.name for c in configs]
    assert [r.info.config.name for r in outcome.results] == names  # in the preset's order
    assert sorted(r.info.config.name for r in seen.ended) == sorted(names)
    assert all(seen.epochs[n][-3:] == [1, 2, 3] for n in names)  # every epoch streamed back
    notes = dict(seen.started)["random-lr0.01"]
    assert any("retried once" in n and "WorkerCrashedError" in n for n in notes)
    local = run_all([configs[3]], Recorder()).results[0]  # same numbers as in-process
    remote = outcome.results[3]
    assert [(r.train_acc, r.val_acc) for r in remote.history] == \
        [(r.train_acc, r.val_acc) for r in local.history]
    assert [r.train_loss for r in remote.history] == pytest.approx(
        [r.train_loss for r in local.history], rel=1e-6)
    # the same runtime: a stop request reaches the tasks, which end after their epoch
    import threading

    stop = threading.Event()
    stop.set()
    long = [c.replace(epochs=500) for c in configs[:2]]
    stopped = ray_executor("auto")(long, Recorder(), stop)
    assert stopped.stopped and [r.stop_reason for r in stopped.results] == ["stopped", "stopped"]
    assert all(0 < len(r.history) < 500 for r in stopped.results)


def test_an_unreachable_address_is_refused_within_the_bounded_wait(monkeypatch, tmp_path):
    """Nothing listens at 127.0.0.1:1: exit 2 with one line at once, not minutes of Ray retries."""
    pytest.importorskip("ray")
    monkeypatch.setenv("RAY_gcs_server_port_wait_time_s", "10")  # restored after the test
    monkeypatch.setenv("REGTUI_RAY_CONNECT_S", "5")
    result = CliRunner().invoke(app, ["sweep", "quick", "--grid", "epochs=2", "--ray", "127.0.0.1:1",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: --ray 127.0.0.1:1: no Ray cluster answers there within 5 s")
    assert "REGTUI_RAY_CONNECT_S" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not any(tmp_path.iterdir())
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:1")  # --ray auto joins it: the same wait
    result = CliRunner().invoke(app, ["sweep", "quick", "--grid", "epochs=2", "--ray", "auto",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.output.startswith(
        "Error: --ray auto (RAY_ADDRESS=127.0.0.1:1): no Ray cluster answers there"), result.output
    monkeypatch.setenv("REGTUI_RAY_CONNECT_S", "soon")
    result = CliRunner().invoke(app, ["sweep", "quick", "--grid", "epochs=2", "--ray", "127.0.0.1:1",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 2 and "REGTUI_RAY_CONNECT_S must be a number" in result.output


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _runtime_env_agent(driver: int) -> int:
    """The pid of the RuntimeEnvAgent of the local Ray runtime `driver` started (a child of its
    raylet)."""
    for raylet in _children(driver):
        for pid in _children(raylet):
            try:
                if b"RuntimeEnvAgent" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no RuntimeEnvAgent under the raylet of process {driver}")


class KillOnEpoch(Recorder):
    """A listener that runs `kill` once, when the first run has streamed `after` epochs."""

    def __init__(self, kill, after=5):
        super().__init__()
        self.kill, self.after, self.done = kill, after, False

    def epoch(self, report):
        super().epoch(report)
        if not self.done and len(self.epochs[report.run]) >= self.after:
            self.done = True
            self.kill()


def _ended_as_failed_with_epochs_kept(outcome, seen):
    assert outcome.failure is not None and "Ray" in str(outcome.failure.error)
    assert seen.ended and all(r.stop_reason == "failed" for r in seen.ended)
    for result in seen.ended:
        name = result.info.config.name
        assert [r.epoch for r in result.history] == seen.epochs.get(name, [])  # each told, once
    assert max(len(r.history) for r in seen.ended) >= 5  # the run that saw the kill kept its epochs


def test_a_dying_node_ends_the_runs_as_failed_with_their_epochs_kept(tmp_path):
    """kill -9 of the runtime's RuntimeEnvAgent mid-sweep takes the node down (relay, workers):
    no traceback, no retry on a dead runtime, exit 1 with a message; the runs that started end
    as failed with their epochs on disk. The sweep runs as `regtui sweep` in a process of its
    own, as a user runs it: after its node dies Ray's driver may end its process at shutdown
    (it does when that process's parent is gone), which must not be the test process."""
    if not os.environ.get("CI"):  # in CI a missing Ray is a failure: the sweep's exit 2 below
        pytest.importorskip("ray")
    out = tmp_path / "runs"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    sweep = subprocess.Popen(
        [sys.executable, "-m", "regtui", "sweep", "quick", "--grid", "lr=0.005", "--grid", "epochs=2000",
         "--grid", "device=cpu", "--ray", "auto", "--no-plot", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not any(len(m.read_text().splitlines()) > 6 for m in out.glob("*/*/metrics.csv")):
            assert sweep.poll() is None, sweep.communicate()
            assert time.monotonic() < deadline, "no run streamed 6 epochs within 180 s"
            time.sleep(0.2)
        os.kill(_runtime_env_agent(sweep.pid), 9)
        stdout, stderr = sweep.communicate(timeout=180)
    finally:
        if sweep.poll() is None:
            os.killpg(sweep.pid, 9)
    assert sweep.returncode == 1, (stdout, stderr)
    assert "Traceback" not in stdout + stderr, stderr
    assert "Ray" in stderr and ("lost" in stderr or "relay" in stderr), stderr
    folders = sorted(out.glob("*/*/metrics.csv"))
    assert folders and all((m.parent / "status").read_text().strip() == "failed" for m in folders)
    assert max(len(m.read_text().splitlines()) - 1 for m in folders) >= 6  # their epochs kept


def test_a_dead_relay_ends_the_runs_as_failed_with_their_epochs_and_weights(local_ray):
    """Only the relay dies: the tasks stop after their epoch and return every epoch."""
    import ray

    from regtui.engine import ray_driver
    from regtui.engine.ray_exec import ray_executor

    drivers = []

    class Watched(ray_driver.Driver):
        def __init__(self, *args):
            super().__init__(*args)
            drivers.append(self)

    configs = load_preset("quick", {"epochs": 2000, "device": "cpu"},
                          grid=parse_grid(["lr=0.005"])).runs[:1]
    seen = KillOnEpoch(lambda: ray.kill(drivers[0].relay, no_restart=True))
    original = ray_driver.Driver
    ray_driver.Driver = Watched
    try:
        outcome = ray_executor("auto")(configs, seen, None)
    finally:
        ray_driver.Driver = original
    _ended_as_failed_with_epochs_kept(outcome, seen)
    assert "event relay died" in str(outcome.failure.error)
    assert outcome.results[0].final_state  # the task's own result: its weights came back
    assert len(outcome.results[0].history) < 2000


def test_ray_failing_in_the_driver_ends_the_runs_without_a_traceback(local_ray, monkeypatch):
    """Any Ray error of the driver's own calls (here ray.wait, once a run has streamed 5 epochs)
    ends the pending runs as failed, with what they streamed, instead of escaping."""
    from regtui.engine.ray_exec import ray_executor

    configs = load_preset("quick", {"epochs": 2000, "device": "cpu"},
                          grid=parse_grid(["lr=0.005"])).runs[:1]
    seen = KillOnEpoch(lambda: None)
    wait = local_ray.wait

    def failing_wait(*args, **kwargs):
        if seen.done:
            raise local_ray.exceptions.RaySystemError("the GCS went away")
        return wait(*args, **kwargs)

    monkeypatch.setattr(local_ray, "wait", failing_wait)
    outcome = ray_executor("auto")(configs, seen, None)
    _ended_as_failed_with_epochs_kept(outcome, seen)
    assert "Ray failed: RaySystemError" in str(outcome.failure.error)
