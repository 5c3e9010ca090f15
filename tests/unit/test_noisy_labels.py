"""Training accuracy split by label noise: clean vs changed (memorized) images, and the true label."""

import csv
import json

import pytest
import torch

from regtui.engine import Trainer
from regtui.engine.config import from_mapping
from regtui.experiments.run_folders import write_run
from regtui.models.nets import build_model


@pytest.fixture(scope="module")
def partial():
    """BigAnimalNet on 15% shuffled labels, long enough to start memorizing them."""
    cfg = from_mapping({"labels": "partial", "epochs": 120, "device": "cpu"}, "test")
    trainer = Trainer(cfg)
    d = trainer.task.data
    return trainer.run(), d


@pytest.mark.parametrize("labels", ["partial", "random"])
def test_subset_accuracies_combine_to_the_train_accuracy(labels):
    cfg = from_mapping({"labels": labels, "epochs": 8, "device": "cpu"}, "test")
    trainer = Trainer(cfg)
    d = trainer.task.data
    n_changed = int((d.y_train != d.y_train_true).sum())
    n, n_clean = d.y_train.numel(), d.y_train.numel() - n_changed
    assert 0 < n_changed < n
    for r in trainer.run().history:
        combined = (r.noisy.clean * n_clean + r.noisy.memorized * n_changed) / n
        assert combined == pytest.approx(r.train_acc, abs=1e-4)


def test_subsets_are_measured_against_the_right_labels(partial):
    result, d = partial
    changed = d.y_train != d.y_train_true
    net = build_model("big_animal_net", d.in_features, len(d.classes))
    net.load_state_dict(result.final_state)
    net.eval()
    with torch.no_grad():
        pred = net(d.x_train).argmax(dim=1)
    last = result.last.noisy
    assert last.clean == pytest.approx(100 * (pred == d.y_train)[~changed].float().mean().item(), abs=1e-4)
    assert last.memorized == pytest.approx(100 * (pred == d.y_train)[changed].float().mean().item(), abs=1e-4)
    assert last.true == pytest.approx(100 * (pred == d.y_train_true)[changed].float().mean().item(), abs=1e-4)


def test_clean_labels_are_learned_before_the_changed_ones_are_memorized(partial):
    """Arpit et al. 2017: the clean subset is fit early while the changed labels are still
    predicted as their true class; memorizing the wrong labels comes later."""
    result, _ = partial
    early = result.history[39].noisy
    assert early.clean > 90 and early.memorized < 20 and early.true > 60
    assert result.last.noisy.memorized > early.memorized


def test_true_labels_have_no_split():
    cfg = from_mapping({"epochs": 2, "device": "cpu"}, "test")
    assert all(r.noisy is None for r in Trainer(cfg).run().history)


def test_metrics_csv_and_summary_carry_the_split(partial, tmp_path):
    result, _ = partial
    folder = write_run(tmp_path, result, "test")
    with open(folder / "metrics.csv") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert header[-3:] == ["train_acc_clean", "train_acc_memorized", "changed_true_acc"]
    assert float(rows[-1]["train_acc_memorized"]) == pytest.approx(result.last.noisy.memorized)
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["noisy_labels"]["final"]["memorized_acc"] == round(result.last.noisy.memorized, 4)
