"""The benchmarks' way to watch a terminal program: run it in a detached tmux pane and read the
pane at a fixed interval, as a person (or an asciinema recording) would see it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator


def pane_captures(command: str, size: tuple[int, int], every_s: float, limit_s: float,
                  server: str) -> Iterator[tuple[float, str]]:
    """Launch `command` (a shell line) in a `size` pane of tmux server `server` (one of its own,
    so no other session's environment leaks in), then yield (seconds since launch, pane text)
    every `every_s` until the pane's program exits or `limit_s` passes. The server is killed
    when the captures end or the caller stops reading (close the generator)."""
    tmux = ["tmux", "-L", server]
    t0 = time.monotonic()
    subprocess.run([*tmux, "new", "-d", "-s", "bench", "-x", str(size[0]), "-y", str(size[1]), command],
                   check=True)
    try:
        while time.monotonic() - t0 < limit_s:
            pane = subprocess.run([*tmux, "capture-pane", "-p", "-t", "bench"], capture_output=True,
                                  text=True)
            if pane.returncode:  # the session ended with the program
                return
            yield time.monotonic() - t0, pane.stdout
            time.sleep(every_s)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
