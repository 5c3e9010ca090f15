"""Ctrl-C in the middle of a run keeps what was computed, marks it interrupted and exits 130."""

import csv
import io
import json
import signal
import time

from regtui.experiments.presets import load_preset
from regtui.headless.printers import LogPrinter
from regtui.headless.runner import run_preset
from tests.unit.realrun import RealRun


class InterruptAt(LogPrinter):
    """A listener that behaves like a user pressing Ctrl-C at a given epoch."""

    def __init__(self, epoch):
        from rich.console import Console

        super().__init__(Console(file=io.StringIO()))
        self.at = epoch

    def epoch(self, report):
        if report.epoch == self.at:
            raise KeyboardInterrupt


def test_interrupt_keeps_metrics_so_far_and_skips_later_runs(tmp_path):
    preset = load_preset("memorization", {"device": "cpu", "epochs": 50})
    outcome = run_preset(preset, tmp_path, InterruptAt(7))
    assert outcome.interrupted and len(outcome.results) == 1
    folder = outcome.session_dir / "true"
    rows = list(csv.DictReader((folder / "metrics.csv").read_text().splitlines()))
    assert len(rows) >= 6  # every completed epoch is kept
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["interrupted"] and summary["stop_reason"] == "interrupted"
    assert (folder / "final.pt").exists()
    assert not (outcome.session_dir / "random").exists()


def test_sigint_to_a_real_process_saves_and_exits_130(tmp_path):
    # RealRun gives the child a default SIGINT: this passes from `pytest &` too.
    run = RealRun("overfitting", "--epochs", "1000000", "--device", "cpu", "--out", str(tmp_path))
    run.wait_for("epoch 1/")  # training has really started
    time.sleep(1.0)
    run.proc.send_signal(signal.SIGINT)
    code, out = run.finish(), run.output
    assert code == 130, out
    assert "Interrupted by Ctrl-C (SIGINT): what was computed is saved in" in out
    assert "Traceback" not in out
    (session,) = tmp_path.iterdir()
    summary = json.loads((session / "overfitting" / "summary.json").read_text())
    assert summary["interrupted"] and summary["epochs_run"] >= 1


def test_a_failure_mid_run_keeps_completed_epochs_and_exits_1(tmp_path, fail_at_epoch):
    from typer.testing import CliRunner

    from regtui.cli.main import app

    fail_at_epoch(4)
    result = CliRunner().invoke(app, ["run", "quick", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "failed at epoch 4: CUDA out of memory (simulated)" in result.output
    assert "Traceback" not in result.output
    (session,) = tmp_path.iterdir()
    summary = json.loads((session / "true" / "summary.json").read_text())
    assert summary["stop_reason"] == "failed" and summary["epochs_run"] == 3
    assert not (session / "random").exists()


def test_ctrl_c_while_a_later_run_loads_keeps_the_earlier_runs_and_exits_130(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from regtui.cli.main import app
    from regtui.engine import runs

    real_trainer, built = runs.Trainer, []

    def trainer(cfg):
        built.append(cfg.name)
        if len(built) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second run loads its data
        return real_trainer(cfg)

    monkeypatch.setattr(runs, "Trainer", trainer)
    result = CliRunner().invoke(app, ["run", "quick", "--epochs", "3", "--device", "cpu",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 130 and "Interrupted" in result.output
    (session,) = tmp_path.iterdir()
    assert json.loads((session / "true" / "summary.json").read_text())["epochs_run"] == 3
    assert not (session / "random").exists()


def test_a_burst_stays_ignored_after_nested_guards_until_the_process_exits():
    """The CLI's group guard holds each command's own: when the inner one was signalled, the
    outer one must not put Python's handler back, or the rest of a Ctrl-C burst would raise
    KeyboardInterrupt in the exit handlers (a traceback after everything was saved)."""
    import os

    from regtui.system.signals import SignalGuard

    saved = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with SignalGuard():
            inner = SignalGuard()
            with inner:
                inner.attach(type("Stop", (), {"phase": None, "request": lambda self, reason="": None})())
                os.kill(os.getpid(), signal.SIGINT)
            assert inner.received == ["SIGINT"]
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, saved)
