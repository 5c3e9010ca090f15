"""The stacked executor: each member equals its single run within float noise; policy as run_all."""

import json

import pytest
import torch
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.engine import RunListener, StopRequest, Trainer
from regtui.engine.config import from_mapping
from regtui.engine.stacked_runs import plan, run_stacked
from regtui.experiments.seeds import expand_seeds

runner = CliRunner()


class Recorder(RunListener):
    """Keeps the results and the end events; optionally acts at a given epoch."""

    def __init__(self, at_epoch=None, action=None):
        self.ends, self.epochs, self.at_epoch, self.action = [], [], at_epoch, action

    def epoch(self, report):
        self.epochs.append((report.run, report.epoch))
        if report.epoch == self.at_epoch and self.action:
            self.action()

    def run_ended(self, result):
        self.ends.append((result.info.config.name, result.stop_reason, len(result.history)))


def members(seeds=(2021, 1, 2), **kw):
    base = {"name": "m", "device": "cpu", "epochs": 20, **kw}
    return list(expand_seeds([from_mapping({**base, "seeds": list(seeds)}, "test")]))


def assert_same_run(stacked, single):
    """Equal within float noise: batched matmuls round differently from single ones."""
    assert stacked.info.initial_norms == single.info.initial_norms  # the same seeded weights, exactly
    assert (stacked.stop_reason, len(stacked.history)) == (single.stop_reason, len(single.history))
    same_acc = 0
    for a, b in zip(stacked.history, single.history, strict=True):
        assert a.train_loss == pytest.approx(b.train_loss, rel=1e-4)
        assert a.val_loss == pytest.approx(b.val_loss, rel=1e-4)
        assert a.layer_norms == pytest.approx(b.layer_norms, rel=1e-4)
        assert abs(a.train_acc - b.train_acc) <= 1 and abs(a.val_acc - b.val_acc) <= 1
        same_acc += (a.train_acc, a.val_acc) == (b.train_acc, b.val_acc)
    assert same_acc >= 0.8 * len(single.history)
    # Adam divides each element's gradient by its own running RMS, so an element whose gradient is
    # mostly rounding noise moves by a share of lr whichever way that noise points: with partial
    # labels drawn from their own stream, one fc2 weight of 7,936 ended 1.5e-5 apart after 20 steps
    # of lr 1e-3. SGD keeps the float noise small; Adam's allowance is a tenth of one step.
    atol = 0.1 * single.info.config.lr if single.info.config.optimizer == "adam" else 1e-6
    for key, tensor in single.final_state.items():
        assert torch.allclose(stacked.final_state[key], tensor, rtol=1e-4, atol=atol)


@pytest.mark.parametrize("settings", [
    {"labels": "true"},
    {"labels": "partial", "label_fraction": 0.5, "optimizer": "adam", "lr": 1e-3},
    {"labels": "random", "shuffle": True, "batch_size": 32, "epochs": 8},
    {"labels": "partial", "l2": 0.05, "l1": 1e-3},  # penalties reach every member's own slice
])
def test_each_member_equals_its_single_run(settings):
    runs = members(**settings)
    outcome = run_stacked(runs, Recorder())
    assert [r.info.config.name for r in outcome.results] == ["m-seed2021", "m-seed1", "m-seed2"]
    for stacked, cfg in zip(outcome.results, runs, strict=True):
        assert_same_run(stacked, Trainer(cfg).run())
    assert len({r.history[-1].train_loss for r in outcome.results}) == 3  # members are not copies


def test_members_stop_early_on_their_own_with_their_own_weights():
    runs = members(labels="random", epochs=30, early_stopping=True, patience=2)
    rec = Recorder()
    outcome = run_stacked(runs, rec)
    singles = [Trainer(cfg).run() for cfg in runs]
    assert len({len(s.history) for s in singles}) > 1  # the members stop at different epochs
    for stacked, single in zip(sorted(outcome.results, key=lambda r: r.info.config.name),
                               sorted(singles, key=lambda r: r.info.config.name), strict=True):
        assert_same_run(stacked, single)  # final weights too: those of its own stop epoch
        assert stacked.restored_best and stacked.best.epoch == single.best.epoch
        for key, tensor in single.best_state.items():
            assert torch.allclose(stacked.best_state[key], tensor, rtol=1e-4, atol=1e-6)
    # a stopped member reports nothing more
    assert all(sum(1 for run, _ in rec.epochs if run == name) == n for name, _, n in rec.ends)


def test_cli_stack_writes_a_folder_and_summary_per_member(tmp_path):
    result = runner.invoke(app, ["run", "quick", "--seeds", "2021,7", "--epochs", "2", "--device",
                                 "cpu", "--stack", "--out", str(tmp_path), "--json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [g["group"] for g in doc["groups"]] == ["true", "random"]
    (session,) = tmp_path.iterdir()
    names = ["random-seed2021", "random-seed7", "true-seed2021", "true-seed7"]
    assert sorted(p.name for p in session.iterdir() if p.is_dir()) == names
    for name in names:
        summary = json.loads((session / name / "summary.json").read_text())
        assert (summary["name"], summary["epochs_run"], summary["stop_reason"]) == (name, 2, "finished")
        assert len((session / name / "metrics.csv").read_text().splitlines()) == 3  # header + 2 epochs


def test_cli_stack_and_ray_together_is_bad_input(tmp_path):
    result = runner.invoke(app, ["sweep", "quick", "--grid", "epochs=2", "--stack", "--ray", "auto",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not both" in result.output and not any(tmp_path.iterdir())


def test_runs_that_cannot_share_a_stack_train_as_ordinary_runs():
    toy = from_mapping({"name": "toy", "model": "net", "dataset": "toy", "optimizer": "adam",
                        "epochs": 30, "device": "cpu"}, "test")
    other = from_mapping({"name": "small", "model": "animal_net", "epochs": 3, "device": "cpu"},
                         "test")
    runs = [*members(epochs=3), toy, other, *members(seeds=(5,), epochs=3)]
    assert [[c.name for c in unit] for unit in plan(runs)] == [
        ["m-seed2021", "m-seed1", "m-seed2", "m-seed5"], ["toy"], ["small"]]
    outcome = run_stacked([toy, other], Recorder())
    for result, cfg in zip(outcome.results, [toy, other], strict=True):
        single = Trainer(cfg).run()  # the ordinary path: bit for bit
        assert [r.train_loss for r in result.history] == [r.train_loss for r in single.history]


@pytest.mark.parametrize("reason", ["stopped", "interrupted"])
def test_a_stop_request_ends_every_member_after_its_epoch_and_starts_no_other(reason):
    stop = StopRequest()
    rec = Recorder(at_epoch=2, action=lambda: stop.request(reason))
    later = from_mapping({"name": "later", "model": "animal_net", "device": "cpu"}, "test")
    outcome = run_stacked([*members(), later], rec, stop)
    assert rec.ends == [("m-seed2021", reason, 2), ("m-seed1", reason, 2), ("m-seed2", reason, 2)]
    assert outcome.stopped and outcome.interrupted == (reason == "interrupted")


def test_ctrl_c_while_training_keeps_every_members_epochs():
    def interrupt():
        raise KeyboardInterrupt

    rec = Recorder(at_epoch=3, action=interrupt)
    outcome = run_stacked(members(), rec)
    # the first member's report raised: its epoch 3 was told, the others' were not
    assert rec.ends == [("m-seed2021", "interrupted", 3), ("m-seed1", "interrupted", 2),
                        ("m-seed2", "interrupted", 2)]
    assert outcome.interrupted and len(outcome.results) == 3



def test_dropout_augmentation_and_the_cnn_never_stack():
    """Dropout and augmentation draw random numbers per member, which one vmapped model cannot
    reproduce; the CNN's stacked numbers were never measured against its single runs."""
    for extra in ({"dropout": 0.5}, {"augment": True}, {"augment": "flips"}, {"model": "cnn"}):
        assert [len(u) for u in plan(members(seeds=(1, 2), **extra))] == [1, 1]
