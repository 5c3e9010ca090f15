"""Details that break trust: a burst of keys in a field, the footer while a field has focus, the
pane on a resize during a run, long preset names, the norm table after h and p, and the
memorized share in the status line."""

import io

import pytest
from rich.console import Console
from textual.widgets import Input, Select
from textual.widgets._footer import FooterKey

from regtui.tui import status
from regtui.tui.app import RegtuiApp
from regtui.tui.widgets.norm_table import NormTable
from tests.tui.conftest import charts_after_run_all, shows, visible_text, wait_for_training, wait_until
from tests.tui.fake_training import LAYERS


async def burst(pilot, *keys: str) -> None:
    """Send `keys` as a terminal sends a fast burst: all at once, then let the app work."""
    from textual import events
    from textual._wait import wait_for_idle

    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await wait_for_idle(0)
    await pilot.pause(0.2)


async def test_a_burst_of_keys_in_a_field_gives_exactly_the_keys_typed(small_preset):
    """`2 c q` then `backspace 1 0 escape` at once: Epochs says 10 (it said 21: the backspace
    ran after the 1 was typed), the app does not quit, and the field is left."""
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        epochs = app.query_one("#f-epochs", Input)
        epochs.focus()
        await pilot.pause()
        await burst(pilot, "2", "c", "q", "backspace", "1", "0", "escape")
        assert epochs.value == "10" and app.focused is None and app.is_running


async def test_a_burst_across_fields_lands_each_key_where_the_focus_is(small_preset):
    """LR `0.01`, tab, `0.5`, escape, at once: LR 0.01, Momentum 0.5 (the keys after the tab went
    to the field tab moved to), then no field has the focus."""
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-lr", Input).focus()
        await pilot.pause()
        await burst(pilot, "0", ".", "0", "1", "tab", "0", ".", "5", "escape")
        assert app.query_one("#f-lr", Input).value == "0.01"
        assert app.query_one("#f-momentum", Input).value == "0.5"
        assert app.focused is None


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_the_footer_keeps_its_keys_while_a_field_has_focus(small_preset):
    """Textual's footer left out every key a field takes as text (it went blank); here they stay,
    dimmed (typed into the field, they are text), after `esc Leave field`."""
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("escape")  # the app starts in the Preset list
        await wait_until(lambda: "escape" not in {k.key for k in footer_keys(app)})
        idle = {k.key: k.disabled for k in footer_keys(app)}
        assert not idle["s"] and not idle["q"]
        app.query_one("#f-epochs", Input).focus()
        await wait_until(lambda: footer_keys(app) and footer_keys(app)[0].key == "escape")
        keys = footer_keys(app)
        assert [k.key for k in keys[:3]] == ["escape", "s", "a"]
        assert not keys[0].disabled and all(k.disabled for k in keys if k.key in ("s", "a", "q"))
        await pilot.press("escape")
        await wait_until(lambda: "escape" not in {k.key for k in footer_keys(app)})
        assert not {k.key: k.disabled for k in footer_keys(app)}["s"]


async def test_resizing_below_the_narrow_width_during_a_run_hides_the_pane(small_preset, fake_training):
    """As at a start below 110 columns: the pane hides when the window narrows during a run (the
    accuracy chart had 5 rows at 80x24 beside it), and comes back when it widens."""
    fake_training.hold = 2
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one("#settings")
        await pilot.press("a")
        await wait_until(lambda: app.current is not None)
        assert pane.display
        await pilot.resize_terminal(80, 24)
        await wait_until(lambda: not pane.display and app.query_one("#main").size.width == 80)
        assert app.query_one("#accuracy").size.height >= 8
        await pilot.resize_terminal(120, 40)
        await wait_until(lambda: pane.display)
        await pilot.press("x")
        await wait_for_training(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_preset_list_shows_long_names_whole(size):
    """early-stopping-noisy is one line in the open list (it wrapped into a stray "y" entry);
    the closed list shows it whole in the 35-column pane, and cut with "…" (never
    wrapped) in the 30-column pane below 110 columns."""
    app = RegtuiApp(preset="early-stopping-noisy")
    async with app.run_test(size=size) as pilot:
        select = app.query_one("#preset", Select)
        await pilot.pause()  # laid out: the label is read as drawn
        label = visible_text(select.query_one("SelectCurrent #label")).strip()
        if size[0] >= 110:
            assert label == "early-stopping-noisy"
        else:  # cut, never wrapped
            assert label.endswith("…") and "early-stopping-noisy".startswith(label[:-1]) and len(label) > 10
        await pilot.press("escape", "p")
        await wait_until(lambda: select.expanded)
        await pilot.pause()
        overlay = visible_text(select.query_one("SelectOverlay")).splitlines()
        assert any(line.strip() == "early-stopping-noisy" for line in overlay)
        assert not any(line.strip() == "y" for line in overlay)


async def test_the_norm_table_never_wraps_after_h_then_p(small_preset, fake_training):
    """h hides the pane, p brings it back with the preset list open: the table, laid out for
    the wider area, is cut to the new width at once, never wrapped onto extra rows."""
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_for_training(app)
        await charts_after_run_all(pilot)  # the runs table hides the norm table: never drawn there
        table = app.query_one(NormTable)
        await shows(table, "fc2.bias")
        rows = len(LAYERS) + 2  # header, layers, total

        def shown() -> list[str]:
            return [line for line in visible_text(table).splitlines() if line.strip()]
        await wait_until(lambda: table.display and len(shown()) == rows)
        await pilot.press("h", "p")
        for _ in range(10):  # the frames right after p
            lines = shown()
            assert len(lines) == rows, lines
            await pilot.pause(0.05)


def status_line(preset: str, width: int) -> str:
    """Line 1 of the status for a run of `preset` with noisy labels, at `width` columns."""
    from regtui.engine import RunInfo
    from regtui.engine.reports import NoisyLabelAcc
    from regtui.experiments.presets import load_preset
    from regtui.tui.session import SessionRun
    from tests.tui.fake_training import report

    loaded = load_preset(preset)
    cfg = loaded.runs[-1]
    run = SessionRun(cfg.name, RunInfo(config=cfg, device="cpu", layers=LAYERS,
                                      initial_norms=(1, 1, 1, 1), initial_total=2.0, data_source=""))
    from dataclasses import replace

    run.add(replace(report(cfg.name, 130, 200, 1), noisy=NoisyLabelAcc(97.6, 30.0, 40.0)))
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(status.status_text(loaded, run, ""))
    return console.export_text().splitlines()[0]


def test_the_memorized_share_stays_in_the_status_line_at_120_columns():
    """At 120 columns the pane leaves the status line 84; `memorized` outlasts cpu, ep/s and
    the clean share (it is what shrinkage and early-stopping-noisy teach)."""
    for preset in ("shrinkage", "early-stopping-noisy"):
        for width in (84, 78):  # 120 columns beside the pane, 80 without it
            line = status_line(preset, width)
            assert "memorized 30%" in line, (width, line)
            assert len(line) <= width
    wide = status_line("shrinkage", 200)
    assert "clean 98%" in wide and "cpu" in wide and "ep/s" in wide
