"""The Python API for notebooks: regtui.run and regtui.load, lazy, quiet, and the CLI's numbers."""

import csv
import signal
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import regtui
from regtui.cli.main import app
from regtui.engine.config import ConfigError


def test_import_regtui_loads_no_torch_and_no_ui():
    code = ("import sys, regtui; print(sorted(m for m in ('torch', 'textual', 'rich', 'typer', "
            "'pydantic', 'plotext') if m in sys.modules)); print(callable(regtui.run))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.split() == ["[]", "True"], (out.stdout, out.stderr)


def test_run_returns_plain_metrics_prints_nothing_and_writes_nothing(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    session = regtui.run("quick", epochs=3, device="cpu")
    assert [r.name for r in session] == ["true", "random"] and len(session) == 2
    true = session["true"]
    assert [m["epoch"] for m in true.metrics] == [1, 2, 3]
    assert set(true.metrics[0]) >= {"train_acc", "val_acc", "train_loss", "total_norm", "norm:fc1.weight"}
    assert all(isinstance(v, float) for v in true.column("val_acc"))
    assert true.summary["epochs_run"] == 3 and true.config["epochs"] == 3
    assert true.stop_reason == "finished" and session.folder is None and not session.interrupted
    assert list(tmp_path.iterdir()) == []  # nothing written without out=
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    with pytest.raises(KeyError, match="no run 'nope'; the session has: true, random"):
        session["nope"]


def test_run_gives_the_numbers_regtui_run_writes(tmp_path):
    result = CliRunner().invoke(app, ["run", "quick", "--epochs", "4", "--device", "cpu",
                                      "--out", str(tmp_path / "cli"), "--no-plot"])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "cli").iterdir()
    with open(folder / "random" / "metrics.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    api = regtui.run("quick", epochs=4, device="cpu")["random"]
    for row, mine in zip(rows, api.metrics, strict=True):
        for key in ("train_acc", "val_acc", "train_loss", "val_loss", "total_norm", "norm:fc1.weight"):
            assert float(row[key]) == mine[key], key  # the same bits, through the same CSV text


def test_out_writes_run_folders_that_load_reads_back(tmp_path, capfd):
    session = regtui.run("quick", epochs=2, device="cpu", out=tmp_path, progress=True)
    assert session.folder is not None and session.folder.parent == tmp_path
    assert session["true"].folder == session.folder / "true"
    err = capfd.readouterr().err
    assert "[true] epoch 1/2" in err and "[random] finished at epoch 2/2" in err
    assert "\x1b" not in err  # plain lines
    back = regtui.load(session.folder)
    assert [r.name for r in back] == ["true", "random"]
    assert back["random"].column("val_acc") == session["random"].column("val_acc")
    assert back["true"].folder == session.folder / "true"


def test_seeds_and_grids_as_the_cli_has_them():
    session = regtui.run("quick", epochs=2, device="cpu", repeats=2, grid={"lr": [0.001, 0.01]})
    names = [r.name for r in session]
    assert names[:2] == ["true-lr0.001-seed2021", "true-lr0.001-seed2022"] and len(names) == 8
    group = session.groups[0]
    assert group["group"] == "true-lr0.001" and group["end_val_acc"]["n"] == 2


def test_a_bad_setting_raises_the_cli_s_message_before_training():
    with pytest.raises(ConfigError, match="key 'epochs' must be an integer >= 1"):
        regtui.run("quick", epochs=0)
    with pytest.raises(ConfigError, match=r"unknown key 'epoch'.*did you mean 'epochs'"):
        regtui.run("quick", epoch=5)
    with pytest.raises(ConfigError, match="seeds or repeats"):
        regtui.run("quick", seeds=[1, 2], repeats=2)


def test_the_notebook_keeps_its_own_ctrl_c_handler_after_a_run():
    before = signal.getsignal(signal.SIGINT)
    regtui.run("quick", epochs=1, device="cpu")
    assert signal.getsignal(signal.SIGINT) is before
