"""The launch paints first: the settings fields (110 of the screen's 143 widgets) are mounted after
the first frame, and nothing typed meanwhile is lost (issue 17: the first paint under 1 s)."""

import asyncio

import pytest
from textual.widgets import Input, Select

from regtui.tui.app import RegtuiApp
from regtui.tui.widgets.settings import SettingsPane
from tests.tui.conftest import shows, wait_for_training, wait_until


@pytest.fixture
def fields_held(monkeypatch) -> asyncio.Event:
    """Hold the settings fields back until the test sets the event: keys are then pressed while
    the pane is surely empty, as on a loaded machine between the first frame and the fields."""
    gate = asyncio.Event()
    mount = SettingsPane.mount_composed_widgets

    async def held(self, widgets):
        async def later() -> None:
            await gate.wait()
            await mount(self, widgets)

        self._held_task = asyncio.get_running_loop().create_task(later())

    monkeypatch.setattr(SettingsPane, "mount_composed_widgets", held)
    return gate


def count_fields_at_each_frame(app: RegtuiApp) -> list[int]:
    """Record, for every frame the app sends to the terminal, how many fields the pane holds."""
    fields: list[int] = []
    display = app._display

    def counted(screen, renderable) -> None:
        if renderable is not None and not app._batch_count:  # a frame that is really written
            fields.append(len(app.query("#settings Input, #settings Select")))
        display(screen, renderable)

    app._display = counted
    return fields


async def test_the_first_frame_comes_before_the_fields_and_they_then_show_the_preset(small_preset):
    app = RegtuiApp(preset=small_preset, paint_first=True)
    frames = count_fields_at_each_frame(app)
    async with app.run_test(size=(120, 40)):
        await wait_until(lambda: app.fields_ready and frames[-1:] == [21])  # the whole pane drawn:
        assert frames[0] == 0  # 13 inputs and 8 lists; but first the charts and the status line
        assert app.query_one("#f-epochs", Input).value == "12"  # the preset's own settings
        assert app.query_one("#run", Select).value == "true"
        await shows(app.query_one("#f-epochs"), "12")


async def test_an_app_built_in_code_has_its_fields_at_once(small_preset):
    app = RegtuiApp(preset=small_preset)  # tests, `regtui show --export`: no frame is waited for
    frames = count_fields_at_each_frame(app)
    async with app.run_test(size=(120, 40)):
        assert app.fields_ready and app.query_one("#f-epochs", Input).value == "12"
        assert not frames or frames[0] > 10


async def test_a_start_pressed_before_the_fields_are_there_trains_once_they_are(small_preset,
                                                                               fields_held):
    app = RegtuiApp(preset=small_preset, paint_first=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")  # neither the fields nor (maybe) torch's engine are there yet
        await pilot.pause()
        assert not app.fields_ready and not app.runs and not app.query("#settings Input")
        fields_held.set()
        await wait_for_training(app)  # the pane's run, as if s had been pressed later
        assert [r.name for r in app.runs] == ["true"]
        assert app.runs[0].result.stop_reason == "finished" and len(app.runs[0].epochs) == 12


async def test_the_preset_list_asked_for_before_the_fields_are_there_opens_once_they_are(
        small_preset, fields_held):
    app = RegtuiApp(preset=small_preset, paint_first=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert not app.fields_ready
        fields_held.set()
        await wait_until(lambda: app.fields_ready and app.query_one("#preset", Select).expanded)


async def test_autostart_runs_the_whole_preset_once_the_fields_are_there(small_preset, fields_held):
    app = RegtuiApp(preset=small_preset, paint_first=True, autostart=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.runs
        fields_held.set()
        await wait_for_training(app)
        assert [r.name for r in app.runs] == ["true", "random"]


async def test_the_first_frame_ends_startup_for_the_garbage_collector(small_preset):
    import gc

    from regtui.system.collector import held, hold

    before = gc.get_threshold()
    hold()  # as the console script does
    try:
        app = RegtuiApp(preset=small_preset, paint_first=True)
        async with app.run_test(size=(120, 40)):
            await wait_until(lambda: not held())
            assert gc.get_threshold() == before
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


async def test_quitting_in_the_first_frame_before_the_fields_ends_cleanly(small_preset, fields_held):
    app = RegtuiApp(preset=small_preset, paint_first=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        fields_held.set()  # the fields arrive while the app ends
        await wait_until(lambda: not app.is_running)
    assert app.return_code == 0
