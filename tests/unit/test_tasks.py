"""The declared Task seam: one registry answers what front ends ask of a task."""

import pytest

from regtui.data.sources import DATASETS
from regtui.engine import TASKS, Trainer
from regtui.models.nets import MODELS
from regtui.tui.form import paired


def test_every_model_and_data_set_names_a_registered_task():
    assert {s.task for s in MODELS.values()} | {s.task for s in DATASETS.values()} <= set(TASKS)


def test_each_task_says_what_it_measures(cpu_cfg):
    image = Trainer(cpu_cfg(epochs=1))
    toy = Trainer(cpu_cfg(model="net", dataset="toy", optimizer="adam", epochs=1))
    assert image.kind.has_accuracy and image.run().last.train_acc is not None
    assert not toy.kind.has_accuracy and toy.run().last.train_acc is None
    assert toy.kind.has_curve and toy.info.x_test is not None and image.info.x_test is None
    assert image.info.layers[0].shape[1] == image.kind.in_features(image.cfg)
    assert toy.info.layers[0].shape[1] == toy.kind.in_features(toy.cfg) == 1


@pytest.mark.parametrize("changed, model, data, expected", [
    ("model", "net", "digits", ("net", "toy")),  # the toy Net trains on the toy data only
    ("model", "animal_net", "toy", ("animal_net", "digits")),  # back to the default data set
    ("data", "big_animal_net", "toy", ("net", "toy")),
    ("data", "net", "afhq", ("big_animal_net", "afhq")),  # back to the default model
    ("model", "animal_net", "afhq", ("animal_net", "afhq")),  # already consistent: unchanged
])
def test_the_form_pairs_models_and_data_by_their_task(changed, model, data, expected):
    assert paired(changed, model, data) == expected
