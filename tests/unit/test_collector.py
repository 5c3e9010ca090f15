"""The console script holds Python's garbage collector back through its imports and torch's, and
gives it back when the work begins (regtui.system.collector): startup is faster, and a long run
or app session collects as Python always does."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from regtui.system.collector import STARTUP_THRESHOLDS, held, hold, release

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def thresholds():
    """Python's thresholds and no frozen objects again after the test, whatever it did."""
    before = gc.get_threshold()
    yield before
    release()
    gc.unfreeze()
    gc.set_threshold(*before)


def test_hold_raises_the_thresholds_and_release_gives_them_back_frozen(thresholds):
    hold()
    assert held() and gc.get_threshold() == STARTUP_THRESHOLDS
    hold()  # a second hold changes nothing: release still restores the first thresholds
    release()
    assert not held() and gc.get_threshold() == thresholds
    assert gc.get_freeze_count() > 0  # what startup built is out of every later scan
    frozen = gc.get_freeze_count()
    release()  # released already (or never held, as in the Python API): nothing happens
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == frozen


CHILD = ("import atexit, gc, json, sys\n"
         "atexit.register(lambda: print(json.dumps({'threshold': gc.get_threshold(), 'frozen': "
         "gc.get_freeze_count(), 'collections': sum(s['collections'] for s in gc.get_stats())}), "
         "file=sys.stderr))\n"
         "from regtui.cli.entry import main\n"
         "main()\n")


def test_a_headless_run_imports_with_it_held_and_trains_with_it_released(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHILD, "run", "quick", "--epochs", "2", "--json",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert [r["stop_reason"] for r in json.loads(done.stdout)["runs"]] == ["finished", "finished"]
    state = json.loads(done.stderr.strip().splitlines()[-1])
    assert tuple(state["threshold"]) == gc.get_threshold()  # Python's own again for the runs
    assert state["frozen"] > 100_000  # startup's objects (torch's among them) frozen at release
    # Held, the imports ran a handful of collections; Python's thresholds run ~480 (measured).
    assert state["collections"] < 100
