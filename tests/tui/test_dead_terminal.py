"""The app ends within seconds when its terminal dies or a signal comes in mid-training.

Issue 16, item 17: closing the terminal left the app deadlocked for good (Textual's writer
thread died of EIO, its bounded queue filled, the UI thread blocked in `put`) and SIGTERM could
not end it. Each test runs the real app on a pty of its own, lets the overfitting preset train,
then ends it one way and expects the process gone within seconds, with exit code 130.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from functools import partial
from pathlib import Path

from regtui.tui.exit_guard import TerminalFile
from tests.unit.realrun import process_alive

ROOT = Path(__file__).resolve().parents[2]
GONE_WITHIN_S = 10.0  # the exit guard's grace (3 s) and poll (0.5 s), with room for a busy machine
START_WITHIN_S = 90.0  # python, textual and torch imported, the first epochs trained
TRAINING = re.compile(rb"\d+/\d+ +train loss")  # the status line once epochs come in
ESCAPE = re.compile(rb"\x1b\[[0-9;?<>=$]*[A-Za-z~]")


def _child(controlling: bool) -> None:
    """In the child, before exec: default SIGHUP, SIGTERM and SIGINT (pytest may run under nohup
    or in the background, and regtui keeps signals inherited as ignored); with `controlling`,
    the pty becomes its controlling terminal, so closing the master sends SIGHUP and SIGCONT
    as a closed tmux pane or a dropped SSH connection does."""
    for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    if controlling:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyApp:
    """`regtui tui overfitting --autostart` on a 120x40 pty; a thread reads its screen."""

    def __init__(self, cwd: Path, controlling: bool = True) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": path}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "regtui", "tui", "overfitting", "--autostart", "--threads", "1"],
            stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True,
            preexec_fn=partial(_child, controlling))
        os.close(slave)
        self.output = bytearray()
        self.mark = 0  # a place in the output
        self.reading = threading.Event()  # clear: the terminal stalls (nothing reads it)
        self.reading.set()
        self.drained = threading.Event()  # the app's output is all read: it has ended
        self._close = threading.Event()  # the reader closes the master: no read is under way
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while not self._close.is_set():
                if not self.reading.is_set() or not select.select([self.master], [], [], 0.05)[0]:
                    time.sleep(0.01)
                    continue
                data = os.read(self.master, 65536)
                if not data:
                    break
                self.output += data
        except OSError:  # EIO: every copy of the slave is closed (the app has ended)
            self.drained.set()
        self._close.wait()
        os.close(self.master)

    def close_master(self) -> None:
        """Close the terminal's side of the pty, as tmux kill-session or sshd does."""
        self._close.set()
        self._reader.join()

    def wait_for(self, pattern: re.Pattern[bytes] | bytes, timeout: float = START_WITHIN_S) -> None:
        """Wait until `pattern` is drawn (or was, just before the call)."""
        pattern = re.compile(re.escape(pattern)) if isinstance(pattern, bytes) else pattern
        deadline, seen = time.monotonic() + timeout, max(0, len(self.output) - 4096)
        while not pattern.search(ESCAPE.sub(b"", bytes(self.output[seen:]))):
            assert self.proc.poll() is None, f"the app ended ({self.proc.returncode}) before {pattern}"
            assert time.monotonic() < deadline, f"no {pattern.pattern!r} on screen in {timeout} s"
            seen = max(seen, len(self.output) - 4096)  # look again at what came since, and a tail
            time.sleep(0.05)

    def children(self) -> set[int]:
        """The app's child processes now (its training process)."""
        found: set[int] = set()
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                found |= {int(pid) for pid in (task / "children").read_text().split()}
        return found

    def gone_within(self, seconds: float) -> int | None:
        """The exit code if the process ends within `seconds`, else None."""
        try:
            return self.proc.wait(timeout=max(seconds, 0.01))
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close_master()


def hang_up(app: PtyApp) -> None:
    app.close_master()


def hang_up_under_the_quit_dialog(app: PtyApp) -> None:
    os.write(app.master, b"q")
    app.wait_for(b"stop it and quit?", timeout=30)
    app.close_master()


def sigterm(app: PtyApp) -> None:
    assert not termios.tcgetattr(app.master)[3] & termios.ICANON  # raw while the app runs
    app.mark = len(app.output)
    app.proc.send_signal(signal.SIGTERM)


def sigterm_while_nobody_reads(app: PtyApp) -> None:
    """The terminal is alive but stalled (a frozen SSH link): the app's writes block."""
    app.reading.clear()
    time.sleep(2.0)  # a few frames fill the pty's buffer; Textual's writer thread blocks
    app.proc.send_signal(signal.SIGTERM)


# name: (the pty is the app's controlling terminal, how its run ends)
ENDINGS = {
    # the reported repro, q then tmux kill-session: SIGHUP and SIGCONT, then EIO on every write
    "hang-up-under-quit-dialog": (True, hang_up_under_the_quit_dialog),
    "dead-pty-no-signal": (False, hang_up),  # no controlling terminal: only EIO, no signal
    "sigterm": (True, sigterm),  # quits through Textual, which restores the terminal
    "sigterm-while-nobody-reads": (True, sigterm_while_nobody_reads),  # the quit cannot finish
}


def test_every_way_out_ends_the_app_within_seconds(tmp_path):
    """All endings at once, each app on its own pty: the imports overlap on two cores."""
    apps = {name: PtyApp(tmp_path, controlling) for name, (controlling, _) in ENDINGS.items()}
    ended: dict[str, float] = {}
    errors: dict[str, BaseException] = {}

    children: dict[str, set[int]] = {}

    def end(name: str) -> None:
        try:
            apps[name].wait_for(TRAINING)
            children[name] = apps[name].children()
            ENDINGS[name][1](apps[name])
            ended[name] = time.monotonic()
        except BaseException as exc:
            errors[name] = exc

    try:
        threads = [threading.Thread(target=end, args=(name,)) for name in apps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        codes = {name: app.gone_within(ended[name] + GONE_WITHIN_S - time.monotonic())
                 for name, app in apps.items()}
        assert codes == dict.fromkeys(apps, 130), f"{GONE_WITHIN_S} s on (None: still running): {codes}"
        assert all(children.values()), f"no training process: {children}"  # it trained there
        deadline = time.monotonic() + GONE_WITHIN_S
        while (left := {p for pids in children.values() for p in pids if process_alive(p)}) and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        assert not left, f"training processes outlived their app: {left}"
        app = apps["sigterm"]
        assert app.drained.wait(5)
        assert b"\x1b[?1049l" in app.output[app.mark:]  # left the alternate screen
        lflag = termios.tcgetattr(app.master)[3]
        assert lflag & termios.ICANON and lflag & termios.ECHO, "the terminal was left raw"
    finally:
        for app in apps.values():
            app.kill()


def test_textuals_writer_thread_outlives_a_dead_terminal():
    """The root cause in miniature: writes failing with EIO must not leave the bounded queue
    without a reader (with the bare file the writes below block for good)."""
    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    class HungUp(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.EIO, "Input/output error")

    lost: list[bool] = []
    writer = WriterThread(TerminalFile(HungUp(), lambda: lost.append(True)))
    writer.start()
    done = threading.Event()

    def write_frames() -> None:
        for _ in range(10 * MAX_QUEUED_WRITES):
            writer.write("a frame")
        writer.stop()
        done.set()

    threading.Thread(target=write_frames, daemon=True).start()
    assert done.wait(10), "a write blocked: the queue is full and nothing drains it"
    assert lost == [True]  # reported once
