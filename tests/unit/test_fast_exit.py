"""The entry point leaves without the interpreter's teardown once torch is loaded, losing nothing.

Tearing down torch's modules costs ~0.5 s at the end of every run (regtui.cli.exits.leave). The
child below has a global whose finalizer would print at that teardown: it must not print, while
the exit handlers run, stdout holds the whole JSON document, the run folders are finished and
the exit code is the command's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = ("import atexit, sys\n"
         "class Torn:\n"
         "    def __del__(self): print('torn down', file=sys.stderr)\n"
         "kept = Torn()\n"
         "atexit.register(lambda: print('dynamo' if 'torch._dynamo' in sys.modules else 'no dynamo',"
         " file=sys.stderr))\n"
         "from regtui.cli.entry import main\n"
         "main()\n")


def _regtui(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_run_ends_without_teardown_and_loses_nothing(tmp_path):
    done = _regtui("run", "quick", "--epochs", "2", "--json", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [r["stop_reason"] for r in doc["runs"]] == ["finished", "finished"]
    for name in ("true", "random"):
        folder = Path(doc["run_dir"]) / name
        assert (folder / "status").read_text() == "finished\n"
        assert (folder / "final.pt").is_file() and (folder / "summary.json").is_file()
    assert "torn down" not in done.stderr  # no interpreter teardown
    assert done.stderr.strip().endswith("no dynamo")  # atexit handlers ran; torch._dynamo never loaded


def test_an_error_after_torch_loaded_keeps_its_code_and_message(tmp_path):
    (tmp_path / "file").write_text("")
    done = _regtui("run", "quick", "--epochs", "2", "--out", str(tmp_path / "file" / "out"))
    assert done.returncode == 2, done.stderr
    assert "Error: cannot write run folders" in done.stderr and "Traceback" not in done.stderr
    assert "torn down" not in done.stderr


def test_commands_without_torch_exit_as_python_does():
    done = _regtui("presets")
    assert done.returncode == 0 and "quick" in done.stdout
    assert "torn down" in done.stderr  # no torch: the ordinary exit, nothing to save there
