"""How every command ends when its output cannot be written: a reader that went away (141,
silent) or a full disk (1, naming standard output); and the one error mapping behind it."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regtui.cli.exits import exit_for
from regtui.cli.main import app
from regtui.system.errors import EXPECTED, RegtuiError
from tests.unit.realrun import default_sigint

# Every command that prints, and click's own printing (help, version), and the errors of
# commands (on stderr): each with its stdout's (and stderr's) reader gone before it writes.
PRINTING = [["presets"], ["data", "list"], ["norms", "animal_net"], ["--help"], ["--version"],
            ["run", "--help"], ["sweep", "--help"], ["show", "--help"], ["data", "fetch", "--help"],
            ["data", "list", "--help"], ["show", "/no/such/folder"], ["run", "nope"],
            ["data", "fetch", "nope"], ["run", "quick", "--epochs", "0"]]


def regtui(args: list[str], tmp_path: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "REGTUI_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "regtui", *args], env=env, cwd=tmp_path,
                          preexec_fn=default_sigint, timeout=300, **kwargs)


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_every_command_exits_141_quietly_when_the_reader_is_gone(args, tmp_path):
    read, write = os.pipe()
    os.close(read)  # `| head -0`: the reader has left before the first line
    try:
        done = regtui(args, tmp_path, stdout=write, stderr=write)
    finally:
        os.close(write)
    assert done.returncode == 141


@pytest.mark.parametrize("args", [["presets"], ["--help"], ["run", "--help"], ["data", "list"]],
                         ids=" ".join)
def test_a_reader_gone_from_stdout_only_leaves_stderr_silent(args, tmp_path):
    read, write = os.pipe()
    os.close(read)
    try:
        done = regtui(args, tmp_path, stdout=write, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write)
    assert done.returncode == 141 and done.stderr == ""  # no traceback, no "Exception ignored"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["presets"], ["--version"], ["run", "--help"],
                                  ["run", "quick", "--epochs", "2", "--device", "cpu", "--out", "runs"]],
                         ids=" ".join)
def test_a_full_stdout_names_standard_output_not_a_folder(args, tmp_path):
    with open("/dev/full", "w") as full:
        done = regtui(args, tmp_path, stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot write to standard output: No space left on device")
    assert "folder" not in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


class NotOurs(Exception):
    """An error outside regtui's hierarchy: a bug."""


@pytest.mark.parametrize(("exc", "expected"), [
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), (None, 141)),
    (OSError(errno.EPIPE, "Broken pipe"), (None, 141)),
    (RegtuiError("bad value"), ("bad value", 2)),
    (PermissionError(errno.EACCES, "Permission denied", "/ro/runs"),
     ("/ro/runs: Permission denied; check its permissions or choose another folder", 1)),
    (OSError(errno.ENOSPC, "No space left on device", "/full/x"),
     ("/full/x: No space left on device; free some space or choose another folder", 1)),
])
def test_one_mapping_from_errors_to_messages_and_exit_codes(exc, expected):
    assert isinstance(exc, EXPECTED)
    assert exit_for(exc) == expected


def test_a_bug_is_not_mapped_away():
    assert exit_for(NotOurs("x")) is None
    assert exit_for(KeyError("x")) is None


def test_every_command_ends_through_the_mapping(monkeypatch):
    """An error class outside the ones a command catches by hand (item 19 of issue 16): every
    command turns an OSError escaping from its body into one line and exit 1, not a traceback."""
    import functools

    def walk(typer_app, prefix=()):
        for info in typer_app.registered_commands:
            yield (*prefix, info.name or info.callback.__name__), info
        for group in typer_app.registered_groups:
            yield from walk(group.typer_instance, (*prefix, group.name))

    arguments = {("run",): ["quick"], ("sweep",): ["quick", "--grid", "epochs=1"],
                 ("norms",): ["net"], ("show",): ["x"], ("fetch",): ["afhq"]}
    commands = list(walk(app))
    assert sorted(" ".join(path) for path, _ in commands) == [
        "data fetch", "data list", "norms", "presets", "run", "show", "sweep", "tui"]
    for path, info in commands:
        def broken(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", "/somewhere")

        monkeypatch.setattr(info, "callback", functools.wraps(info.callback)(broken))
        words = [*path, *arguments.get(path[-1:], [])]
        result = CliRunner().invoke(app, words, catch_exceptions=False)
        assert result.exit_code == 1, (path, result.output)
        assert "Error: /somewhere: Permission denied" in result.output, path


@pytest.fixture
def restored_signals():
    """The guard leaves a signal ignored after a burst (the process is about to exit); a test
    process lives on, so put the handlers back."""
    import signal

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    for sig in (signal.SIGTERM, signal.SIGHUP):  # under nohup SIGHUP comes inherited as ignored,
        signal.signal(sig, signal.SIG_DFL)  # which regtui keeps on purpose: these tests send it
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.parametrize(("args", "target"), [
    (["presets"], "regtui.experiments.presets.preset_paths"),
    (["data", "list"], "regtui.data.cache.local_path"),
    (["norms", "animal_net"], "regtui.models.norms.seeded_norms"),
    (["show", "somewhere"], "regtui.experiments.follow.Follower")],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_ends_every_command_as_130_with_one_line(args, target, name, monkeypatch,
                                                          restored_signals):
    import signal

    def signalled(*a, **kw):  # the signal arrives while the command works
        os.kill(os.getpid(), getattr(signal, name))
        raise AssertionError("the signal did not stop the command")

    monkeypatch.setattr(target, signalled)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 130, result.output
    assert result.output.splitlines()[-1] == f"Interrupted by {name}."
    assert "Traceback" not in result.output
