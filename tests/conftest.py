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
