"""Input variants: shapes kept, pixel statistics as promised, train and val alike, seeded."""

import pytest
import torch

from regtui.data.classification import load_classification_data
from regtui.data.inputs import INPUT_MODES, randomize_inputs
from regtui.engine.config import FIELDS
from regtui.system.seeding import generator


def _images(n, seed=0):
    return torch.rand(n, 3, 8, 8, generator=generator(seed)) * 2 - 1  # (N, C, H, W) in [-1, 1]


def test_input_modes_are_the_settings_choices():
    assert FIELDS["inputs"].choices == INPUT_MODES


def test_shuffled_pixels_is_one_permutation_for_every_image():
    xt, xv = _images(5), _images(4, 1)
    at, av = randomize_inputs(xt, xv, "shuffled_pixels", generator(7))
    assert at.shape == xt.shape and av.shape == xv.shape
    # the same pixel positions move in every image, train and val alike: recover the order
    order = [int((xt[0, 0].flatten() == v).nonzero()[0]) for v in at[0, 0].flatten()]
    for x, a in ((xt, at), (xv, av)):
        assert torch.equal(a, x.flatten(2)[:, :, order].reshape(x.shape))  # all channels move together
    assert not torch.equal(at, xt)
    b = randomize_inputs(xt, xv, "shuffled_pixels", generator(7))
    assert torch.equal(b[0], at) and torch.equal(b[1], av)  # seeded


def test_random_pixels_permutes_each_image_its_own_way_keeping_its_statistics():
    xt, xv = _images(6), _images(3, 1)
    at, av = randomize_inputs(xt, xv, "random_pixels", generator(7))
    for x, a in ((xt, at), (xv, av)):
        for i in range(x.shape[0]):  # per image and channel: the same multiset of values
            for c in range(3):
                assert torch.equal(a[i, c].flatten().sort().values, x[i, c].flatten().sort().values)
    orders = [[int((xt[i, 0].flatten() == v).nonzero()[0]) for v in at[i, 0].flatten()]
              for i in range(2)]
    assert orders[0] != orders[1]
    assert torch.equal(randomize_inputs(xt, xv, "random_pixels", generator(7))[0], at)
    assert not torch.equal(randomize_inputs(xt, xv, "random_pixels", generator(8))[0], at)


def test_gaussian_matches_per_channel_mean_and_sd_of_the_images():
    xt = torch.randn(400, 3, 8, 8, generator=generator(0)) * torch.tensor([0.5, 1, 2]).view(1, 3, 1, 1) \
        + torch.tensor([-0.5, 0, 0.3]).view(1, 3, 1, 1)
    xv = xt[:100].clone()
    at, av = randomize_inputs(xt, xv, "gaussian", generator(7))
    both = torch.cat([at, av])
    assert at.shape == xt.shape and av.shape == xv.shape
    assert both.mean(dim=(0, 2, 3)).tolist() == pytest.approx([-0.5, 0, 0.3], abs=0.03)
    assert both.std(dim=(0, 2, 3)).tolist() == pytest.approx([0.5, 1, 2], rel=0.03)
    assert not torch.allclose(at, xt)
    assert torch.equal(randomize_inputs(xt, xv, "gaussian", generator(7))[1], av)


def test_real_inputs_are_untouched_and_a_variant_keeps_split_and_labels(cpu_cfg):
    xt, xv = _images(2), _images(2, 1)
    assert randomize_inputs(xt, xv, "real", generator(1)) == (xt, xv)
    real = load_classification_data(cpu_cfg(), torch.device("cpu"))
    shuffled = load_classification_data(cpu_cfg(inputs="shuffled_pixels"), torch.device("cpu"))
    assert torch.equal(real.y_train, shuffled.y_train) and torch.equal(real.y_val, shuffled.y_val)
    assert torch.equal(real.x_train.flatten(2).sort(-1).values, shuffled.x_train.flatten(2).sort(-1).values)
    assert "inputs shuffled_pixels" in shuffled.source
