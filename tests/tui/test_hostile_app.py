"""The app under hostile input (issue 16): every field refuses NaN, 1e309, 2**64, emoji, x0,
x1001, ',,,' and -5 with its own message and starts nothing; a 10,000-key paste is refused at
once; a save into a folder that cannot be written asks for another and loses nothing; a run
that diverged (NaN, inf) is drawn, not a crash."""

from __future__ import annotations

import contextlib
import math
from dataclasses import replace

import pytest
from textual import events
from textual.widgets import Input

from regtui.engine.config import ConfigError
from regtui.experiments.seeds import SEEDS_TEXT_RULE
from regtui.tui.app import RegtuiApp
from regtui.tui.widgets.fields import FORM, LABELS, MAX_NUMBER
from regtui.tui.widgets.folder_prompt import FolderScreen
from regtui.tui.widgets.norm_table import NormTable
from regtui.tui.widgets.settings import SettingsPane
from tests.tui.conftest import shows, wait_until
from tests.tui.streams import fake_result

HOSTILE = ["NaN", "1e309", str(2**64), "🙂", "x0", "x1001", ",,,", "-5", ""]
TYPED_FIELDS = [key for key, _, kind in FORM if kind in ("input", "seeds")]


def record_notes(app) -> list[tuple[str, str]]:
    """(title, message) of every notification the app shows from now on."""
    seen: list[tuple[str, str]] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        seen.append((kwargs.get("title", ""), str(message)))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return seen


@contextlib.asynccontextmanager
async def ready_app(**kwargs):
    """The app at 120x40 with torch loaded: (app, pilot, the notifications it shows from now)."""
    app = RegtuiApp(**kwargs)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.engine_ready)
        yield app, pilot, record_notes(app)


def nothing_started(app) -> bool:
    return not app.training and app.runs == [] and app._worker is None


@pytest.mark.parametrize("key", TYPED_FIELDS)
async def test_every_field_refuses_hostile_values_with_its_message_and_starts_nothing(
        key, small_preset, fake_training):
    """Every value is refused by what s and a read (the pane's run and its settings for all),
    with the field's own message; the first then through the keys themselves, as a notification
    that starts nothing; the good value starts. (One value through the keys, not all nine: the
    path from the refusal to the notification is the same for each, and pressing it nine times
    per field cost the suite a minute and a half.)"""
    async with ready_app(preset=small_preset) as (app, pilot, notes):
        field = app.query_one(f"#f-{key}", Input)
        pane = app.query_one(SettingsPane)
        good = field.value
        expected = f"{LABELS[key]} must be " + (SEEDS_TEXT_RULE if key == "seeds" else "")
        for value in HOSTILE:
            if key == "seeds" and value.strip() == "":
                continue  # an empty Seeds field means one run: valid
            field.value = value  # as a paste or a preset file could leave it
            for read in (lambda: pane.run_config([]), pane.common_settings):  # s, then a
                with pytest.raises(ConfigError) as refused:
                    read()
                assert str(refused.value).startswith(expected), (key, value, str(refused.value))
        field.value = HOSTILE[0]
        await pilot.pause()
        for command in ("s", "a"):
            notes.clear()
            app.set_focus(None)  # a refusal focuses the field; escape would leave it too
            await pilot.press(command)
            await wait_until(lambda: notes, 10)
            title, message = notes[-1]
            assert title == "Invalid setting" and message.startswith(expected), (key, notes)
            assert nothing_started(app), key
        field.value = good
        await pilot.pause()
        app.set_focus(None)
        await pilot.press("s")  # the good value starts as usual: the refusals were the values
        await wait_until(lambda: app.runs, 10)


async def test_typed_characters_a_number_cannot_hold_are_refused_with_a_note(small_preset):
    async with ready_app(preset=small_preset) as (app, pilot, notes):
        field = app.query_one("#f-epochs", Input)
        field.focus()
        await pilot.press("end", *"aN🙂,*x")
        assert field.value == "12" and nothing_started(app)
        assert any("Epochs takes a number" in message for _, message in notes)


async def test_a_seed_that_repeats_push_past_the_largest_is_refused_not_a_crash(small_preset):
    async with ready_app(preset=small_preset) as (app, pilot, notes):
        app.query_one("#f-seed", Input).value = "4294967295"
        app.query_one("#f-seeds", Input).value = "x2"
        await pilot.pause()
        for command in ("s", "a"):
            notes.clear()
            await pilot.press(command)
            await wait_until(lambda: notes, 10)
            assert "seed 4294967295 with repeats 2 needs the seeds 4294967295..4294967296" in notes[-1][1]
            assert nothing_started(app) and app.is_running


async def test_a_10000_key_paste_into_a_number_field_is_refused_at_once(small_preset):
    """tmux send-keys -l with 10,000 characters: keys past the field's limit are refused, so each
    costs the same (the value never grows) and q acts as soon as the burst is through."""
    async with ready_app(preset=small_preset) as (app, pilot, notes):
        field = app.query_one("#f-epochs", Input)
        field.focus()
        await pilot.pause()
        for _ in range(10_000):
            app.post_message(events.Key("9", "9"))
        await wait_until(lambda: len(field.value) == MAX_NUMBER and app._message_queue.empty(), 300)
        assert any(f"at most {MAX_NUMBER} characters" in message for _, message in notes)
        app.post_message(events.Paste("1" * 10_000))  # a bracketed paste: refused whole
        await pilot.pause()
        assert field.value == "9" * MAX_NUMBER
        await pilot.press("escape", "q")
        await wait_until(lambda: app.return_code is not None, 300)


async def test_saving_into_a_folder_that_cannot_be_written_asks_for_another_and_keeps_the_runs(
        small_preset, fake_training, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("in the way")
    # a folder that cannot be written (as root, chmod does not stop writes: a file is in the way)
    async with ready_app(preset=small_preset, out_dir=blocker / "runs") as (app, pilot, notes):
        await pilot.press("a")
        await wait_until(lambda: len(app.runs) == 2 and not app.busy, 30)
        await pilot.press("w")
        await wait_until(lambda: isinstance(app.screen, FolderScreen), 10)
        assert app.is_running and len(app.runs) == 2  # no crash, nothing lost
        problem = await shows(app.screen.query_one("#folder-problem"), "Could not save")  # laid out
        assert str(blocker) in "".join(problem.split()) and "Could not save" in problem  # wrapped
        assert any(title == "Could not save" and str(blocker) in message for title, message in notes)
        await pilot.press("escape")  # not now: the runs stay, w tries again
        assert "the runs are kept in this session" in app.message_line and len(app.runs) == 2
        await pilot.press("w")
        await wait_until(lambda: isinstance(app.screen, FolderScreen), 10)
        box = app.screen.query_one(Input)
        box.value = str(tmp_path / "elsewhere")
        await pilot.press("enter")
        await wait_until(lambda: any((tmp_path / "elsewhere").glob("tui-small-*/random/metrics.csv")), 10)
        assert app.out_dir == tmp_path / "elsewhere" and blocker.read_text() == "in the way"
        assert app.message_line.startswith("Saved 2 runs to")


async def test_a_saved_run_that_diverged_replays_with_gaps_and_says_so(tmp_path):
    from regtui.experiments.run_folders import write_run
    from regtui.experiments.saved import load_runs

    result = fake_result("true", 8, upto=6, stop_reason="non-finite")
    result.history[4:] = [replace(r, layer_norms=(math.inf,) * 4, total_norm=math.inf, val_loss=math.nan)
                          for r in result.history[4:]]
    write_run(tmp_path, result, "synthetic")
    app = RegtuiApp(saved=load_runs([tmp_path]), speed=None)
    notes = record_notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.runs and app.runs[0].result is not None, 20)
        for key in ("l", "l", "z"):  # log scale and back, zoom: every drawing path
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running
        await shows(app.query_one(NormTable), "inf")
        assert any("epochs 5-6 hold NaN or infinite numbers" in message for _, message in notes)
