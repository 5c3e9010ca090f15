"""Frobenius norms and the model registry against the reference's printed values."""

import pytest
import torch
from torch import nn

from regtui.models.layers import total_from_layers
from regtui.models.nets import MODELS, AnimalNet, BigAnimalNet, Net, build_model
from regtui.models.norms import frobenius_norms, layer_infos
from regtui.system.seeding import set_seed


def test_linear_layer_norm_matches_reference():
    set_seed(2021)
    total, _ = frobenius_norms(nn.Linear(10, 1))
    assert round(total, 4) == 0.6572


def test_animalnet_norm_matches_reference():
    set_seed(2021)
    total, per_layer = frobenius_norms(AnimalNet())
    assert f"{total:.4f}" == "7.3810"
    assert total == pytest.approx(total_from_layers(per_layer), rel=1e-6)


def test_norm_is_the_frobenius_definition():
    net = nn.Linear(3, 2)
    with torch.no_grad():
        net.weight.copy_(torch.tensor([[1.0, 2.0, 2.0], [0.0, 0.0, 0.0]]))
        net.bias.copy_(torch.tensor([0.0, 4.0]))
    total, per_layer = frobenius_norms(net)
    assert per_layer == pytest.approx([3.0, 4.0])
    assert total == pytest.approx(5.0)


def test_layer_infos_list_shapes_and_counts_in_reference_order():
    infos = layer_infos(BigAnimalNet())
    assert [i.name for i in infos] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
                                       "fc3.weight", "fc3.bias"]
    assert infos[0].shape == (124, 3072) and infos[0].numel == 124 * 3072
    assert sum(i.numel for i in layer_infos(Net())) == 300 + 300 + 150000 + 500 + 500 + 1


@pytest.mark.parametrize("name,hidden", [("animal_net", (128, 32)), ("big_animal_net", (124, 64))])
def test_image_models_follow_classes_and_input_size(name, hidden):
    model = build_model(name, in_features=3 * 16 * 16, n_classes=5)
    out = model(torch.randn(4, 3, 16, 16))
    assert out.shape == (4, 5)
    assert torch.allclose(out.exp().sum(dim=1), torch.ones(4), atol=1e-5)  # log-softmax output
    assert (model.fc1.out_features, model.fc2.out_features) == hidden


def test_toy_net_shape_and_registry():
    assert Net()(torch.rand(7, 1)).shape == (7, 1)
    assert MODELS["net"].task == "regress"
    with pytest.raises(ValueError, match="unknown model 'resnet'"):
        build_model("resnet")


def test_a_change_too_small_to_show_is_not_negative_zero():
    from regtui.models.layers import LayerInfo, layer_rows

    rows = layer_rows([LayerInfo("fc1.bias", (3,), 3)], [0.12345], [0.123449])
    assert rows[0][-1] == "+0.0000" and rows[-1][-1] == "+0.0000"


@pytest.mark.parametrize("size", [4, 5, 8, 32])
def test_cnn_follows_classes_and_image_size_and_shows_each_layer_in_the_norm_table(size):
    """The small CNN: two conv layers then a linear head; its tensors are rows of its own name."""
    from regtui.models.layers import layer_rows

    model = build_model("cnn", in_features=3 * size * size, n_classes=5)
    out = model(torch.randn(4, 3, size, size))
    assert out.shape == (4, 5)
    assert torch.allclose(out.exp().sum(dim=1), torch.ones(4), atol=1e-5)  # log-softmax output
    infos = layer_infos(model)
    assert [i.name for i in infos] == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                       "fc.weight", "fc.bias"]
    assert infos[0].shape == (16, 3, 3, 3) and infos[2].shape == (32, 16, 3, 3)
    assert infos[4].shape == (5, 32 * (size // 4) ** 2)
    total, per_layer = frobenius_norms(model)
    rows = layer_rows(infos, per_layer)
    assert [r[0] for r in rows] == [i.name for i in infos] + ["total"]
    assert rows[-1][3] == f"{total:.4f}"
    assert MODELS["cnn"].task == "classify"
