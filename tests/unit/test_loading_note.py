"""`regtui run` says what it does before its first epoch on a terminal, and only there.

On a terminal: "loading torch…", then "loading data…", then the first run's start line; each
note gives way to what follows it. Piped to a log: plain lines, no note, no control code.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["run", "quick", "--epochs", "2", "--no-plot"]


def _on_a_terminal(out: Path) -> str:
    """Everything `regtui run` writes to a pseudo-terminal until it exits."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: regtui on the terminal
        os.environ.update(TERM="xterm-256color", PYTHONPATH=str(ROOT))
        os.execv(sys.executable, [sys.executable, "-m", "regtui", *ARGS, "--out", str(out)])
    seen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal: it has ended
                break
            if not chunk:
                break
            seen += chunk
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace")


def test_a_terminal_is_told_torch_then_data_load_before_the_first_run(tmp_path):
    text = _on_a_terminal(tmp_path)
    torch_at, data_at = text.find("loading torch…"), text.find("loading data…")
    start_at = text.find("[true] big_animal_net")
    assert -1 < torch_at < data_at < start_at, text[:2000]
    # the note is erased (back to the line's start, cleared) before the first line replaces it
    assert text[torch_at:].split("quick:", 1)[0].endswith("\r\x1b[2K"), text[:400]


def test_a_piped_log_stays_plain(tmp_path):
    done = subprocess.run([sys.executable, "-m", "regtui", *ARGS, "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    log = done.stdout + done.stderr
    assert "loading" not in log and "\x1b" not in log and "\r" not in log
    assert log.startswith("quick: ")
