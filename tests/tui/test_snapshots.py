"""Snapshot tests of the main screens at fixed sizes (pytest-textual-snapshot).

Update after a deliberate UI change with `pytest tests/tui --snapshot-update`, then look at
the SVGs in tests/tui/__snapshots__ before committing them.
"""

import pytest

from regtui.tui.app import RegtuiApp
from tests.tui.conftest import wait_for_training, wait_until


@pytest.fixture(autouse=True)
def no_cuda(monkeypatch):
    """The device list must not depend on the machine the snapshot is taken on."""
    from regtui.tui.widgets import settings

    monkeypatch.setattr(settings, "cuda_available", lambda: False)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_start_screen(snap_compare, size):
    assert snap_compare(RegtuiApp(preset="memorization"), terminal_size=size)


def test_help_screen(snap_compare):
    assert snap_compare(RegtuiApp(preset="memorization"), press=["question_mark"], terminal_size=(80, 24))


def test_toy_start_screen(snap_compare):
    assert snap_compare(RegtuiApp(preset="overfitting"), terminal_size=(120, 40))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_finished_memorization_runs(snap_compare, small_preset, fake_training, size):
    async def run_all(pilot):
        await pilot.press("a")
        await wait_for_training(pilot.app)
        await pilot.pause(0.2)

    assert snap_compare(RegtuiApp(preset=small_preset), run_before=run_all, terminal_size=size)


def test_no_color_finished_run(snap_compare, small_preset, fake_training, monkeypatch):
    """With NO_COLOR the charts stay readable: train and val differ by marker, not colour."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_all(pilot):
        await pilot.press("a")
        await wait_for_training(pilot.app)
        await pilot.pause(0.2)

    assert snap_compare(RegtuiApp(preset=small_preset), run_before=run_all, terminal_size=(80, 24))


# New states, fed with a fixed stream of reports (fake_training): no CPU-dependent numbers.
async def run_held(pilot):
    """Start 'run all' and keep the first run in progress at epoch 5 of 12."""
    await pilot.press("escape", "a")
    await wait_until(lambda: pilot.app.current is not None and pilot.app.current.last is not None)
    await pilot.pause(0.3)
    pilot.app._frame(force=True)
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_training_in_progress(snap_compare, small_preset, fake_training, size):
    """Status line with ETA, speed and device; at 80 columns the pane hides, the table is a total."""
    fake_training.hold = 5
    assert snap_compare(RegtuiApp(preset=small_preset), run_before=run_held, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_quit_while_training_asks(snap_compare, small_preset, fake_training, size):
    fake_training.hold = 5

    async def ask(pilot):
        await run_held(pilot)
        await pilot.press("q")
        await pilot.pause(0.2)

    assert snap_compare(RegtuiApp(preset=small_preset), run_before=ask, terminal_size=size)


def test_clear_asks(snap_compare, small_preset, fake_training):
    async def ask(pilot):
        await pilot.press("escape", "a")
        await wait_for_training(pilot.app)
        await pilot.press("c")
        await pilot.pause(0.2)

    assert snap_compare(RegtuiApp(preset=small_preset), run_before=ask, terminal_size=(80, 24))


def test_terminal_too_small(snap_compare):
    assert snap_compare(RegtuiApp(preset="memorization"), terminal_size=(60, 20))


def test_no_color_focused_field(snap_compare, monkeypatch):
    """With NO_COLOR the focused field is still plain: a marker and reverse video."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(RegtuiApp(preset="memorization"), press=["tab"] * 8, terminal_size=(80, 24))
