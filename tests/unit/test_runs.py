"""The engine's loop over runs and its one stop-and-failure policy (tested here, once for both front ends)."""

import threading

import pytest

from regtui.engine import runs
from regtui.engine.runs import RunListener, StopRequest, run_all


class Recorder(RunListener):
    """Writes down every event, in order; optionally acts at a given epoch."""

    def __init__(self, at_epoch=None, action=None):
        self.events, self.at_epoch, self.action = [], at_epoch, action
        self.outcome = None

    def run_started(self, info):
        self.events.append(("started", info.config.name))

    def epoch(self, report):
        self.events.append(("epoch", report.run, report.epoch))
        if report.epoch == self.at_epoch and self.action:
            self.action()

    def run_ended(self, result):
        self.events.append(("ended", result.info.config.name, result.stop_reason, len(result.history)))

    def run_failed(self, failure):
        self.events.append(("failed", failure.name, failure.epoch))

    def session_ended(self, outcome):
        self.outcome = outcome

    def ends(self):
        return [e for e in self.events if e[0] != "epoch"]


@pytest.fixture
def two_runs(cpu_cfg):
    return [cpu_cfg(name="a", epochs=6), cpu_cfg(name="b", epochs=6)]


def test_every_run_trains_in_turn(two_runs):
    rec = Recorder()
    outcome = run_all(two_runs, rec)
    assert rec.ends() == [("started", "a"), ("ended", "a", "finished", 6),
                          ("started", "b"), ("ended", "b", "finished", 6)]
    assert [r.info.config.name for r in outcome.results] == ["a", "b"]
    assert not (outcome.stopped or outcome.interrupted or outcome.failure)
    assert rec.outcome is outcome  # session_ended is told the same outcome


def test_a_failure_mid_run_keeps_its_epochs_and_starts_no_other(two_runs, fail_at_epoch):
    fail_at_epoch(4)
    rec = Recorder()
    outcome = run_all(two_runs, rec)
    assert rec.ends() == [("started", "a"), ("ended", "a", "failed", 3), ("failed", "a", 4)]
    assert "CUDA out of memory" in str(outcome.failure.error)
    assert len(outcome.results) == 1 and not outcome.interrupted


def test_a_run_that_cannot_start_is_reported_and_ends_the_set(cpu_cfg, tmp_path):
    from regtui.data.sources import DataError

    bad = cpu_cfg(name="bad", dataset="folder", data_dir=str(tmp_path / "missing"))
    rec = Recorder()
    outcome = run_all([cpu_cfg(name="a", epochs=2), bad, cpu_cfg(name="c", epochs=2)], rec)
    assert rec.ends() == [("started", "a"), ("ended", "a", "finished", 2), ("failed", "bad", None)]
    assert isinstance(outcome.failure.error, DataError) and outcome.failure.epoch is None
    assert [r.info.config.name for r in outcome.results] == ["a"]


@pytest.mark.parametrize("as_event", [True, False])
def test_a_stop_request_ends_the_run_after_its_epoch_and_starts_no_other(two_runs, as_event):
    stop = threading.Event()
    rec = Recorder(at_epoch=3, action=stop.set)
    outcome = run_all(two_runs, rec, stop if as_event else stop.is_set)
    assert rec.ends() == [("started", "a"), ("ended", "a", "stopped", 3)]
    assert outcome.stopped and not outcome.interrupted and outcome.failure is None


def test_a_stop_request_can_say_it_was_an_interrupt(two_runs):
    stop = StopRequest()
    rec = Recorder(at_epoch=2, action=lambda: stop.request("interrupted"))
    outcome = run_all(two_runs, rec, stop)
    assert rec.ends() == [("started", "a"), ("ended", "a", "interrupted", 2)]
    assert outcome.stopped and outcome.interrupted


def test_a_stop_from_another_thread_is_seen_within_an_epoch(cpu_cfg):
    stop = threading.Event()
    started = threading.Event()
    rec = Recorder(at_epoch=1, action=started.set)
    helper = threading.Thread(target=lambda: started.wait(60) and stop.set())
    helper.start()
    outcome = run_all([cpu_cfg(name="a", epochs=100_000)], rec, stop)
    helper.join()
    assert outcome.stopped and outcome.results[0].stop_reason == "stopped"
    assert len(outcome.results[0].history) < 100_000


def test_ctrl_c_while_training_keeps_the_epochs_done(two_runs):
    def interrupt():
        raise KeyboardInterrupt

    rec = Recorder(at_epoch=4, action=interrupt)
    outcome = run_all(two_runs, rec)
    assert rec.ends() == [("started", "a"), ("ended", "a", "interrupted", 4)]
    assert outcome.interrupted and outcome.results[0].stop_reason == "interrupted"


def test_ctrl_c_while_a_run_loads_keeps_the_earlier_runs(two_runs, monkeypatch):
    real_trainer = runs.Trainer

    def trainer(cfg):
        if cfg.name == "b":
            raise KeyboardInterrupt  # Ctrl-C while the second run loads its data
        return real_trainer(cfg)

    monkeypatch.setattr(runs, "Trainer", trainer)
    rec = Recorder()
    outcome = run_all(two_runs, rec)
    assert rec.ends() == [("started", "a"), ("ended", "a", "finished", 6)]
    assert outcome.interrupted and len(outcome.results) == 1
    assert rec.outcome is outcome


def test_session_ended_is_told_even_when_a_bug_escapes(two_runs):
    def bug():
        raise ZeroDivisionError

    rec = Recorder(at_epoch=2, action=bug)
    with pytest.raises(ZeroDivisionError):
        run_all(two_runs, rec)
    assert rec.outcome is not None
