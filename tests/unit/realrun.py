"""Start `python -m regtui run ...` as a real process and watch its output, for signal tests."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time


def default_sigint() -> None:
    """In the child: SIGINT, SIGTERM and SIGHUP back to their defaults, even when pytest runs as
    a background job or under nohup (`pytest &` inherits SIGINT as ignored, `nohup pytest`
    SIGHUP, and regtui keeps inherited ignores on purpose: the tests send them)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


class RealRun:
    """A regtui process with its combined output collected by one reader thread."""

    def __init__(self, *args: str, ignore_sigint: bool = False) -> None:
        preexec = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint \
            else default_sigint
        self.proc = subprocess.Popen([sys.executable, "-m", "regtui", "run", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     preexec_fn=preexec)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout),
                                        daemon=True)
        self._reader.start()

    def wait_for(self, text: str, timeout: float = 120) -> None:
        """Block until a line containing `text` was printed."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in list(self.lines)):
            assert time.monotonic() < deadline and self.proc.poll() is None, self.output
            time.sleep(0.02)

    def finish(self, timeout: float = 60) -> int:
        """Wait for the process to end; return its exit code."""
        try:
            self.proc.wait(timeout=timeout)
            self._reader.join(timeout=10)
        finally:
            self.proc.kill()
        return self.proc.returncode

    @property
    def output(self) -> str:
        return "".join(self.lines)


def process_alive(pid: int) -> bool:
    """True while `pid` runs (Linux /proc; a zombie, exited but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
