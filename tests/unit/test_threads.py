"""The CPU thread policy: sleeping OpenMP threads, as many threads as idle cores, --threads wins."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.system import threads


def test_wait_policy_is_set_only_when_the_user_did_not(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    threads.configure_openmp()
    assert threads.os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    threads.configure_openmp()
    assert threads.os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_the_entry_point_can_set_it_before_torch_loads():
    """OpenMP reads its environment when torch is imported: importing the CLI must not import torch."""
    code = "import sys, regtui.cli.main; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_threads_follow_idle_cores_and_keep_one_for_the_ui(monkeypatch):
    before = torch.get_num_threads()
    try:
        most = torch.get_num_threads()
        monkeypatch.setattr(threads, "idle_cores", lambda: 0.9)  # another process has the other core
        assert threads.auto_threads() == 1
        assert threads.auto_threads(reserve=1) == 1  # never fewer than one
        monkeypatch.setattr(threads, "idle_cores", lambda: 64.0)
        assert threads.auto_threads() == most  # never more than torch's own default
        assert threads.set_threads(3) == 3 and torch.get_num_threads() == 3  # explicit wins
    finally:
        torch.set_num_threads(before)


def test_idle_cores_is_within_the_usable_cores():
    assert 0.0 <= threads.idle_cores(0.02) <= len(threads.os.sched_getaffinity(0))


def test_help_says_what_the_default_is():
    help_text = CliRunner().invoke(app, ["run", "--help"]).output
    words = " ".join(w for w in help_text.split() if w != "│")  # undo rich's wrapping in a box
    assert "the cores idle at start, at least 1" in words
    assert "--fused" in words and "no longer equal the reference's" in words


def test_an_early_sample_counts_the_import_as_idle_and_saves_the_wait(monkeypatch):
    """start_idle_sample at the entry point: idle_cores then reads without sleeping, and this
    process's own CPU time since (importing torch) is not taken for other work."""
    ticks = threads.os.sysconf("SC_CLK_TCK")
    readings = iter([(1000, 4000), (1000 + 2 * ticks, 4000 + 4 * ticks)])  # 2 s idle of 4 s
    monkeypatch.setattr(threads, "_cpu_times", lambda: next(readings))
    own = iter([10.0, 11.0])  # this process used 1 CPU second meanwhile
    monkeypatch.setattr(threads, "_own_cpu_s", lambda: next(own))
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda _: {0, 1})
    monkeypatch.setattr(threads.time, "sleep", lambda s: pytest.fail("slept"))
    threads.start_idle_sample()
    monotonic = threads.time.monotonic() + 1.0
    monkeypatch.setattr(threads.time, "monotonic", lambda: monotonic)
    assert threads.idle_cores() == pytest.approx(1.5)  # (2 idle + 1 own) / 4 of 2 cores
    assert threads._early is None  # used once
