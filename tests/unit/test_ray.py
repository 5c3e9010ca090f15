"""Sweeps on Ray: members run as tasks on a local runtime the test starts, stream their epochs
back to the same listener, and a run whose worker dies is retried once and says so."""

import os
import sys
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
    from regtui.engine.ray_exec import ray_executor, train_member

    marker = tmp_path / "crashed-once"

    def crash_once(cfg, queue, flag, attempt):
        """The real task, but the worker running random-lr0.01 dies the first time (os._exit)."""
        if cfg.name == "random-lr0.01" and not marker.exists():
            marker.touch()
            os._exit(1)
        return train_member(cfg, queue, flag, attempt)

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
