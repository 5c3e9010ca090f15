"""The app's training process (regtui.engine.process_exec): the same runs, numbers and events as
run_all in this process, a stop that stops, a death that is reported with the epochs kept, a
broken torch that is named, and no process left behind when the app dies.
"""

from __future__ import annotations

import dataclasses
import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import torch

from regtui.engine.process_exec import EngineLost, EngineProcess
from regtui.engine.reports import PackedState
from regtui.engine.runs import RunListener, run_all
from regtui.experiments.presets import load_preset
from regtui.experiments.run_folders import write_run
from tests.unit.realrun import process_alive

ROOT = Path(__file__).resolve().parents[2]


class Recorder(RunListener):
    """Every event, with the wall-clock field blanked (it differs between any two runs)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def run_started(self, info):
        self.events.append(("started", info))

    def epoch(self, report):
        self.events.append(("epoch", dataclasses.replace(report, elapsed=0.0)))

    def run_ended(self, result):
        history = [dataclasses.replace(r, elapsed=0.0) for r in result.history]
        self.events.append(("ended", result.info, result.stop_reason, history))

    def run_failed(self, failure):
        self.events.append(("failed", failure.name, str(failure.error), failure.epoch))

    def session_ended(self, outcome):
        self.events.append(("session", outcome.stopped, outcome.interrupted))


@pytest.fixture(scope="module")
def engine():
    process = EngineProcess(threads=1)
    process.wait_ready()
    yield process
    process.close()


def unpacked(state: PackedState) -> dict[str, torch.Tensor]:
    return torch.load(io.BytesIO(state.data), weights_only=True)


def test_it_trains_the_same_numbers_and_events_as_run_all(engine):
    configs = load_preset("quick").runs
    there, here = Recorder(), Recorder()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the process trains (--threads 1)
    try:
        remote = engine.train(configs, there)
        local = run_all(configs, here)
    finally:
        torch.set_num_threads(threads)
    assert there.events == here.events  # every epoch's losses, accuracies and norms, bit for bit
    assert engine.devices is not None and "cpu" in engine.devices
    for far, near in zip(remote.results, local.results, strict=True):
        assert isinstance(far.final_state, PackedState)  # torch.save's bytes: the app needs no torch
        for key, tensor in unpacked(far.final_state).items():
            assert torch.equal(tensor, near.final_state[key])
        assert (far.best_state is None) == (near.best_state is None)


def test_saved_weights_from_the_process_load_as_torch_saved_them(engine, tmp_path):
    cfg = load_preset("quick").runs[0].replace(epochs=3)
    result = engine.train([cfg], Recorder()).results[0]
    folder = write_run(tmp_path, result, "test")
    assert torch.load(folder / "final.pt", weights_only=True).keys() == unpacked(result.final_state).keys()
    assert (folder / "final.pt").read_bytes() == result.final_state.data


def test_a_stop_ends_the_run_after_an_epoch_and_no_later_run_starts(engine):
    configs = [c.replace(epochs=100_000) for c in load_preset("quick").runs]
    stop = threading.Event()

    class StopAtTwo(Recorder):
        def epoch(self, report):
            super().epoch(report)
            if report.epoch == 2:
                stop.set()

    listener = StopAtTwo()
    outcome = engine.train(configs, listener, stop)
    assert outcome.stopped and len(outcome.results) == 1
    assert outcome.results[0].stop_reason == "stopped"
    assert 2 <= len(outcome.results[0].history) < 100_000
    assert listener.events[-1] == ("session", True, False)
    assert engine.usable  # it trains the next set


def test_a_process_that_dies_mid_run_fails_the_run_with_its_epochs_kept():
    process = EngineProcess(threads=1)
    try:
        process.wait_ready()
        cfg = load_preset("quick").runs[0].replace(epochs=100_000)

        class KillAtThree(Recorder):
            def epoch(self, report):
                super().epoch(report)
                if report.epoch == 3:
                    process.proc.kill()

        listener = KillAtThree()
        outcome = process.train([cfg], listener)
        assert isinstance(outcome.failure.error, EngineLost)
        assert "killed by SIGKILL" in str(outcome.failure.error)
        result = outcome.results[0]
        assert result.stop_reason == "failed" and len(result.history) >= 3 and not result.final_state
        assert [e[0] for e in listener.events[-3:]] == ["ended", "failed", "session"]
        assert not process.usable
    finally:
        process.close()


def test_a_torch_that_cannot_load_in_the_process_is_named(tmp_path, monkeypatch):
    fake = tmp_path / "torch"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('libtorch_cpu.so: cannot open it')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(ROOT)]))
    process = EngineProcess()
    try:
        with pytest.raises(EngineLost, match=r"could not load torch: ImportError: libtorch_cpu\.so"):
            process.wait_ready(timeout=120)
        assert not process.usable
    finally:
        process.close()
    assert process.proc.returncode is not None


PARENT = textwrap.dedent("""
    import os, sys
    from regtui.engine.process_exec import EngineProcess
    engine = EngineProcess()
    engine.wait_ready()
    print(engine.proc.pid, flush=True)
    sys.stdin.readline()
    os._exit(int(sys.argv[1]))  # no close(), no atexit: as a killed or os._exit-ing app
""")


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_the_process_ends_when_the_app_dies_without_closing_it(how):
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    app = subprocess.Popen([sys.executable, "-c", PARENT, "0"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True, env=env)
    child = int(app.stdout.readline())
    assert process_alive(child)
    if how == "exit":
        app.stdin.write("\n")
        app.stdin.flush()
    else:
        app.send_signal(signal.SIGKILL)
    app.wait(30)
    deadline = time.monotonic() + 30
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(child), "the training process outlived the app"




def test_an_app_that_cannot_open_ends_its_training_process_with_it(tmp_path):
    """`regtui tui` starts the process first; a bad preset is still one error line and exit 2,
    and the process (still importing torch) is not left behind."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    app = subprocess.Popen([sys.executable, "-m", "regtui", "tui", "no-such-preset"], cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": path})
    _, err = app.communicate(timeout=120)
    assert app.returncode == 2 and "unknown preset 'no-such-preset'" in err and "Traceback" not in err
    assert not [pid for pid in _workers() if _parent_arg(pid) == app.pid and process_alive(pid)]


def _workers() -> list[int]:
    """The pids of every training process on this machine (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"regtui.engine.process_worker" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _parent_arg(pid: int) -> int:
    """The app's pid that a training process was started with (its last argument)."""
    try:
        return int(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[-2])
    except (OSError, ValueError, IndexError):
        return -1


def test_a_process_that_cannot_be_started_leaves_no_socket_or_file_open(monkeypatch):
    """No fork (EAGAIN under a process limit): the error reaches the launcher, which then
    trains in the app; the socket pair and the log file are closed, not leaked."""
    import errno

    def no_fork(*args, **kwargs):
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(subprocess, "Popen", no_fork)
    before = sorted(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError, match="temporarily unavailable"):
        EngineProcess()
    assert sorted(os.listdir("/proc/self/fd")) == before
