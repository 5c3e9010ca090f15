"""The typer CLI through CliRunner: commands, run folders, JSON, exit codes, no tracebacks."""

import csv
import json

import pytest
import torch
import typer
from typer.testing import CliRunner

from regtui import __version__
from regtui.cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_version_and_help():
    assert invoke("--version").output.strip() == f"regtui {__version__}"
    help_text = invoke("run", "--help").output
    for option in ("--epochs", "--device", "--seed", "--out", "--json", "--labels", "--patience"):
        assert option in help_text


@pytest.mark.parametrize("command", [[], ["run"], ["sweep"], ["show"], ["tui"], ["norms"],
                                     ["presets"], ["data"], ["data", "list"], ["data", "fetch"]])
def test_help_reads_at_80_columns_as_plain_text(command):
    """Help is read over SSH at 80 columns and in logs: no boxes, no markup, no cut summaries."""
    out = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"}, terminal_width=80).output
    assert out.startswith("Usage: regtui")
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "╭" not in out and "│" not in out
    assert "[b]" not in out and "[/]" not in out
    if "Commands:" in out:
        assert "..." not in out.split("Commands:")[1]


def test_presets_lists_every_preset_with_its_description():
    out = invoke("presets").output
    for name in ("memorization", "early-stopping", "overfitting", "quick"):
        assert name in out
    assert "BigAnimalNet memorizes 100 images" in out


def test_norms_prints_reference_value():
    result = invoke("norms", "animal_net", "--seed", "2021")
    assert result.exit_code == 0
    assert "7.3810" in result.output and "fc1.weight" in result.output and "393,216" in result.output
    big = runner.invoke(app, ["norms", "big_animal_net"], terminal_width=80).output.splitlines()[0]
    assert big.endswith("memorization model); seed 2021")  # one unbroken heading, no nested parentheses


def test_run_writes_a_complete_run_folder(tmp_path):
    result = invoke("run", "quick", "--epochs", "6", "--device", "cpu", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    (session,) = tmp_path.iterdir()
    for name in ("true", "random"):
        folder = session / name
        assert {p.name for p in folder.iterdir()} == {
            "config.toml", "metrics.csv", "summary.json", "final.pt", "best.pt", "status"}
        assert (folder / "status").read_text() == "finished\n"  # no temporary files are left
        rows = list(csv.DictReader((folder / "metrics.csv").read_text().splitlines()))
        assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4, 5, 6]
        assert "norm:fc1.weight" in rows[0]
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["stop_reason"] == "finished" and summary["epochs_run"] == 6
        weights = torch.load(folder / "final.pt")
        assert weights["fc1.weight"].shape == (124, 3072)
        # the saved config re-runs the same experiment
        rerun = invoke("run", str(folder / "config.toml"), "--out", str(tmp_path / "again"))
        assert rerun.exit_code == 0
    assert "Summary" in result.output and "\x1b[" not in result.output  # plain text off a terminal


def test_json_summary_is_machine_readable(tmp_path):
    result = runner.invoke(app, ["run", "early-stopping", "--epochs", "30", "--patience", "2",
                                 "--device", "cpu", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    (run,) = doc["runs"]
    assert run["stop_reason"] == "patience"
    assert run["best"]["epoch"] is not None and run["best"]["val_acc"] is not None
    assert run["final"]["train_acc"] is not None
    assert run["norms"]["total_before"] == pytest.approx(7.3810, abs=1e-4)
    assert len(run["norms"]["layers"]) == 6 and run["wall_time_s"] > 0
    assert run["config"]["patience"] == 2 and run["config"]["early_stopping"] is True


@pytest.mark.parametrize("args,message", [
    (["run", "nope"], "unknown preset 'nope'"),
    (["run", "quick", "--labels", "noisy"], "key 'labels' must be one of"),
    (["run", "quick", "--epochs", "0"], "key 'epochs' must be an integer >= 1"),
    (["run", "quick", "--device", "tpu"], "device"),
    (["norms", "resnet"], "unknown model 'resnet'"),
])
def test_user_errors_exit_2_with_a_message_not_a_traceback(args, message, tmp_path):
    result = runner.invoke(app, [*args, "--out", str(tmp_path)] if args[0] == "run" else args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())  # nothing half-written


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_asking_for_cuda_without_it_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", "quick", "--device", "cuda", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "CUDA is not available" in result.output


def test_bad_key_in_a_preset_file_exits_2_naming_file_and_key(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('description = "d"\n[defaults]\nlearning_rate = 0.1\n')
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{path} [defaults]: unknown key 'learning_rate'" in " ".join(result.output.split())


def test_every_setting_is_a_run_option_with_its_own_help_or_deliberately_preset_only():
    from regtui.cli.train import PRESET_ONLY
    from regtui.engine.config import FIELDS

    options = {p.name: p for p in typer.main.get_command(app).commands["run"].params}
    settings = {k for k in options if k in FIELDS}
    assert settings | PRESET_ONLY == set(FIELDS), "add a `regtui run` option or a PRESET_ONLY entry"
    assert not settings & PRESET_ONLY
    for key in settings:
        assert options[key].help.startswith(FIELDS[key].help), key  # one source for help text


@pytest.mark.parametrize("args", [
    ["run", "quick", "--lr", "nan"],
    ["run", "quick", "--label-fraction", "inf"],
    ["run", "quick", "--momentum", "-inf"],
    ["run", "quick", "--min-delta", "nan"],
    ["run", "quick", "--seed", "4294967296"],
    ["run", "quick", "--seed", "-1"],
    ["run", "quick", "--epochs", str(10**30)],
    ["run", "quick", "--batch-size", str(10**30)],
    ["norms", "animal_net", "--seed", "4294967296"],
    ["norms", "animal_net", "--seed", "-1"],
])
def test_non_finite_and_out_of_range_numbers_exit_2_with_one_line(args, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, "--out", str(out)] if args[0] == "run" else args)
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: command line: key ") and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("name", ["../../x", "/tmp/regtui-escape-test", "a\\b", ".."])
def test_a_run_name_cannot_write_outside_the_out_folder(tmp_path, name):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    path = tmp_path / "deep" / "er" / "p.toml"
    path.write_text(f'description = "x"\n[[runs]]\nname = {json.dumps(name)}\nepochs = 1\n')
    out = tmp_path / "deep" / "er" / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2 and "key 'name' must be one folder name" in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["deep", "er", "p.toml"]


def test_every_setting_option_reaches_the_runs(tmp_path):
    result = runner.invoke(app, [
        "run", "quick", "--epochs", "1", "--n-train", "12", "--n-val", "9", "--image-size", "8",
        "--shuffle", "--min-delta", "0.5", "--no-restore-best", "--snapshot-every", "7",
        "--strict", "--optimizer", "adam", "--device", "cpu", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for run in json.loads(result.stdout)["runs"]:
        cfg = run["config"]
        assert (cfg["shuffle"], cfg["min_delta"], cfg["restore_best"], cfg["snapshot_every"],
                cfg["strict_images"], cfg["image_size"], cfg["optimizer"]) == \
            (True, 0.5, False, 7, True, 8, "adam")


def test_data_dir_on_the_toy_data_is_refused_before_anything_is_written(tmp_path):
    from typer.testing import CliRunner

    from regtui.cli.main import app

    result = CliRunner().invoke(app, ["run", "overfitting", "--data-dir", str(tmp_path),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "not used by data set 'toy'" in result.output
    assert not (tmp_path / "out").exists()
