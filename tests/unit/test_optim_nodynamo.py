"""regtui steps torch's own optimizers without loading torch._dynamo, with torch's numbers.

regtui.engine.optim skips the two wrappers by which torch's optimizers import torch._dynamo
(~2 s). Every case trains the same model for many steps in each of two fresh processes: one through
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
from regtui.engine import Trainer
from regtui.engine.config import from_mapping
from regtui.engine.optim import make_optimizer, optimizer_step

torch.set_num_threads(1)


def digest(tensors):
    h = hashlib.sha256()
    for t in tensors:
        h.update(t.detach().contiguous().numpy().tobytes())
    return h.hexdigest()


def steps(cfg):
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
    state = (v for s in opt.state.values() for v in s.values() if torch.is_tensor(v))
    return {"hash": digest([*model.state_dict().values(), *state]),
            "loss": float(F.cross_entropy(model(x), y))}


def engine(cfg):
    result = Trainer(cfg).run()
    return {"hash": digest(result.final_state.values()),
            "losses": [r.train_loss for r in result.history]}


out = {}
for name, (kind, settings) in json.loads(sys.argv[2]).items():
    cfg = from_mapping(settings, where="test")
    out[name] = {**(steps(cfg) if kind == "steps" else engine(cfg)),
                 "dynamo": "torch._dynamo" in sys.modules}
print(json.dumps(out))
""".replace("STEPS", str(STEPS))

STEP_CASES = {
    "sgd-momentum": {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 0.0},
    "sgd-momentum-wd": {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 5e-3},
    "adam": {"optimizer": "adam", "lr": 1e-3, "weight_decay": 0.0},
    "adam-wd": {"optimizer": "adam", "lr": 1e-3, "weight_decay": 1e-2},
    "adam-fused-wd": {"optimizer": "adam", "lr": 1e-3, "weight_decay": 1e-2, "fused": True},
}
ENGINE_CASES = {  # the tutorial's runs, end to end
    "memorization-sgd": {"model": "big_animal_net", "labels": "random", "epochs": 30, "lr": 5e-3,
                         "momentum": 0.9},
    "toy-adam": {"dataset": "toy", "model": "net", "optimizer": "adam", "lr": 1e-3, "epochs": 300},
}


@pytest.fixture(scope="module")
def trained() -> dict[str, dict]:
    """Every case, trained once on each path: two fresh processes, side by side. The "dynamo"
    flag is read after each case, so a case that loads torch._dynamo fails itself and those
    after it, never one before it."""
    cases = {**{k: ("steps", v) for k, v in STEP_CASES.items()},
             **{k: ("engine", v) for k, v in ENGINE_CASES.items()}}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = {path: subprocess.Popen([sys.executable, "-c", SCRIPT, path, json.dumps(cases)],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
             for path in ("regtui", "torch")}
    out = {}
    for path, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr
        out[path] = json.loads(stdout.splitlines()[-1])
    return out


@pytest.mark.parametrize("case", list(STEP_CASES))
def test_steps_equal_torch_without_loading_dynamo(trained, case):
    ours, torchs = trained["regtui"][case], trained["torch"][case]
    assert not ours["dynamo"], "regtui's optimizer path loaded torch._dynamo"
    assert torchs["dynamo"]
    assert ours["hash"] == torchs["hash"], (ours, torchs)


@pytest.mark.parametrize("case", list(ENGINE_CASES))
def test_the_engine_trains_as_on_torchs_path(trained, case):
    """The engine end to end: its fast path gives, bit for bit, what it gives on torch's own
    path, which tests/unit/test_reference.py compares with the tutorial."""
    ours, torchs = trained["regtui"][case], trained["torch"][case]
    assert not ours["dynamo"] and torchs["dynamo"]
    assert ours["hash"] == torchs["hash"]
    assert ours["losses"] == torchs["losses"]
