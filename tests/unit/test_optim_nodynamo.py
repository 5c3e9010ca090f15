"""regtui steps torch's own optimizers without loading torch._dynamo, with torch's numbers.

regtui.engine.optim skips the two wrappers by which torch's optimizers import torch._dynamo
(~2 s). Each case trains the same model for many steps in two fresh processes: one through
regtui's path, which must not load torch._dynamo, and one through torch's usual path
(torch._dynamo imported first, `opt.zero_grad(); opt.step()`). Weights and optimizer state
must be equal bit for bit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STEPS = 300

SCRIPT = r"""
import hashlib, json, sys
import torch
if sys.argv[1] == "torch":
    import torch._dynamo  # torch's usual path: its wrappers run as they always do
from torch import nn
import torch.nn.functional as F
from regtui.engine.config import from_mapping
from regtui.engine.optim import make_optimizer, optimizer_step

torch.set_num_threads(1)
cfg = from_mapping(json.loads(sys.argv[2]), where="test")
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
x, y = torch.randn(256, 64), torch.randint(0, 10, (256,))
opt = make_optimizer(cfg, model)
for i in range(STEPS):
    xb, yb = x[i % 4 * 64:(i % 4 + 1) * 64], y[i % 4 * 64:(i % 4 + 1) * 64]
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(model(xb), yb).backward()
    if sys.argv[1] == "torch":
        opt.step()
    else:
        optimizer_step(opt)
h = hashlib.sha256()
for t in [*model.state_dict().values(),
          *(v for s in opt.state.values() for v in s.values() if torch.is_tensor(v))]:
    h.update(t.detach().contiguous().numpy().tobytes())
print(json.dumps({"hash": h.hexdigest(), "dynamo": "torch._dynamo" in sys.modules,
                  "loss": float(F.cross_entropy(model(x), y))}))
""".replace("STEPS", str(STEPS))


def _train(path: str, settings: dict) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, path, json.dumps(settings)], env=env,
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("settings", [
    {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 0.0},
    {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 5e-3},
    {"optimizer": "adam", "lr": 1e-3, "weight_decay": 0.0},
    {"optimizer": "adam", "lr": 1e-3, "weight_decay": 1e-2},
    {"optimizer": "adam", "lr": 1e-3, "weight_decay": 1e-2, "fused": True},
], ids=["sgd-momentum", "sgd-momentum-wd", "adam", "adam-wd", "adam-fused-wd"])
def test_steps_equal_torch_without_loading_dynamo(settings):
    ours, torchs = _train("regtui", settings), _train("torch", settings)
    assert not ours["dynamo"], "regtui's optimizer path loaded torch._dynamo"
    assert torchs["dynamo"]
    assert ours["hash"] == torchs["hash"], (ours, torchs)


TRAINER = r"""
import hashlib, json, sys
import torch
if sys.argv[1] == "torch":
    import torch._dynamo  # regtui then takes torch's own path, the one test_reference checks
from regtui.engine.config import from_mapping
from regtui.engine import Trainer

torch.set_num_threads(1)
result = Trainer(from_mapping(json.loads(sys.argv[2]), where="test")).run()
h = hashlib.sha256()
for t in result.final_state.values():
    h.update(t.contiguous().numpy().tobytes())
print(json.dumps({"hash": h.hexdigest(), "dynamo": "torch._dynamo" in sys.modules,
                  "losses": [r.train_loss for r in result.history]}))
"""


@pytest.mark.parametrize("settings", [
    {"model": "big_animal_net", "labels": "random", "epochs": 30, "lr": 5e-3, "momentum": 0.9},
    {"dataset": "toy", "model": "net", "optimizer": "adam", "lr": 1e-3, "epochs": 300},
], ids=["memorization-sgd", "toy-adam"])
def test_the_engine_trains_as_on_torchs_path(settings):
    """The engine end to end (the tutorial's runs): its fast path gives, bit for bit, what it
    gives on torch's own path, which tests/unit/test_reference.py compares with the tutorial."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = {}
    for path in ("regtui", "torch"):
        done = subprocess.run([sys.executable, "-c", TRAINER, path, json.dumps(settings)], env=env,
                              capture_output=True, text=True, check=True, timeout=300)
        out[path] = json.loads(done.stdout.splitlines()[-1])
    assert not out["regtui"]["dynamo"] and out["torch"]["dynamo"]
    assert out["regtui"]["hash"] == out["torch"]["hash"]
    assert out["regtui"]["losses"] == out["torch"]["losses"]
