"""Fixtures for driving the real app: small presets and a helper that waits for training."""

import asyncio
import time

import pytest
import torch  # noqa: F401  the app loads torch in the background; here it is ready at mount

SMALL = """# A small two-run preset for tests: true vs random labels, a handful of epochs.
description = "test preset"

[defaults]
model = "big_animal_net"
epochs = 12
device = "cpu"

[[runs]]
name = "true"
labels = "true"

[[runs]]
name = "random"
labels = "random"
"""


@pytest.fixture(autouse=True)
def truecolor(monkeypatch):
    """Colours as in a truecolor terminal, whatever TERM the tests run under: the charts choose
    their palette by the terminal's colour system (a test of 16 colours sets "standard")."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


@pytest.fixture
def small_preset(tmp_path):
    """Path to a two-run, 12-epoch preset."""
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return str(path)


WAIT_AT_LEAST_S = 120.0  # a failure bound only: a loaded machine is slower, never wrong


async def wait_until(predicate, timeout: float = 60.0, step: float = 0.05) -> None:
    """Let the app run until `predicate()` holds (fail after `timeout` seconds, and never
    before WAIT_AT_LEAST_S: waiting longer cannot make a correct app fail, giving up early can)."""
    deadline = time.monotonic() + max(timeout, WAIT_AT_LEAST_S)
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await asyncio.sleep(step)


async def wait_for_training(app, timeout: float = 60.0) -> None:
    """Wait until the app has started training, the worker has finished and the pacer has played
    every run (else a run not yet released looks like a run that never started)."""
    await wait_until(lambda: app.runs and not app.training and not app.busy and
                     all(r.result is not None for r in app.runs), timeout)


async def charts_after_run_all(pilot) -> None:
    """A run-all ends on the runs table: wait for it, then t back to the charts."""
    await wait_until(lambda: pilot.app.query_one("#main").has_class("-table"))
    await pilot.press("t")


async def shows(widget, *texts: str, timeout: float = 20.0) -> str:
    """Wait until `widget` is drawn showing every one of `texts` and return what it shows: what the
    app holds (a result, a CSS class) reaches the screen a layout and a frame later, so a test
    reads the drawn text only once it is there (an empty widget is one not laid out yet)."""
    await wait_until(lambda: all(text in visible_text(widget) for text in texts), timeout)
    return visible_text(widget)


def visible_text(widget) -> str:
    """The text a widget shows on screen right now, line by line."""
    from textual.geometry import Region

    width, height = widget.size
    strips = widget.render_lines(Region(0, 0, width, height))
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def axis(chart) -> list[str]:
    """The ticks of a chart's epoch axis (its bottom line as drawn; none while nothing is)."""
    return (visible_text(chart).splitlines() or [""])[-1].split()


@pytest.fixture
def fake_training(monkeypatch):
    """Make the app train on a fixed stream of reports; set `.hold` to keep a run going."""
    from regtui.tui import app_start
    from tests.tui.fake_training import FakeTraining

    fake = FakeTraining()
    monkeypatch.setattr(app_start, "train_runs", fake)
    return fake
