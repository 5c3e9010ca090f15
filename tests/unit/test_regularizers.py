"""Each regularizer does what it should: L2 shrinks, dropout is off in eval, augmentation only trains."""

import json
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
from regtui.system.seeding import generator, set_seed


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


@pytest.mark.parametrize("mode", ["crop-flip", "flips"])
def test_augmenter_is_seeded_keeps_shape_and_never_writes_its_input(mode):
    x = torch.randn(64, 3, 12, 12)
    before = x.clone()
    a = Augmenter(generator(5), mode)(x)
    b = Augmenter(generator(5), mode)(x)
    assert a.shape == x.shape and torch.equal(a, b)
    assert torch.equal(x, before)
    assert not torch.equal(a, x)
    # a crop and a flip move pixels, they do not invent values: every output pixel is an input one
    assert torch.isin(a, x).all()


def test_flips_are_the_courses_horizontal_and_vertical_flips_each_with_p_one_tenth():
    """Tutorial 2's RandomHorizontalFlip(p=0.1) and RandomVerticalFlip(p=0.1), no crop: each image
    comes out as itself, mirrored left-right, upside down, or both, in about 81/9/9/1 proportions."""
    x = torch.randn(4000, 3, 5, 5)
    out = Augmenter(generator(0), "flips")(x)
    same = (out == x).flatten(1).all(1)
    h = (out == x.flip(3)).flatten(1).all(1)
    v = (out == x.flip(2)).flatten(1).all(1)
    both = (out == x.flip(2).flip(3)).flatten(1).all(1)
    assert (same | h | v | both).all()  # nothing else: no crop, no shift
    share = [float(m.float().mean()) for m in (same, h, v, both)]
    assert share == pytest.approx([0.81, 0.09, 0.09, 0.01], abs=0.02)


def test_augment_true_means_crop_flip_and_the_recipes_agree_with_the_engine():
    from regtui.data.augment import AUGMENT_MODES
    from regtui.engine.config import FIELDS
    from regtui.engine.config_rules import AUGMENT_RECIPES

    assert AUGMENT_RECIPES == AUGMENT_MODES and FIELDS["augment"].choices == (False, *AUGMENT_MODES)
    assert from_mapping({"augment": True}, "t").augment == "crop-flip"
    assert from_mapping({"augment": "flips"}, "t").augment == "flips"
    with pytest.raises(ConfigError, match="key 'augment' must be true, false, 'crop-flip' or 'flips'"):
        from_mapping({"augment": "crop"}, "t")
    x = torch.randn(100, 3, 8, 8)  # crop-flip crops: most images are shifted, not only flipped
    out = Augmenter(generator(1), True)(x)
    flipped_or_same = ((out == x) | (out == x.flip(3))).flatten(1).all(1)
    assert flipped_or_same.float().mean() < 0.5


@pytest.mark.parametrize(("args", "expected"), [
    (["--augment"], "crop-flip"), (["--no-augment"], False), (["--augment-recipe", "flips"], "flips"),
    (["--augment", "--augment-recipe", "flips"], "flips"), (["--augment-recipe", "crop-flip"], "crop-flip"),
])
def test_augment_from_the_cli(args, expected, tmp_path):
    result = CliRunner().invoke(app, ["run", "quick", *args, "--epochs", "1", "--device", "cpu", "--json",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {r["config"]["augment"] for r in doc["runs"]} == {expected}


@pytest.mark.parametrize(("args", "message"), [
    (["--augment-recipe", "crop"], "--augment-recipe must be crop-flip or flips, got 'crop'"),
    (["--no-augment", "--augment-recipe", "flips"], "drop --no-augment"),
])
def test_bad_augment_recipe_exits_2_with_one_line(args, message, tmp_path):
    result = CliRunner().invoke(app, ["run", "quick", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and not any(tmp_path.iterdir())


@pytest.mark.parametrize("augment", [True, "flips"])
def test_augmentation_touches_only_training_batches(augment):
    cfg = from_mapping({"augment": augment, "epochs": 3, "device": "cpu"}, "test")
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
    with pytest.raises(ConfigError, match="augment flips \\(and crops\\) images"):
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


@pytest.mark.parametrize(("optimizer", "lr"), [("sgd", 5e-3), ("adam", 1e-3)])
def test_weight_decay_2_lambda_equals_l2_lambda(optimizer, lr):
    """SGD's and torch's (coupled) Adam's weight_decay adds wd·W to the gradient; l2 = λ adds the
    penalty's gradient 2λ·W. So weight_decay = 2λ is l2 = λ: the same weights up to rounding
    (torch rounds its fused add once, the penalty twice), and clearly not the unregularized ones."""
    base = {"labels": "partial", "epochs": 15, "device": "cpu", "optimizer": optimizer, "lr": lr}
    by_l2 = Trainer(from_mapping({**base, "l2": 0.05}, "t")).run().final_state
    by_decay = Trainer(from_mapping({**base, "weight_decay": 0.1}, "t")).run().final_state
    plain = Trainer(from_mapping(base, "t")).run().final_state
    for key, w in by_l2.items():
        assert torch.allclose(w, by_decay[key], rtol=0, atol=1e-5), key
    assert max(float((w - plain[k]).abs().max()) for k, w in by_l2.items()) > 1e-3
