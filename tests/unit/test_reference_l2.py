"""regtui's l1/l2 settings equal the tutorial's own train() with reg_function1/2 and lambda, bit for bit.

The reference's train() is copied verbatim from the tutorial (lines 351-389 of
/work/shared/reference/regularization-tutorial.txt). Its penalties are the course's l1_reg and
l2_reg (the next tutorial's definitions: a loop over model.parameters(), biases included).
"""

import pytest
import torch
from torch import optim
from torch.utils.data import DataLoader, TensorDataset

from regtui.engine.classify import ClassifyTask
from regtui.engine.config import from_mapping
from regtui.models.nets import BigAnimalNet
from regtui.system.seeding import set_seed
from tests.reference_code import train  # the tutorial's train(), verbatim


def l1_reg(model):
  l1 = 0.0
  for param in model.parameters():
    l1 += torch.sum(torch.abs(param))
  return l1


def l2_reg(model):
  l2 = 0.0
  for param in model.parameters():
    l2 += torch.sum(torch.abs(param)**2)
  return l2


EPOCHS = 15


def _reference_weights(cfg, args, reg1, reg2):
    """The tutorial's main(): same data, model seeded as it seeds it, its SGD, its train()."""
    data = ClassifyTask(cfg, torch.device("cpu")).data  # regtui's split and labels (tested elsewhere)
    loader = DataLoader(TensorDataset(data.x_train, data.y_train), batch_size=cfg.batch_size)
    set_seed(cfg.seed)
    model = BigAnimalNet(data.in_features, len(data.classes))
    optimizer = optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
    for _ in range(EPOCHS):
        train({"device": "cpu", **args}, model, loader, optimizer, reg1, reg2)
    return model.state_dict()


@pytest.mark.parametrize(("settings", "args", "regs"), [
    ({"l2": 0.05}, {"lambda": 0.05}, (l2_reg, None)),
    ({"l1": 1e-3}, {"lambda": 1e-3}, (l1_reg, None)),
    ({"l1": 1e-3, "l2": 0.05}, {"lambda1": 1e-3, "lambda2": 0.05}, (l1_reg, l2_reg)),
])
def test_penalties_equal_the_reference_train_exactly(settings, args, regs):
    cfg = from_mapping({"labels": "partial", "epochs": EPOCHS, "device": "cpu", **settings}, "test")
    task = ClassifyTask(cfg, torch.device("cpu"))
    for epoch in range(1, EPOCHS + 1):
        task.step(epoch)
    ours = task.model.state_dict()
    ref = _reference_weights(cfg, args, *regs)
    assert ours.keys() == ref.keys()
    for key in ours:
        assert torch.equal(ours[key], ref[key]), key
