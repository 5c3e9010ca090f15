"""CUDA's initialisation overlaps with the data load where a GPU is present (none on CI: faked)."""

from __future__ import annotations

import threading

import torch

from regtui.system import devices


def test_with_a_gpu_cuda_initialises_on_a_daemon_thread(monkeypatch):
    called = []
    done = threading.Event()

    def init():
        called.append(threading.current_thread())
        done.set()
        raise RuntimeError("driver too old")  # left to training's own first CUDA call to say

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "init", init)
    devices.warm_cuda()
    assert done.wait(60)
    assert called[0] is not threading.main_thread() and called[0].daemon


def test_without_a_gpu_nothing_starts(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "init", lambda: (_ for _ in ()).throw(AssertionError("init")))
    before = threading.active_count()
    devices.warm_cuda()
    assert threading.active_count() == before
