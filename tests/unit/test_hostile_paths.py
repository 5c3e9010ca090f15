"""Hostile names and files given to run, sweep, show, data and the Python API: each is one
line and a meaningful exit code, nothing written where it was not asked for (issue 16)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from typer.testing import CliRunner

import regtui
from regtui.cli.main import app
from regtui.experiments.run_folders import write_run
from regtui.experiments.run_lookup import SavedRunError
from regtui.experiments.saved import load_runs
from regtui.system.errors import RegtuiError
from tests.tui.streams import fake_result

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_app(monkeypatch):
    """`show` of something it wrongly accepts would open the app and wait for a person."""
    def opened(**kwargs):
        raise AssertionError("the app was opened")

    monkeypatch.setattr("regtui.tui.launch.launch", opened)


def one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_an_empty_preset_name_or_a_folder_says_what_it_is_and_what_is_wanted(command, tmp_path,
                                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    grid = ["--grid", "epochs=1"] if command == "sweep" else []
    empty = one_line_error(runner.invoke(app, [command, "", *grid]))
    assert "the preset name is empty" in empty and "'.'" not in empty and "does not exist" not in empty
    folder = one_line_error(runner.invoke(app, [command, str(tmp_path), *grid]))
    assert f"'{tmp_path}' is a folder, not a preset" in folder and "does not exist" not in folder
    assert "a .toml file" in folder
    run_folder = tmp_path / "quick-1" / "true"
    run_folder.mkdir(parents=True)
    (run_folder / "config.toml").write_text("[defaults]\nepochs = 1\n")
    saved = one_line_error(runner.invoke(app, [command, str(run_folder), *grid]))
    assert f"give its config.toml ({run_folder / 'config.toml'})" in saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quick-1"]  # nothing written


def test_show_of_a_file_says_it_is_a_file(tmp_path):
    write_run(tmp_path, fake_result("true", 5), "synthetic")
    metrics = tmp_path / "true" / "metrics.csv"
    line = one_line_error(runner.invoke(app, ["show", str(metrics)]))
    assert f"{metrics} is a file, not a folder" in line and "no such folder" not in line
    assert f"in the run folder {tmp_path / 'true'}" in line
    other = tmp_path / "notes.txt"
    other.write_text("x")
    assert "is a file, not a folder" in one_line_error(runner.invoke(app, ["show", str(other)]))
    missing = one_line_error(runner.invoke(app, ["show", str(tmp_path / "nope")]))
    assert "no such folder" in missing


def test_a_folder_of_sessions_names_its_newest_session_to_show_load_and_follow(tmp_path):
    """`regtui show runs/` (the --out folder, not a session in it): show, the API and --follow
    give the same answer, naming the newest session, and nothing opens."""
    import os

    for i, session in enumerate(["quick-1", "quick-2"]):
        write_run(tmp_path / session, fake_result("true", 5), "synthetic")
        os.utime(tmp_path / session, (1_000_000 + i, 1_000_000 + i))
    said = f"{tmp_path} holds session folders, not runs: open one of them, e.g. {tmp_path / 'quick-2'}"
    assert said in one_line_error(runner.invoke(app, ["show", str(tmp_path)]))
    assert said in one_line_error(runner.invoke(app, ["show", "--follow", str(tmp_path)]))
    with pytest.raises(SavedRunError, match="holds session folders"):
        regtui.load(tmp_path)


@pytest.mark.parametrize("doc", ["[1, 2]", "3", '"text"', "null", '{"norms": []}',
                                 '{"wall_time_s": "soon"}', '{"norms": {"layers": [{"name": "x"}] }}',
                                 '{"norms": {"layers": 5}}', "[" * 100_000])
def test_a_summary_of_another_shape_is_exit_2_not_an_interrupted_run(doc, tmp_path):
    write_run(tmp_path, fake_result("true", 5), "synthetic")
    (tmp_path / "true" / "summary.json").write_text(doc)
    if doc == '{"norms": {"layers": [{"name": "x"}] }}':  # as many layers as norm columns
        layers = {"norms": {"layers": [{"name": "x"}] * 4}}
        (tmp_path / "true" / "summary.json").write_text(json.dumps(layers))
    with pytest.raises(SavedRunError, match=r"summary\.json"):
        load_runs([tmp_path])
    line = one_line_error(runner.invoke(app, ["show", str(tmp_path)]))
    assert "summary.json" in line and "interrupted" not in line


def test_a_run_that_diverged_is_read_back_with_its_non_finite_numbers_named(tmp_path):
    """What regtui writes, regtui reads: inf norms and NaN losses of a diverged run."""
    result = fake_result("true", 6, upto=5, stop_reason="non-finite")
    inf = math.inf
    result.history[3:] = [replace(r, layer_norms=(inf,) * 4, total_norm=inf, train_loss=math.nan)
                          for r in result.history[3:]]
    write_run(tmp_path, result, "synthetic")
    assert "inf" in (tmp_path / "true" / "metrics.csv").read_text()
    (saved,) = load_runs([tmp_path])
    assert [r.epoch for r in saved.history] == [1, 2, 3, 4, 5]
    assert saved.history[4].total_norm == inf and math.isnan(saved.history[3].train_loss)
    assert saved.stop_reason == "non-finite"
    assert saved.info.notes == ("true: epochs 4-5 hold NaN or infinite numbers (the run diverged); "
                                "the charts leave them out",)


@pytest.mark.parametrize(("epoch", "why"), [("1e400", "not an epoch number"), ("nan", "not an epoch number"),
                                             ("-1", "not an epoch number"), ("1.5", "not an epoch number"),
                                             ("7", "epoch 7 where epoch 3 belongs"), ("x", "not a number")])
def test_a_metrics_file_with_impossible_epochs_is_one_line(epoch, why, tmp_path):
    write_run(tmp_path, fake_result("true", 5), "synthetic")
    metrics = tmp_path / "true" / "metrics.csv"
    lines = metrics.read_text().splitlines()
    lines[3] = epoch + lines[3][1:]  # the third epoch's row
    metrics.write_text("\n".join(lines) + "\n")
    line = one_line_error(runner.invoke(app, ["show", str(tmp_path)]))
    assert why in line and "line 4" in line


def test_a_last_row_cut_short_by_a_crash_is_left_out(tmp_path):
    write_run(tmp_path, fake_result("true", 5), "synthetic")
    metrics = tmp_path / "true" / "metrics.csv"
    metrics.write_text(metrics.read_text() + "6,55.0,4")  # a power cut mid-row: no newline
    (tmp_path / "true" / "summary.json").unlink()
    (saved,) = load_runs([tmp_path])
    assert [r.epoch for r in saved.history] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("args", [["run", "quick", "--out", ""], ["sweep", "quick", "--grid", "epochs=1",
                                                                   "--out", " "],
                                  ["run", "quick", "--cache-dir", ""], ["data", "list", "--cache-dir", ""],
                                  ["data", "fetch", "afhq", "--cache-dir", ""], ["show", ""]])
def test_an_empty_folder_name_is_refused_not_taken_for_the_current_folder(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = one_line_error(runner.invoke(app, args))
    assert "is empty" in line
    assert not list(tmp_path.iterdir())  # nothing written into the current folder


def test_the_python_api_refuses_empty_folder_names_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RegtuiError, match="out is empty"):
        regtui.run("quick", out="", epochs=1)
    with pytest.raises(RegtuiError, match="a folder name is empty"):
        regtui.load("")
    assert not list(tmp_path.iterdir())


def test_a_huge_grid_is_refused_at_once_with_its_count(tmp_path, monkeypatch):
    from regtui.experiments import sweep

    def never(*args, **kwargs):
        raise AssertionError("the grid was expanded before it was counted")

    monkeypatch.setattr(sweep, "expand_grid", never)
    lrs = ",".join(f"{1e-4 * (i + 1):.6g}" for i in range(1000))
    momenta = ",".join(f"{i / 1000:g}" for i in range(1000))
    line = one_line_error(runner.invoke(app, ["sweep", "quick", "--grid", f"lr={lrs}", "--grid",
                                              f"momentum={momenta}", "--out", str(tmp_path)]))
    assert ("2 runs times 1,000,000 grid points make 2,000,000 runs, more than the limit of 1,000; "
            "give --max-runs 2000000") in line
    seeds = one_line_error(runner.invoke(app, ["run", "quick", "--repeats", "501", "--out", str(tmp_path)]))
    assert "2 runs times their seeds make 1,002 runs" in seeds
    asked = one_line_error(runner.invoke(app, ["sweep", "quick", "--grid", "epochs=1,2", "--repeats", "2",
                                               "--max-runs", "7", "--out", str(tmp_path)]))
    assert "make 8 runs, more than the limit of 7" in asked
    with pytest.raises(RegtuiError, match="make 4 runs, more than the limit of 3"):
        regtui.run("quick", grid={"epochs": [1, 2]}, max_runs=3)
    assert not list(tmp_path.iterdir())


def test_repeats_that_push_the_seed_past_the_largest_say_so(tmp_path):
    line = one_line_error(runner.invoke(app, ["run", "quick", "--seed", "4294967295", "--repeats", "2",
                                              "--out", str(tmp_path)]))
    assert "seed 4294967295 with repeats 2 needs the seeds 4294967295..4294967296, past the largest" in line
    assert "use a seed of at most 4294967294" in line and "got 4294967296" not in line


def test_a_preset_nested_thousands_deep_or_with_terminal_commands_is_refused(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text('description = "d"\n[defaults]\nseeds = ' + "[" * 50_000 + "]" * 50_000 + "\n")
    assert "nested thousands deep" in one_line_error(runner.invoke(app, ["run", str(deep)]))
    title = tmp_path / "title.toml"
    title.write_text('description = "evil \\u001b]0;owned\\u0007"\n[defaults]\nepochs = 1\n')
    line = one_line_error(runner.invoke(app, ["run", str(title), "--out", str(tmp_path / "o")]))
    assert "'description' must be a string of one line, without control characters" in line
    assert not (tmp_path / "o").exists()


def test_names_holding_terminal_commands_are_printed_as_escapes(tmp_path):
    hostile = tmp_path / "a\x1b]52;c;b3duZWQ=\x07b"  # OSC 52: would write the clipboard
    result = runner.invoke(app, ["show", str(hostile)])
    line = one_line_error(result)
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "a\\x1b]52;c;b3duZWQ=\\x07b: no such folder" in line
    hostile.mkdir()  # a folder that exists: its name reaches a run's log line through the data
    result = runner.invoke(app, ["run", "quick", "--dataset", "folder", "--data-dir", str(hostile),
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "\x1b" not in result.output and "\\x1b]52" in result.output


def test_a_metrics_file_that_is_not_a_regular_file_is_refused_not_read_forever(tmp_path):
    import os

    write_run(tmp_path, fake_result("true", 5), "synthetic")
    metrics = tmp_path / "true" / "metrics.csv"
    metrics.unlink()
    os.mkfifo(metrics)  # reading a FIFO with no writer would block for ever
    assert "not a regular file" in one_line_error(runner.invoke(app, ["show", str(tmp_path / "true")]))
