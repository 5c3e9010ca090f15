"""The embedded data set, the seeded split, label variants and the toy regression data."""

import pytest
import torch

from regtui.data.classification import load_classification_data, split_indices
from regtui.data.digits import load_digits3
from regtui.data.labels import changed_fraction, corrupt_labels
from regtui.data.sources import DataError
from regtui.data.toy import make_toy_data
from regtui.system.seeding import generator


def test_embedded_digits_are_three_balanced_classes_of_3x32x32():
    s = load_digits3()
    assert s.x.shape == (539, 3, 32, 32)
    assert s.x.min() == -1.0 and s.x.max() == 1.0
    assert torch.bincount(s.y).tolist() == [183, 182, 174]
    assert len(s.classes) == 3


def test_split_is_seeded_disjoint_and_checked():
    a_train, a_val = split_indices(539, 100, 100, seed=1)
    b_train, b_val = split_indices(539, 100, 100, seed=1)
    c_train, _ = split_indices(539, 100, 100, seed=2)
    assert torch.equal(a_train, b_train) and torch.equal(a_val, b_val)
    assert not torch.equal(a_train, c_train)
    assert not set(a_train.tolist()) & set(a_val.tolist())
    with pytest.raises(DataError, match="has 539 images"):
        split_indices(539, 500, 100, seed=1)


def test_true_labels_are_untouched():
    y = torch.arange(90) % 3
    assert torch.equal(corrupt_labels(y, "true", 0.15, generator(0)), y)


def test_random_labels_shuffle_all_and_keep_class_counts():
    y = torch.arange(300) % 3
    noisy = corrupt_labels(y, "random", 0.0, generator(0))
    assert torch.equal(torch.bincount(noisy), torch.bincount(y))
    # A full shuffle over 3 balanced classes changes about 2/3 of the labels.
    assert 0.58 < changed_fraction(y, noisy) < 0.75
    assert torch.equal(y, torch.arange(300) % 3)  # input not modified


def test_partial_labels_shuffle_exactly_the_fraction():
    y = torch.arange(1000) % 3
    noisy = corrupt_labels(y, "partial", 0.15, generator(3))
    changed = changed_fraction(y, noisy)
    assert changed <= 0.15  # only the chosen 150 can change...
    assert 0.08 < changed < 0.13  # ...and a shuffle among 3 classes moves about 2/3 of them
    assert torch.equal(torch.bincount(noisy), torch.bincount(y))


def test_label_noise_is_reproducible():
    y = torch.arange(100) % 3
    a = corrupt_labels(y, "partial", 0.5, generator(9))
    b = corrupt_labels(y, "partial", 0.5, generator(9))
    assert torch.equal(a, b)


def test_loaded_data_reports_changed_share_and_keeps_val_clean(cpu_cfg):
    clean = load_classification_data(cpu_cfg(labels="true"), torch.device("cpu"))
    noisy = load_classification_data(cpu_cfg(labels="random"), torch.device("cpu"))
    assert clean.label_changed == 0.0
    assert torch.equal(clean.x_train, noisy.x_train)  # same split whatever the labels
    assert torch.equal(clean.y_val, noisy.y_val)
    assert noisy.label_changed == changed_fraction(noisy.y_train_true, noisy.y_train) > 0.5
    assert noisy.x_train.shape == (100, 3, 32, 32) and noisy.x_val.shape == (100, 3, 32, 32)


def test_toy_data_follows_the_reference():
    d = make_toy_data(2021)
    assert d.x.shape == (10, 1) and d.y.shape == (10, 1)
    assert torch.equal(d.x_test.flatten(), torch.linspace(0, 1, 40))
    assert torch.equal(d.y_test, 2 * d.x_test)
    torch.manual_seed(2021)
    x = torch.rand((10, 1))
    y = 2 * x + 2 * torch.empty((10, 1)).normal_(mean=0, std=1)
    assert torch.equal(d.x, x) and torch.equal(d.y, y)
