"""Shared test settings: CPU only, two torch threads, no network."""

import pytest
import torch

torch.set_num_threads(2)


@pytest.fixture
def cpu_cfg():
    """A quick classification config on CPU (the embedded digits)."""
    from regtui.config import from_mapping

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
