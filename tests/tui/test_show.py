"""`regtui show`: a viewer that opens on the whole comparison, does not train, shows the runs'
own settings, keeps sessions apart, and exports a figure (Pilot tests and the CLI)."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from textual.widgets import Footer, Input, Select
from typer.testing import CliRunner

from regtui.cli.main import app as cli
from regtui.experiments.follow import Follower
from regtui.experiments.run_folders import write_run
from regtui.tui.app import RegtuiApp
from regtui.tui.widgets.help import HelpScreen
from regtui.tui.widgets.legend import Legend
from regtui.tui.widgets.settings import SettingsPane
from tests.tui.conftest import visible_text, wait_until
from tests.tui.streams import fake_result
from tests.unit.test_follow import members


@pytest.fixture(scope="module")
def quick_session(tmp_path_factory):
    """A session folder written by a real `regtui run quick --epochs 5`."""
    out = tmp_path_factory.mktemp("runs")
    result = CliRunner().invoke(cli, ["run", "quick", "--epochs", "5", "--out", str(out), "--no-plot"])
    assert result.exit_code == 0, result.output
    return next(out.iterdir())


def footer_labels(app) -> list[str]:
    """The labels the footer shows: its active bindings that are shown (dimmed or not)."""
    return [b.binding.description for b in app.screen.active_bindings.values() if b.binding.show]


def three_runs():
    return [fake_result("true", 200), fake_result("random", 200, random_labels=True),
            fake_result("partial", 200, upto=120, stop_reason="patience")]


async def test_show_opens_on_the_whole_comparison_at_once():
    """Every run's whole curves on the first frame, at the default speed: no replay first."""
    app = RegtuiApp(saved=three_runs(), speed=1.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [len(r.epochs) for r in app.runs] == [200, 200, 120]
        assert all(r.result is not None for r in app.runs) and not app.pacer.busy
        await wait_until(lambda: "3:x partial" in visible_text(app.query_one(Legend)), 10)
        assert app.current.name == "partial" and "r replay" in app.message_line
        assert not app.engine_ready  # the viewer never loads torch: nothing to train


async def test_the_viewer_does_not_train_and_says_how_to(quick_session):
    app = RegtuiApp(follower=Follower([quick_session]), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = footer_labels(app)
        assert "Replay" in footer and "Export" in footer  # the viewer's own keys ...
        assert "Start" not in footer and "Run all" not in footer  # ... and none that train
        for key in ("s", "a", "c", "p"):
            app.clear_notifications()
            await pilot.press(key)
            await wait_until(lambda: app._notifications, 10)
            note = next(iter(app._notifications)).message
            assert "does not train" in note and "regtui tui quick" in note, note
        assert not app.training and [r.name for r in app.runs] == ["true", "random"]
        await pilot.press("question_mark")
        await wait_until(lambda: isinstance(app.screen, HelpScreen), 10)
        says = "regtui show is a viewer of saved runs: it does not train"  # once the help is laid out
        await wait_until(lambda: says in " ".join(svg_text(app.export_screenshot()).split()), 10)
    app = RegtuiApp(preset="quick")  # the training app keeps its keys in the footer
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = footer_labels(app)
        assert "Start" in footer and "Run all" in footer and "Export" not in footer


async def test_the_settings_pane_shows_the_runs_own_settings(quick_session):
    app = RegtuiApp(follower=Follower([quick_session]), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        await wait_until(lambda: re.search(r"Preset\s*quick \(saved\)",  # not a default
                                           svg_text(app.export_screenshot())), 10)
        assert [c.name for c in app.query_one(SettingsPane).preset.runs] == ["true", "random"]
        run = app.query_one("#run", Select)
        assert app.query_one("#f-epochs", Input).value == "5"  # the run's own 5, not the preset's 40
        assert app.query_one("#f-labels", Select).value == "true"
        run.value = "random"
        await wait_until(lambda: app.query_one("#f-labels", Select).value == "random", 10)
        assert app.query_one("#f-epochs", Input).disabled and not run.disabled  # read-only but the Run list


async def test_same_named_seed_groups_of_two_sessions_are_two_legend_entries(tmp_path, monkeypatch):
    for name in ("monday", "tuesday"):
        (tmp_path / name).mkdir()
        members(tmp_path / name, "true")
    opened = {}
    monkeypatch.setattr("regtui.tui.launch.launch", lambda **kw: opened.update(kw) or 0)
    result = CliRunner().invoke(cli, ["show", str(tmp_path / "monday"), str(tmp_path / "tuesday")])
    assert result.exit_code == 0, result.output
    app = RegtuiApp(follower=opened["follower"], speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [(r.name, r.info.config.group) for r in app.runs][1:3] == [
            ("true-seed2", "true"), ("tuesday-true-seed1", "tuesday-true")]
        await wait_until(lambda: all(entry in "".join(svg_text(app.export_screenshot()).split())
                                     for entry in ("1:•true(2seeds)", "2:+tuesday-true(2seeds)")),
                         10)  # the legend, whole, once the frame clock has drawn it


def svg_text(path) -> str:
    """The text an SVG figure (a file, or the SVG itself) shows: Rich writes <text> elements."""
    root = ET.parse(path).getroot() if isinstance(path, Path) else ET.fromstring(path)  # well-formed XML
    assert root.tag.endswith("svg")
    return "".join(t.text or "" for t in root.iter() if t.tag.endswith("text")).replace("\xa0", " ")


def test_export_writes_an_svg_figure_with_the_runs(quick_session, tmp_path):
    target = tmp_path / "figure.svg"
    result = CliRunner().invoke(cli, ["show", str(quick_session), "--export", str(target)])
    assert result.exit_code == 0, result.output
    text = svg_text(target)
    assert "1:• true" in text and "2:+ random" in text  # the legend
    assert "Accuracy % per epoch" in text and "fc1.weight" in text  # the charts and the table
    assert "Replay" not in text and "palette" not in text  # no footer in a figure ...
    assert "r replay" not in text and f"2 runs from {quick_session}" in text  # ... nor key hints
    def width() -> float:
        return float(ET.parse(target).getroot().get("viewBox").split()[2])

    wide = width()
    result = CliRunner().invoke(cli, ["show", str(quick_session), "--export", str(target),
                                      "--size", "100x30"])
    assert result.exit_code == 0 and width() < wide


@pytest.mark.parametrize("args, words", [
    (["--export", "{tmp}/a-file/figure.svg"], "no such folder"),
    (["--export", "{tmp}/figure.png"], "ending in .svg"),
    (["--export", "{tmp}"], "that is a folder"),
    (["--export", "{tmp}/f.svg", "--size", "50x10"], "--size '50x10'"),
    (["--export", "{tmp}/f.svg", "--follow"], "leave out --follow"),
    (["--size", "100x30"], "give --export FILE.svg too"),
    (["--follow", "--exit-when-done"], "quit with q"),
])
def test_export_and_show_options_that_cannot_work_are_one_line_errors(quick_session, tmp_path, args, words):
    (tmp_path / "a-file").write_text("not a folder")
    before = set(tmp_path.rglob("*"))
    args = [a.format(tmp=tmp_path) for a in args]
    result = CliRunner().invoke(cli, ["show", str(quick_session), *args])
    assert result.exit_code == 2 and words in result.output, result.output
    assert result.output.startswith("Error:") and len(result.output.strip().splitlines()) == 1
    assert set(tmp_path.rglob("*")) == before  # nothing left behind


def test_an_export_that_cannot_be_written_leaves_nothing(quick_session, tmp_path, monkeypatch):
    def full_disk(path, svg):
        from regtui.system.atomic import atomic_open

        with atomic_open(path) as fh:  # the temporary file is made, then the disk fills up
            fh.write(svg[:10])
            raise OSError(28, "No space left on device")
    monkeypatch.setattr("regtui.tui.export.write_figure", full_disk)
    result = CliRunner().invoke(cli, ["show", str(quick_session), "--export", str(tmp_path / "f.svg")])
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []


async def test_the_export_key_writes_beside_the_session_and_says_where(tmp_path):
    session = tmp_path / "quick-20261201-120000"
    session.mkdir()
    for result in three_runs()[:2]:
        write_run(session, result, "synthetic")
    inside = set(session.rglob("*"))
    app = RegtuiApp(follower=Follower([session]), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        figure = tmp_path / "quick-20261201-120000.svg"
        await wait_until(lambda: f"Exported the figure to {figure}" in app.message_line, 10)
        assert "1:• true" in svg_text(figure) and "Export" not in svg_text(figure)
        assert app.query_one(Footer).display  # the footer is back
        await pilot.press("e")  # never overwrites: the next name
        await wait_until(lambda: (tmp_path / "quick-20261201-120000-2.svg").is_file(), 10)
    assert set(session.rglob("*")) == inside  # nothing written inside the folder shown


async def test_the_export_key_in_the_training_app_writes_to_the_runs_folder(tmp_path, small_preset,
                                                                            fake_training):
    from tests.tui.conftest import wait_for_training

    app = RegtuiApp(preset=small_preset, speed=None, out_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")  # nothing to export yet: it says so
        await wait_until(lambda: app._notifications, 10)
        assert "Nothing to export yet" in next(iter(app._notifications)).message
        await pilot.press("s")
        await wait_for_training(app)
        await pilot.press("e")
        await wait_until(lambda: list((tmp_path / "runs").glob("tui-small-*.svg")), 10)
        assert "Exported the figure to" in app.message_line


async def test_a_session_trained_on_a_gpu_opens_where_there_is_none():
    """Trained on a GPU server, looked at on a laptop: the status line names the device only."""
    from dataclasses import replace

    result = fake_result("true", 20)
    result.info = replace(result.info, device="cuda:0")
    app = RegtuiApp(saved=[result], speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await wait_until(lambda: "cuda:0" in visible_text(app.query_one("#status")), 10)
        assert app.is_running
