"""The app is a chain of App subclasses, one seam each: every `@on` handler in it still fires.

Textual collects `@on` handlers only from classes its metaclass builds; a handler in a plain
mixin would be silently never called. The first test checks the registration itself, the
second that each message the app handles really changes what it should.
"""

from textual.message import Message

from regtui.experiments.follow import FollowUpdate, RunEnd
from regtui.tui.app import RegtuiApp
from regtui.tui.app_frame import FrameApp
from regtui.tui.loading import EngineReady
from regtui.tui.messages import EpochsDone, Followed, RunEnded, RunFailed, RunStarted, TrainingDone
from regtui.tui.widgets.live_view import LiveView
from regtui.tui.widgets.settings import SettingsPane
from tests.tui.conftest import wait_until
from tests.tui.streams import fake_result


def test_every_part_of_the_chain_is_an_app_whose_handlers_textual_registered():
    chain = [c for c in RegtuiApp.__mro__ if c.__module__.startswith("regtui.tui")]
    assert [c.__name__ for c in chain] == ["RegtuiApp", "ViewerApp", "StartApp", "PlaybackApp", "ChartsApp",
                                           "FrameApp"]
    assert all(issubclass(c, FrameApp) for c in chain)
    declared = registered = 0
    for cls in chain:
        handlers = cls.__dict__.get("_decorated_handlers", {})
        for name, value in vars(cls).items():
            for message_type, _ in getattr(value, "_textual_on", ()):
                declared += 1
                assert any(f is value for f, _ in handlers.get(message_type, ())), \
                    f"{cls.__name__}.{name} is not registered for {message_type.__name__}"
                registered += 1
    assert declared == registered >= 13  # EngineReady, 2 pane messages, 5 worker messages, Followed,
    # 4 chart inputs


async def test_each_message_the_app_handles_changes_what_it_should(small_preset):
    app = RegtuiApp(preset=small_preset, speed=None)
    result = fake_result("true", 20)

    async def deliver(message: Message, done) -> None:
        app.post_message(message)
        await wait_until(done, timeout=20)

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.query_one(LiveView)
        await deliver(SettingsPane.FormChanged("regress"), lambda: view.kind.name == "regress")
        await deliver(SettingsPane.PresetChosen("quick"), lambda: app.preset_key == "quick")
        await deliver(RunStarted(result.info), lambda: [r.name for r in app.runs] == ["true"])
        await deliver(EpochsDone(tuple(result.history)), lambda: len(app.runs[0].epochs) == 20)
        await deliver(RunEnded(result), lambda: app.runs[0].result is result)
        await deliver(RunFailed("true", "boom"), lambda: "Run true failed: boom" in app.message_line)
        await deliver(TrainingDone(stopped=False), lambda: app.message_line.startswith("Done."))
        await deliver(Followed(FollowUpdate([RunEnd(fake_result("followed", 5))])),
                      lambda: app.runs[-1].name == "followed" and app.runs[-1].result is not None)
        await deliver(EngineReady([], "ImportError: no torch"),
                      lambda: "Could not load torch" in app.message_line)
