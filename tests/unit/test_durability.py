"""Nothing computed is lost: signal bursts, kill -9, closed pipes, strict JSON, disk errors."""

from __future__ import annotations

import csv
import errno
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.system.atomic import atomic_save
from regtui.system.signals import SignalGuard
from tests.unit.realrun import RealRun, default_sigint


def strict_loads(text: str):
    """json.loads that rejects NaN and Infinity, as JSON itself (and most parsers) do."""
    def reject(name):
        raise ValueError(f"not JSON: {name}")
    return json.loads(text, parse_constant=reject)


def assert_complete(folder: Path, status: str) -> dict:
    """A run folder with every file whole, no temporary file left, rows matching the summary."""
    names = {p.name for p in folder.iterdir()}
    assert {"config.toml", "metrics.csv", "summary.json", "final.pt", "status"} <= names, names
    assert not [n for n in names if n.endswith(".tmp")], names
    assert (folder / "status").read_text() == status + "\n"
    summary = strict_loads((folder / "summary.json").read_text())
    rows = list(csv.DictReader((folder / "metrics.csv").read_text().splitlines()))
    assert len(rows) == summary["epochs_run"]
    torch.load(folder / "final.pt")
    return summary


BURSTS = [("SIGINT", 2, 0.010), ("SIGINT", 5, 0.0125), ("SIGTERM", 1, 0), ("SIGHUP", 1, 0),
          ("SIGTERM", 3, 0.005)]


@pytest.mark.parametrize(("name", "count", "gap"), BURSTS)
def test_signals_and_bursts_save_everything_and_exit_130(tmp_path, name, count, gap):
    run = RealRun("quick", "--epochs", "100000", "--device", "cpu", "--out", str(tmp_path))
    run.wait_for("epoch 1/")
    time.sleep(0.3)
    for _ in range(count):
        run.proc.send_signal(getattr(signal, name))
        time.sleep(gap)
    code, out = run.finish(), run.output
    assert code == 130, out
    assert "Traceback" not in out
    label = "Ctrl-C (SIGINT)" if name == "SIGINT" else name
    assert f"Interrupted by {label}: what was computed is saved in" in out
    assert "(Ctrl-C)" not in out or name == "SIGINT"
    (session,) = tmp_path.iterdir()
    summary = assert_complete(session / "true", "interrupted")
    assert summary["interrupted"] and summary["epochs_run"] >= 1
    assert not (session / "random").exists()  # no later run starts after a signal


def test_kill_9_leaves_streamed_metrics_and_a_folder_that_says_unfinished(tmp_path):
    run = RealRun("overfitting", "--epochs", "1000000", "--device", "cpu", "--out", str(tmp_path))
    run.wait_for("epoch 1/")
    time.sleep(1.5)  # more than the one second rows may wait for the disk
    run.proc.kill()
    run.finish()
    (session,) = tmp_path.iterdir()
    folder = session / "overfitting"
    assert (folder / "status").read_text() == "running\n"
    assert not (folder / "summary.json").exists()
    assert (folder / "config.toml").exists()
    text = (folder / "metrics.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) >= 2, text[:500]  # every epoch done more than a second ago (a busy CPU: few)
    assert text.endswith("\n")  # rows are written whole
    assert [int(r["epoch"]) for r in rows] == list(range(1, len(rows) + 1))


def test_a_closed_output_pipe_stops_quietly_and_leaves_a_complete_folder(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "regtui", "run", "quick", "--epochs", "300",
                             "--device", "cpu", "--out", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_sigint)
    try:
        first = [proc.stdout.readline() for _ in range(3)]  # what `| head -3` reads
        assert "epoch 1/" in first[-1], first
        proc.stdout.close()
        assert proc.wait(timeout=60) == 141
        assert proc.stderr.read() == ""  # no traceback, no "Exception ignored"
    finally:
        proc.kill()
    (session,) = tmp_path.iterdir()
    assert_complete(session / "true", "stopped")


def test_json_of_a_diverging_run_is_strict_json_with_null_for_nan(tmp_path):
    result = CliRunner().invoke(app, ["run", "quick", "--lr", "10", "--epochs", "5", "--json",
                                      "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = strict_loads(result.stdout)
    first = doc["runs"][0]
    assert first["stop_reason"] == "non-finite" and first["final"]["train_loss"] is None
    (session,) = tmp_path.iterdir()
    assert strict_loads((session / "true" / "summary.json").read_text())["final"]["train_loss"] is None


def test_out_pointing_at_a_file_is_bad_input_before_training(tmp_path):
    target = tmp_path / "afile"
    target.write_text("x")
    result = CliRunner().invoke(app, ["run", "quick", "--device", "cpu", "--out", str(target)])
    assert result.exit_code == 2
    assert f"--out {target} is a file, not a folder" in result.output
    assert "Traceback" not in result.output and "epoch" not in result.output


def test_a_full_disk_mid_run_names_the_file_and_what_to_do(tmp_path, monkeypatch):
    from regtui.experiments import run_folders as results

    class FullDisk:
        def writerow(self, row):
            if row[0] == 3:
                raise OSError(errno.ENOSPC, "No space left on device")

    real_init = results.RunWriter.__init__

    def init(self, *args):
        real_init(self, *args)
        self._csv = FullDisk()

    monkeypatch.setattr(results.RunWriter, "__init__", init)
    result = CliRunner().invoke(app, ["run", "quick", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "metrics.csv: No space left on device. Free some space or choose a writable" \
        in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_interrupted_before_any_epoch_is_a_proper_sentence(tmp_path, monkeypatch):
    from regtui.engine import runs

    def trainer(cfg):
        raise KeyboardInterrupt  # Ctrl-C while the first run loads its data

    monkeypatch.setattr(runs, "Trainer", trainer)
    result = CliRunner().invoke(app, ["run", "quick", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 130
    assert "Interrupted: no epoch had finished, so nothing was saved." in result.output


def test_an_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "final.pt"
    target.write_bytes(b"old")

    def half_then_fail(fh):
        fh.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        atomic_save(target, half_then_fail)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["final.pt"]


class FakeStop:
    """What the guard sees of the engine's StopRequest."""

    def __init__(self, phase):
        self.phase, self.reasons = phase, []

    def request(self, reason="stopped"):
        self.reasons.append(reason)


def test_first_signal_stops_after_the_epoch_a_second_stops_now_saving_is_never_cut():
    guard = SignalGuard()
    with pytest.raises(KeyboardInterrupt):  # before training: nothing to save, leave at once
        guard._handle(signal.SIGINT, None)
    guard._handle(signal.SIGINT, None)  # ... and only once: the exit path is not cut either

    in_epoch = SignalGuard()
    in_epoch.attach(stop := FakeStop("epoch"))
    in_epoch._handle(signal.SIGTERM, None)  # first: a stop request, the epoch goes on
    assert stop.reasons == ["interrupted"] and in_epoch.first == "SIGTERM"
    with pytest.raises(KeyboardInterrupt):
        in_epoch._handle(signal.SIGINT, None)  # second in the same epoch: now
    in_epoch._handle(signal.SIGINT, None)  # the loop is saving now (phase cleared): noted only
    assert stop.phase is None and len(in_epoch.received) == 3

    loading = SignalGuard()
    loading.attach(FakeStop("loading"))
    with pytest.raises(KeyboardInterrupt):  # a data load is abandoned by the first signal
        loading._handle(signal.SIGHUP, None)

    saving = SignalGuard()
    saving.attach(FakeStop(None))
    for _ in range(5):
        saving._handle(signal.SIGINT, None)  # a burst while files are written: never raises


def test_a_signal_ignored_by_the_caller_stays_ignored_and_sigterm_still_saves(tmp_path):
    run = RealRun("overfitting", "--epochs", "1000000", "--device", "cpu", "--out", str(tmp_path),
                  ignore_sigint=True)  # like `nohup` or `regtui run ... &` in a script
    run.wait_for("epoch 1/")
    run.proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert run.proc.poll() is None
    run.proc.send_signal(signal.SIGTERM)
    assert run.finish() == 130, run.output
    assert "Interrupted by SIGTERM" in run.output


def test_an_unexpected_error_in_the_app_worker_ends_as_failed(monkeypatch):
    from regtui.engine.config import RunConfig
    from regtui.tui import training
    from regtui.tui.messages import RunFailed, TrainingDone

    def broken(configs, listener, should_stop):
        raise ValueError("a bug")

    monkeypatch.setattr("regtui.engine.runs.run_all", broken)  # train_runs imports it when it runs
    posted = []
    training.train_runs([RunConfig(name="x")], posted.append, lambda: False)
    assert isinstance(posted[-2], RunFailed) and "ValueError: a bug" in posted[-2].error
    assert isinstance(posted[-1], TrainingDone) and "ValueError: a bug" in posted[-1].error


def wait_for_exit(pid: int, seconds: float) -> int:
    """The child's wait status once it has exited; AssertionError after `seconds` (never a hang)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.1)
    raise AssertionError(f"the app did not exit within {seconds:.0f} s of the signal")


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_or_sighup_to_the_app_restores_the_terminal(name):
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app on a pseudo-terminal
        default_sigint()
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-m", "regtui", "tui", "quick", "--autostart"])
    seen = b""

    def read_for(seconds: float, until: bytes | None = None) -> None:
        nonlocal seen
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until and until in seen):
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    seen += os.read(fd, 65536)
                except OSError:  # the child closed the terminal
                    return

    try:
        read_for(60, until=b"\x1b[?1049h")  # the app took the alternate screen
        read_for(1.5)  # training is under way
        os.kill(pid, getattr(signal, name))
        read_for(30)  # to the end: read_for returns when the child closes the terminal
        status = wait_for_exit(pid, 60)
    finally:
        with __import__("contextlib").suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 130
    tail = seen[seen.rindex(b"\x1b[?1049h"):]
    assert b"\x1b[?1049l" in tail and b"\x1b[?25h" in tail  # main screen and cursor are back
    assert b"Traceback" not in seen
