"""Snapshot tests of the main screens at fixed sizes (pytest-textual-snapshot).

Update after a deliberate UI change with `pytest tests/tui --snapshot-update`, then look at
the SVGs in tests/tui/__snapshots__ before committing them.
"""

import pytest

from regtui.tui.app import RegtuiApp
from tests.tui.conftest import visible_text, wait_for_training, wait_until

SETTLE_TRIES = 20  # the screen is the same three times in a row long before this, even under load
SETTLE_GAP_S = 0.2  # real time between two looks: timers and resize events queued meanwhile run


@pytest.fixture(autouse=True)
def no_cuda(monkeypatch):
    """The device list must not depend on the machine the snapshot is taken on."""
    from regtui.system import devices

    monkeypatch.setattr(devices, "cuda_available", lambda: False)


async def settle(pilot) -> None:
    """Draw the current state now and wait until the screen stops changing: the frame clock may
    hold a frame back to stay within its budget, and a page change lays the charts out over
    more than one refresh, which on a busy machine outlasts any fixed pause (a snapshot once
    caught the charts two rows short). So it takes three equal pictures in a row, SETTLE_GAP_S
    apart: two taken back to back once matched while a layout was still pending (under a load
    of 6, the norm table two rows too tall). A text field's cursor is held visible: it blinks
    every 0.5 s, so the picture would otherwise depend on how long the test took to get here."""
    from textual.widgets import Input

    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    shots: list[str] = []
    for _ in range(SETTLE_TRIES):
        await pilot.pause(SETTLE_GAP_S if shots else None)
        pilot.app._frame(force=True)
        await pilot.pause()
        shots = [*shots[-2:], pilot.app.export_screenshot()]
        if len(shots) == 3 and shots[0] == shots[1] == shots[2]:
            return


def settled_after(*keys: str):
    """A run_before that settles, presses `keys`, then settles again. snap_compare's own `press`
    takes the picture one pause after the keys: under a load of 4-6 that once caught the charts
    two rows short of a focus change's relayout (.ci/run beside two busy processes)."""
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_start_screen(snap_compare, size):
    assert snap_compare(RegtuiApp(preset="memorization"), run_before=settle, terminal_size=size)


def test_help_screen(snap_compare):
    assert snap_compare(RegtuiApp(preset="memorization"), run_before=settled_after("question_mark"),
                        terminal_size=(80, 24))


def test_toy_start_screen(snap_compare):
    assert snap_compare(RegtuiApp(preset="overfitting"), run_before=settle, terminal_size=(120, 40))


async def run_all_then_charts(pilot):
    """Run the preset's runs; a run-all ends on the runs table, so t back to the charts."""
    await pilot.press("a")
    await wait_until(lambda: pilot.app.query_one("#main").has_class("-table"))
    await pilot.press("t")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_finished_memorization_runs(snap_compare, small_preset, fake_training, size):
    run_all = run_all_then_charts

    assert snap_compare(RegtuiApp(preset=small_preset), run_before=run_all, terminal_size=size)


def test_no_color_finished_run(snap_compare, small_preset, fake_training, monkeypatch):
    """With NO_COLOR the charts stay readable: train and val differ by marker, not colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(RegtuiApp(preset=small_preset), run_before=run_all_then_charts,
                        terminal_size=(80, 24))


# New states, fed with a fixed stream of reports (fake_training): no CPU-dependent numbers.
async def run_held(pilot):
    """Start 'run all' and keep the first run in progress at epoch 5 of 12."""
    await pilot.press("escape", "a")
    await wait_until(lambda: pilot.app.current is not None and pilot.app.current.last is not None)
    await pilot.pause(0.3)  # the worker holds at epoch 5 (fake_training.hold)
    await settle(pilot)


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
        await settle(pilot)

    assert snap_compare(RegtuiApp(preset=small_preset), run_before=ask, terminal_size=size)


def test_clear_asks(snap_compare, small_preset, fake_training):
    async def ask(pilot):
        await pilot.press("escape", "a")
        await wait_for_training(pilot.app)
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(RegtuiApp(preset=small_preset), run_before=ask, terminal_size=(80, 24))


def test_terminal_too_small(snap_compare):
    assert snap_compare(RegtuiApp(preset="memorization"), run_before=settle, terminal_size=(60, 20))


def test_no_color_focused_field(snap_compare, monkeypatch):
    """With NO_COLOR the focused field is still plain: a marker and reverse video."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(RegtuiApp(preset="memorization"), run_before=settled_after(*["tab"] * 8),
                        terminal_size=(80, 24))


# Synthetic runs (tests/tui/streams.py): the pictures do not depend on this CPU's floats.
def _synthetic():
    from tests.tui.streams import fake_result

    return [fake_result("true", 200), fake_result("random", 200, random_labels=True),
            fake_result("partial", 200, upto=120, stop_reason="patience")]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_show_view_finished_replay(snap_compare, size):
    """`regtui show` after its replay: three runs, markers, legend, best epoch, norm table."""
    async def replayed(pilot):
        from tests.tui.conftest import wait_until

        app = pilot.app
        await wait_until(lambda: len(app.runs) == 3 and app.runs[2].result is not None, 10)
        await settle(pilot)

    assert snap_compare(RegtuiApp(saved=_synthetic(), speed=None), run_before=replayed, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_run_mid_way_with_controls(snap_compare, size):
    """A run stopped mid-way (epoch 60 of 200) on a still axis; run 1 hidden, norm chart on a log scale."""
    from tests.tui.streams import fake_result

    async def controls(pilot):
        from tests.tui.conftest import wait_until

        app = pilot.app
        await wait_until(lambda: len(app.runs) == 2 and app.runs[1].result is not None, 10)
        await pilot.press("1", "l")
        await settle(pilot)

    saved = [fake_result("true", 200), fake_result("random", 200, upto=60, random_labels=True,
                                                   stop_reason="stopped")]
    assert snap_compare(RegtuiApp(saved=saved, speed=None), run_before=controls, terminal_size=size)


def test_finished_seed_groups(snap_compare, small_preset, fake_training):
    """Seeds "2021,7" and `a`: two groups, each one mean line in a faint min–max band, the
    legend naming them with their seed count (a fixed synthetic stream, not training)."""
    async def run_seeds(pilot):
        from textual.widgets import Input


        pilot.app.query_one("#f-seeds", Input).value = "2021,7"
        await run_all_then_charts(pilot)

    assert snap_compare(RegtuiApp(preset=small_preset, speed=None), run_before=run_seeds,
                        terminal_size=(120, 40))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_runs_table_when_a_run_all_ends(snap_compare, small_preset, fake_training, size):
    """Seeds "2021,7" and `a`: the run-all ends on the runs table, one row per seed group (mean ±
    sd), the names in their legend colour and marker, the pane hidden for the table's width."""
    async def run_seeds(pilot):
        from textual.widgets import Input

        pilot.app.query_one("#f-seeds", Input).value = "2021,7"
        await pilot.press("a")
        await wait_until(lambda: pilot.app.query_one("#main").has_class("-table"))
        await settle(pilot)

    assert snap_compare(RegtuiApp(preset=small_preset, speed=None), run_before=run_seeds,
                        terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_sweep_chart_against_label_fraction(snap_compare, size):
    """label-noise-sweep's 18 members (synthetic): t shows the six groups and the charts against
    the noise share: train, val and gap, and the epoch train accuracy first reached 100%."""
    from tests.tui.streams import sweep_results

    async def table(pilot):
        app = pilot.app
        await wait_until(lambda: len(app.runs) == 18 and app.runs[-1].result is not None, 20)
        await pilot.press("t")
        await wait_until(lambda: app.query_one("#runs-view").has_class("-sweep"))
        await settle(pilot)

    assert snap_compare(RegtuiApp(saved=sweep_results(), speed=None), run_before=table, terminal_size=size)


# The chart controls (pages, the epoch cursor, the filter) and 16 colours, on synthetic runs.
def _sweep_app():
    from tests.tui.streams import noise_sweep_results

    return RegtuiApp(saved=noise_sweep_results(60), speed=None)


async def _sweep_loaded(pilot):
    app = pilot.app
    await wait_until(lambda: len(app.runs) == 18 and app.runs[-1].result is not None, 20)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_metric_page_noisy_labels(snap_compare, size):
    """m m m: the noisy-label page of an 18-run sweep, two by two: clean learned first, memorized late."""
    async def noisy(pilot):
        await _sweep_loaded(pilot)
        await pilot.press("m", "m", "m")
        await settle(pilot)

    assert snap_compare(_sweep_app(), run_before=noisy, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_epoch_cursor_with_values(snap_compare, size):
    """v, then ten steps back: each run's values at that epoch, by name, in its colour."""
    async def cursor(pilot):
        app = pilot.app
        await wait_until(lambda: len(app.runs) == 3 and app.runs[2].result is not None, 10)
        await pilot.press("v", *["left"] * 10, "down")
        await settle(pilot)

    assert snap_compare(RegtuiApp(saved=_synthetic(), speed=None), run_before=cursor, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_filter_typed(snap_compare, size):
    """f and a setting: the sweep's charts and legend keep two of six groups as it is typed."""
    async def typed(pilot):
        await _sweep_loaded(pilot)
        await pilot.press("f")  # alone: keys sent in one burst with it may arrive before its input
        await pilot.press(*"label_fraction=0.2,0.8")
        bar, legend = pilot.app.query_one("#filter"), pilot.app.query_one("#legend")
        await wait_until(lambda: bar.value == "label_fraction=0.2,0.8" and "2 of 6" in visible_text(legend))
        await settle(pilot)

    assert snap_compare(_sweep_app(), run_before=typed, terminal_size=size)


def test_sixteen_colours(snap_compare, monkeypatch):
    """TERM=xterm: six seed groups in six of the 16 colours, each band in its line's colour."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")

    async def loaded(pilot):
        await _sweep_loaded(pilot)
        await settle(pilot)

    assert snap_compare(_sweep_app(), run_before=loaded, terminal_size=(120, 40))
