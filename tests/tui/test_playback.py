"""Paced playback, replay, chart controls and `regtui show`, driven with Pilot on synthetic runs."""

import re

import pytest
from typer.testing import CliRunner

from regtui.cli.main import app as cli
from regtui.experiments.run_lookup import SavedRunError
from regtui.experiments.saved import load_runs
from regtui.tui.app import RegtuiApp
from regtui.tui.messages import EpochsDone, RunEnded, RunStarted
from regtui.tui.pacing import Pacer, parse_speed
from regtui.tui.widgets.charts import MARKERS
from regtui.tui.widgets.legend import Legend
from regtui.tui.widgets.norm_table import NormTable
from tests.tui.conftest import axis, shows, visible_text, wait_until
from tests.tui.streams import fake_result


def test_the_pacer_meters_a_fast_run_over_seconds():
    result = fake_result("true", 40)
    pacer = Pacer(1.0)
    for message in (RunStarted(result.info), EpochsDone(tuple(result.history)), RunEnded(result)):
        pacer.push(message)
    first = pacer.release(0.0)
    assert isinstance(first[0], RunStarted) and len(first) == 1  # no epoch before time passes
    shown = sum(1 for item in pacer.release(1.0) if not isinstance(item, RunStarted))
    assert 8 <= shown <= 12  # x1: 40 epochs over ~4 s, so ~10 in the first second
    pacer.speed = None  # full speed: the rest at once
    rest = pacer.release(1.1)
    assert isinstance(rest[-1], RunEnded) and not pacer.busy


def test_speed_option_parses_multipliers_and_full():
    assert parse_speed("2") == 2 and parse_speed("x0.5") == 0.5 and parse_speed("full") is None
    with pytest.raises(ValueError):
        parse_speed("-1")
    result = CliRunner().invoke(cli, ["tui", "--speed", "fast"])
    assert result.exit_code == 2 and "--speed" in result.output


async def test_show_replays_at_the_chosen_pace_and_speed_keys_change_it():
    app = RegtuiApp(saved=[fake_result("true", 40), fake_result("random", 40, random_labels=True)], speed=0.5)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: [len(r.epochs) for r in app.runs] == [40, 40])  # the whole comparison
        await pilot.press("r")  # r replays it at --speed
        await wait_until(lambda: app.runs and 0 < len(app.runs[0].epochs) < 40)  # mid-way: they grow
        assert app.speed_text() == "x0.5"
        await shows(app.query_one(Legend), "speed x0.5")
        for _ in range(10):
            await pilot.press("plus")
        assert app.speed_text() == "full"
        await wait_until(lambda: len(app.runs) == 2 and app.runs[1].result is not None, 10)
        await pilot.press("minus")
        assert app.speed_text() == "x8"
        await pilot.press(*["minus"] * 5)
        assert app.speed_text() == "x0.25"  # 2.5 epochs a second: a replay takes 32 s
        await pilot.press("r")  # replay from epoch 1
        assert len(app.runs) <= 1 and (not app.runs or len(app.runs[0].epochs) < 40)
        await pilot.press("x")  # skip to its end
        await wait_until(lambda: len(app.runs) == 2 and app.runs[1].result is not None, 10)


async def test_chart_controls_hide_runs_zoom_and_log():
    app = RegtuiApp(saved=[fake_result("true", 200), fake_result("random", 200, random_labels=True)],
                    speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        accuracy = app.query_one("#accuracy")
        # the frame clock draws within its budget: each step waits for the drawn text
        await shows(accuracy, MARKERS[1])  # random's validation markers
        await pilot.press("2")
        await wait_until(lambda: MARKERS[1] not in visible_text(accuracy), 10)  # hidden...
        await shows(app.query_one(Legend), "random")  # ...but still in the legend
        await pilot.press("z", "z")  # fitted to the runs (the whole 200 here), then the last 50
        await wait_until(lambda: axis(accuracy)[:1] == ["151"], 10)  # last 50 epochs
        assert axis(accuracy)[-1] == "200"
        await pilot.press("l")
        await shows(app.query_one("#norm"), "(log)")
        await pilot.press("n")
        await shows(app.query_one(NormTable), "true @ epoch 200/200")


async def test_charts_are_legible():
    app = RegtuiApp(saved=[fake_result(n, 200) for n in ("a", "b", "c", "d")], speed=None)
    async with app.run_test(size=(80, 24)):
        await wait_until(lambda: len(app.runs) == 4 and app.runs[3].result is not None, 10)
        await shows(app.query_one(Legend), *(f"{MARKERS[i]} {n}" for i, n in enumerate("abcd")))  # none cut
        accuracy = app.query_one("#accuracy")
        await wait_until(lambda: axis(accuracy)[-1:] == ["200"], 10)
        assert not re.search(r"\d\.\d", " ".join(axis(accuracy)))  # epoch ticks are integers


async def test_log_loss_axis_is_compact_with_a_floor():
    from dataclasses import replace

    from regtui.tui.session import SessionRun
    from regtui.tui.widgets.toy_charts import LossChart

    result = fake_result("toy", 100)
    app = RegtuiApp(preset="overfitting")
    async with app.run_test(size=(120, 40)) as pilot:
        info = replace(result.info, config=app.preset.runs[0], points=((0.0, 1.0), (0.0, 2.0)),
                       x_test=(0.0, 0.5, 1.0))
        run = SessionRun("toy", info)
        for i, r in enumerate(result.history):  # losses falling to float noise (1e-16)
            run.add(replace(r, train_loss=10 ** (1 - i / 6), train_acc=None, val_acc=None))
        app.runs.append(run)
        app.query_one(LossChart).redraw(app.runs, app.query_one("#main").options)
        await pilot.pause(0.3)
        lines = visible_text(app.query_one(LossChart)).splitlines()
        labels = [line.split("┤")[0].strip() for line in lines if "┤" in line]
        assert "0" not in labels and all(len(label) <= 5 for label in labels)
        assert labels[-1] == "1e-10" and "1" in labels and "0.01" in labels  # compact; floor at the bottom
        assert len({line.index("┤") for line in lines if "┤" in line}) == 1  # one stable axis column
        assert "floor 1e-10" in lines[0]  # the title says so


def test_show_rejects_what_is_not_a_run_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["show", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "not a run folder" in result.output
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.toml").write_text("[defaults]\nepochs = 3\n")
    (bad / "metrics.csv").write_text("epoch,nonsense\n1,2\n")
    with pytest.raises(SavedRunError, match="missing column"):
        load_runs([bad])


async def test_a_folder_written_by_regtui_run_replays_in_show(tmp_path):
    out = tmp_path / "runs"
    result = CliRunner().invoke(cli, ["run", "quick", "--epochs", "5", "--out", str(out), "--no-plot"])
    assert result.exit_code == 0, result.output
    session = next(out.iterdir())
    (session / "random" / "summary.json").unlink()  # as a kill -9 leaves it: still opens
    (session / "random" / "status").write_text("running\n")
    saved = load_runs([session])
    assert [r.info.config.name for r in saved] == ["true", "random"]
    assert saved[0].history[-1].epoch == 5 and saved[1].stop_reason == "interrupted"
    app = RegtuiApp(saved=saved, speed=None)
    async with app.run_test(size=(120, 40)):
        await shows(app.query_one(NormTable), "random @ epoch 5/5")
        await shows(app.query_one(Legend), "true")


def test_the_saved_run_loader_imports_no_ui():
    import subprocess
    import sys

    code = ("import sys, regtui.experiments.saved; "
            "assert 'textual' not in sys.modules and 'rich' not in sys.modules")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


async def test_show_opens_two_sessions_holding_runs_of_the_same_name(tmp_path, monkeypatch):
    """Two sessions' "true" runs open together, told apart by their session folder's name."""
    from regtui.experiments.run_folders import write_run

    for session in ("monday", "tuesday"):
        (tmp_path / session).mkdir()
        write_run(tmp_path / session, fake_result("true", 20), "synthetic")
    opened = {}
    monkeypatch.setattr("regtui.tui.launch.launch", lambda **kw: opened.update(kw) or 0)
    result = CliRunner().invoke(cli, ["show", str(tmp_path / "monday"), str(tmp_path / "tuesday")])
    assert result.exit_code == 0, result.output
    saved = [event.result for event in opened["follower"].poll().events]
    names = [r.info.config.name for r in saved]
    assert names == ["true", "tuesday-true"]
    assert {r.run for r in saved[1].history} == {"tuesday-true"}
    app = RegtuiApp(saved=saved, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: len(app.runs) == 2 and app.runs[1].result is not None, 10)
        await shows(app.query_one(Legend), "1:• true", "2:+ tuesday-true")
        app.out_dir = tmp_path / "saved"
        await pilot.press("w")  # both save side by side: the new name is a valid folder name
        await wait_until(lambda: any(app.out_dir.glob("*/tuesday-true/metrics.csv")), 10)


async def test_a_zoom_on_image_runs_does_not_carry_over_to_the_toy():
    """'Last 20 epochs' chosen on an image preset would show 20 of the toy's 10,000 steps."""
    from textual.widgets import Select

    from regtui.tui.widgets.live_view import LiveView

    app = RegtuiApp(preset="quick")
    async with app.run_test(size=(120, 40)):
        view = app.query_one(LiveView)
        await wait_until(lambda: view.kind.has_accuracy, 20)
        for _ in range(3):
            app.action_zoom()  # what `z z z` does: fitted, last 50, last 20
        assert view.options.last == 20
        app.query_one("#preset", Select).value = "overfitting"
        await wait_until(lambda: not view.kind.has_accuracy, 20)
        assert view.options.last is None
