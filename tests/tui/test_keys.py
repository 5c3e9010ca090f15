"""Pilot tests of the key and focus rules: fields keep their letters, every tab stop is a
visible control, destructive keys ask, a key that cannot act says why, the palette lists
every command. Training is a fixed stream of reports (fake_training), not a real run."""

from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Label, Select, Switch

from regtui.tui.app import RegtuiApp
from regtui.tui.keys import COMMANDS
from regtui.tui.widgets.confirm import ConfirmScreen
from regtui.tui.widgets.fields import FORM, MARKER
from tests.tui.conftest import charts_after_run_all, shows, visible_text, wait_for_training, wait_until


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_letters_typed_into_fields_never_trigger_commands(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        epochs = app.query_one("#f-epochs", Input)
        epochs.focus()
        epochs.value = ""
        await pilot.press("2", "c", "q")  # c is Clear and q is Quit outside a field
        await pilot.pause()
        assert app.return_code is None and not isinstance(app.screen, ConfirmScreen)
        assert epochs.value == "2"
        assert any("Epochs takes a number" in n for n in notes(app))  # refused visibly
        lr = app.query_one("#f-lr", Input)
        lr.focus()
        await pilot.press("a", "b", "c")  # a is Run all
        await pilot.pause()
        assert lr.value == "0.005" and not app.training and app.runs == []
        await pilot.press("escape")  # leave the field: letters are commands again
        assert app.focused is None
        await pilot.press("a")
        await wait_for_training(app)
        assert [r.name for r in app.runs] == ["true", "random"]


async def test_every_tab_stop_is_a_visible_form_control(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        seen = []
        for _ in range(len(FORM) + 2):  # preset, run, then every setting; then it wraps
            await pilot.press("tab")
            focused = app.focused
            assert isinstance(focused, Select | Input | Switch), focused
            label = focused.parent.query_one(".field-label", Label)
            assert str(label.content).startswith(MARKER)  # the marker, not only a colour
            await wait_until(lambda field=focused: field.region.height > 0)  # on screen, once scrolled to
            seen.append(focused.id)
        assert set(seen) == {"preset", "run", *(f"f-{key}" for key, _, _ in FORM)}
        marked = [w for w in app.query(".field-label") if str(w.content).startswith(MARKER)]
        assert len(marked) == 1  # only the focused field's label


async def test_clear_asks_first(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await wait_for_training(app)
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmScreen)
        await shows(app.screen.query_one("#confirm-question"), "Clear 2 runs?")
        await pilot.press("n")
        assert len(app.runs) == 2 and not isinstance(app.screen, ConfirmScreen)
        await pilot.press("c", "y")
        assert app.runs == []


async def test_quit_asks_only_while_training(small_preset, fake_training):
    fake_training.hold = 5  # the first run stays "in progress" until stopped
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await wait_until(lambda: app.current is not None and app.current.last is not None)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen) and app.return_code is None
        await pilot.press("escape")  # the safe answer: keep training
        assert app.training and app.return_code is None
        await pilot.press("ctrl+q", "y")  # Textual's quit key asks the same question
        await wait_until(lambda: app.return_code is not None)
    assert app.return_code == 0 and not app.training
    idle = RegtuiApp(preset=small_preset)
    async with idle.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")  # nothing running: quits at once
        await wait_until(lambda: idle.return_code is not None)


async def test_ctrl_c_keeps_textual_convention(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")  # Textual 8: a hint how to quit, never a lost session
        await pilot.pause()
        assert app.return_code is None
        assert any("to quit" in str(n) for n in notes(app))


async def test_a_key_that_cannot_act_says_why(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        for key, why in (("x", "Nothing is running"), ("w", "Nothing to save yet"),
                         ("c", "Nothing to clear")):
            await pilot.press(key)
            assert any(why in n for n in notes(app)), key
            assert not app.screen.active_bindings[key].enabled  # dimmed in the footer
        fake_training.hold = 3
        await pilot.press("a")
        await wait_until(lambda: app.current is not None and app.current.last is not None)
        app._notifications.clear()
        for key in ("s", "a", "p", "c"):
            await pilot.press(key)
            assert sum("stop it first (x)" in n for n in notes(app)) == 1, key
            app._notifications.clear()
        assert app.screen.active_bindings["x"].enabled
        await pilot.press("x")
        await wait_for_training(app)
        assert app.screen.active_bindings["w"].enabled and app.screen.active_bindings["s"].enabled


async def test_the_command_palette_lists_every_command(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for command in COMMANDS:
            assert titles[command.label] == command.description
        await pilot.press("escape", "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Run all")
        found = app.screen.query_one(CommandList)
        await wait_until(lambda: found.highlighted is not None)  # the palette's search has answered
        await pilot.press("enter")
        await wait_for_training(app)
        assert len(app.runs) == 2


async def test_run_all_uses_the_settings_edited_in_the_pane(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-epochs", Input).value = "7"
        app.query_one("#f-lr", Input).value = "0.02"
        app.query_one("#f-labels", Select).value = "partial"  # per run: not taken by `a`
        fake_training.hold = 2
        await pilot.press("a")
        await wait_until(lambda: app.current is not None and app.current.last is not None)
        await shows(app.query_one("#status"),  # said before it runs
                    "Running all: true, random (Labels: each run's own", "· 7 epochs")
        await pilot.press("x")
        fake_training.hold = None
        await wait_for_training(app)
        await pilot.press("a")
        await wait_for_training(app)
        configs = [r.info.config for r in app.runs[1:]]
        assert [c.labels for c in configs] == ["true", "random"]
        assert all(c.epochs == 7 and c.lr == 0.02 for c in configs)


async def test_changing_the_preset_refreshes_status_and_table(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_for_training(app)
        await charts_after_run_all(pilot)
        await shows(app.query_one("#norm-table"), "fc2.bias")  # fake layers
        app.query_one("#preset", Select).value = "early-stopping"
        await shows(app.query_one("#norm-table"), "7.3810")  # AnimalNet, seed 2021
        status = app.query_one("#status")
        await wait_until(lambda: visible_text(status).strip().startswith("early-stopping"))
        assert "random 12/12" not in visible_text(status)


async def test_the_early_stop_switch_says_on_or_off(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(80, 24)) as pilot:
        state = app.query_one("#early_stopping-state", Label)
        assert str(state.content) == "[off]"
        app.query_one("#f-early_stopping", Switch).focus()
        await pilot.press("space")
        assert str(state.content) == "[ on]"
        app.query_one("#preset", Select).value = "early-stopping"  # loaded, not typed
        await wait_until(lambda: app.preset.name == "early-stopping")
        await pilot.pause()
        assert str(state.content) == "[ on]"


async def test_playback_keys_are_commands_that_say_why(small_preset, fake_training):
    """-, +, r, n and 1-9 come from COMMANDS: in help and palette, and explain when they cannot act."""
    from regtui.tui.widgets.help import KEYS

    assert {"- +", "r", "z", "l", "n", "1-9"} <= {key for key, _ in KEYS}
    app = RegtuiApp(preset=small_preset, speed=0.25)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Slower", "Faster", "Replay", "Zoom", "Log scale", "Table run", "Run 9"} <= titles
        await pilot.press("escape")
        for key, why in (("r", "Nothing to replay yet"), ("3", "There is no run 3"),
                         ("minus", "Already the slowest speed (x0.25)"), ("n", "No runs yet")):
            await pilot.press(key)
            assert any(why in n for n in notes(app)), key
        await pilot.press("plus", "equals_sign")
        assert app.speed_text() == "x1"
        await pilot.press("a")
        await wait_for_training(app)
        await wait_until(lambda: not app.busy, 20)  # the pacer has played both runs
        app._notifications.clear()
        replayed, replay = [], app._replay

        def watched(results):  # the state r leaves, read at once: on a busy machine the pacer
            replay(results)    # may play both runs again before the next line of this test runs
            replayed.append((len(app.runs), app.busy))

        app._replay = watched
        await pilot.press("r")  # replay: the runs play again from epoch 1
        assert not notes(app) and replayed == [(0, True)]
        assert app.message_line.startswith("Replaying 2 runs")
        await pilot.press("x")  # skips the replay to its end
        assert not app.busy and len(app.runs) == 2 and app.runs[1].result is not None
