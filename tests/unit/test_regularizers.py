"""Each regularizer does what it should: L2 shrinks, dropout is off in eval, augmentation only trains."""

import math

import pytest
import torch
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.data.augment import Augmenter
from regtui.engine import Trainer
from regtui.engine.classify import ClassifyTask
from regtui.engine.config import ConfigError, from_mapping
from regtui.experiments.presets import load_preset
from regtui.models.nets import MODELS, build_model
from regtui.models.norms import seeded_norms
from regtui.system.seeding import set_seed


def _toy(**settings):
    return from_mapping({"dataset": "toy", "model": "net", "optimizer": "adam", "lr": 1e-3,
                         "epochs": 150, "device": "cpu", **settings}, "test")


def test_l2_lowers_the_toy_final_norm():
    plain = Trainer(_toy()).run().last.total_norm
    shrunk = Trainer(_toy(l2=0.1)).run().last.total_norm
    assert shrunk < plain - 0.1


def test_no_regularizer_leaves_results_bit_identical():
    """l1 = l2 = weight_decay = dropout = 0 and augment off are today's (and the reference's) run."""
    cfg = from_mapping({"labels": "partial", "epochs": 5, "device": "cpu"}, "test")
    explicit = cfg.replace(l1=0.0, l2=0.0, weight_decay=0.0, dropout=0.0, augment=False)
    a, b = Trainer(cfg).run(), Trainer(explicit).run()
    assert [r.total_norm for r in a.history] == [r.total_norm for r in b.history]
    for key, value in a.final_state.items():
        assert torch.equal(value, b.final_state[key])


@pytest.mark.parametrize(("model", "norm"), [("animal_net", 7.3810), ("big_animal_net", 7.9912)])
def test_dropout_zero_keeps_the_reference_models(model, norm):
    layers, _, total = seeded_norms(model, 2021)
    assert round(total, 4) == norm
    set_seed(2021)
    net = build_model(model, dropout=0.0)
    assert not any(isinstance(m, torch.nn.Dropout) for m in net.modules())
    assert [n for n, _ in net.named_parameters()] == [li.name for li in layers]


@pytest.mark.parametrize("model", list(MODELS))
def test_dropout_is_off_in_eval_mode_and_on_in_train_mode(model):
    set_seed(0)
    net = build_model(model, in_features=3 * 8 * 8, dropout=0.5)
    x = torch.randn(16, 1) if MODELS[model].task == "regress" else torch.randn(16, 3, 8, 8)
    net.eval()
    assert torch.equal(net(x), net(x))
    net.train()
    assert not torch.equal(net(x), net(x))
    # p = 0.5 keeps the parameter names of the reference models (dropout has no weights)
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in build_model(
        model, in_features=3 * 8 * 8).named_parameters()]


def test_augmenter_is_seeded_keeps_shape_and_never_writes_its_input():
    x = torch.randn(8, 3, 12, 12)
    before = x.clone()
    a = Augmenter(5, torch.device("cpu"))(x)
    b = Augmenter(5, torch.device("cpu"))(x)
    assert a.shape == x.shape and torch.equal(a, b)
    assert torch.equal(x, before)
    assert not torch.equal(a, x)
    # a crop and a flip move pixels, they do not invent values: every output pixel is an input one
    assert torch.isin(a, x).all()


def test_augmentation_touches_only_training_batches():
    cfg = from_mapping({"augment": True, "epochs": 3, "device": "cpu"}, "test")
    task = ClassifyTask(cfg, torch.device("cpu"))
    d = task.data
    saved = {k: getattr(d, k).clone() for k in ("x_train", "x_val")}
    seen: list[tuple[bool, torch.Tensor]] = []
    task.model.register_forward_pre_hook(lambda m, args: seen.append((m.training, args[0].clone())))
    for epoch in (1, 2):
        task.step(epoch)
    train_inputs = [x for training, x in seen if training]
    eval_inputs = [x for training, x in seen if not training]
    assert len(train_inputs) == 2 and len(eval_inputs) == 4  # one batch of 100; train + val evals
    assert all(not torch.equal(x, saved["x_train"]) for x in train_inputs)
    assert all(torch.equal(x, saved["x_train"]) or torch.equal(x, saved["x_val"]) for x in eval_inputs)
    for key, value in saved.items():  # the data tensors are not modified in place
        assert torch.equal(getattr(d, key), value)


def test_augment_on_the_toy_data_is_a_config_error_saying_why():
    with pytest.raises(ConfigError, match="augment crops and flips images"):
        _toy(augment=True)


@pytest.mark.parametrize(("option", "value"), [
    ("--l2", "-0.1"), ("--l1", "-1"), ("--l2", "nan"), ("--l1", "inf"), ("--weight-decay", "-0.01"),
    ("--weight-decay", "nan"), ("--dropout", "1"), ("--dropout", "1.5"), ("--dropout", "-0.2"),
    ("--dropout", "nan"),
])
def test_bad_regularizer_values_exit_2_with_one_line(option, value, tmp_path):
    result = CliRunner().invoke(app, ["run", "quick", option, value, "--out", str(tmp_path)])
    assert result.exit_code == 2
    key = option.removeprefix("--").replace("-", "_")
    assert f"key {key!r} must be" in result.output
    assert "Traceback" not in result.output


def test_augment_on_toy_from_the_cli_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["run", "overfitting", "--augment", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "augment" in result.output


@pytest.mark.parametrize("name", ["shrinkage", "overfitting-l2", "early-stopping-noisy"])
def test_regularization_presets_load_and_run_a_few_epochs(name):
    preset = load_preset(name, {"epochs": 3, "device": "cpu"})
    assert len(preset.runs) >= 2
    for cfg in preset.runs:
        result = Trainer(cfg).run()
        assert len(result.history) == 3 and math.isfinite(result.last.train_loss)
