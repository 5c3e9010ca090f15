"""Shared test settings: CPU only, small thread count, no network."""

import os

import pytest
import torch

os.environ.setdefault("NO_COLOR", "1")
torch.set_num_threads(2)


@pytest.fixture
def cpu_cfg():
    """A quick classification config on CPU (the embedded digits)."""
    from regtui.config import from_mapping

    def make(**kw):
        base = {"device": "cpu", "epochs": 5, "name": "t"}
        return from_mapping({**base, **kw}, where="test")

    return make
