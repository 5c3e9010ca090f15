"""Shared test settings: CPU only, one sleeping torch thread, no network."""

import os

# As regtui's own entry point does: idle OpenMP threads sleep instead of spinning, so a busy
# machine (CI beside other jobs) does not stall the suite. Must precede the torch import.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import pytest
import torch

# The models are tiny: one thread is as fast as two on a quiet machine and far faster on a
# loaded one, and the numbers do not depend on how busy the neighbours are.
torch.set_num_threads(1)


@pytest.fixture
def cpu_cfg():
    """A quick classification config on CPU (the embedded digits)."""
    from regtui.engine.config import from_mapping

    def make(**kw):
        base = {"device": "cpu", "epochs": 5, "name": "t"}
        return from_mapping({**base, **kw}, where="test")

    return make


@pytest.fixture
def fail_at_epoch(monkeypatch):
    """Make classification training raise a RuntimeError (like CUDA OOM) at a given epoch."""
    from regtui.engine.classify import ClassifyTask

    def arm(epoch: int, message: str = "CUDA out of memory (simulated)") -> None:
        real_step = ClassifyTask.step

        def failing_step(self, e):
            if e == epoch:
                raise RuntimeError(message)
            return real_step(self, e)

        monkeypatch.setattr(ClassifyTask, "step", failing_step)

    return arm
