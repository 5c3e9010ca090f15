"""`regtui sweep`: grids are parsed and checked like presets, expand to named runs, and report per point."""

import json

import pytest
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.engine.config import ConfigError
from regtui.experiments.presets import load_preset
from regtui.experiments.sweep import expand_grid, parse_grid

runner = CliRunner()


def test_grid_values_take_the_settings_types():
    assert parse_grid(["lr=1e-3,0.005", "shuffle=true,False", "labels=random", "epochs=3"]) == [
        ("lr", [0.001, 0.005]), ("shuffle", [True, False]), ("labels", ["random"]), ("epochs", [3])]


def test_grid_is_the_cartesian_product_named_after_the_varying_values():
    base = load_preset("quick").runs  # true, random
    runs = expand_grid(base, parse_grid(["lr=0.001,0.01", "momentum=0,0.5", "epochs=7"]))
    assert [r.name for r in runs[:4]] == ["true-lr0.001-momentum0", "true-lr0.001-momentum0.5",
                                          "true-lr0.01-momentum0", "true-lr0.01-momentum0.5"]
    assert len(runs) == 8 and {r.epochs for r in runs} == {7}
    assert (runs[5].labels, runs[5].lr, runs[5].momentum) == ("random", 0.001, 0.5)


def test_a_grid_with_seeds_groups_each_point():
    runs = load_preset("quick", {"repeats": 2}, grid=parse_grid(["lr=0.001,0.01"])).runs
    assert [(r.name, r.group) for r in runs[:2]] == [("true-lr0.001-seed2021", "true-lr0.001"),
                                                     ("true-lr0.001-seed2022", "true-lr0.001")]
    assert len(runs) == 8


@pytest.mark.parametrize("spec, message", [
    ("lrr=1", "unknown key 'lrr' (did you mean 'lr'?)"),
    ("lr=", "no value"),
    ("lr=0.1,,0.2", "no value (or an empty one)"),
    ("lr", "write key=value1,value2"),
    ("lr=1,nan", "key 'lr' must be a number in (0, 10], got nan"),
    ("epochs=1.5", "'1.5' is not a valid value for 'epochs'"),
    ("labels=true,noisy", "key 'labels' must be one of"),
    ("lr=1,1.0", "repeated"),
    ("seeds=1,2", "use --seeds"),
])
def test_bad_grids_are_one_line_errors(spec, message):
    with pytest.raises(ConfigError, match=None) as info:
        parse_grid([spec])
    assert message in str(info.value)


@pytest.mark.parametrize("args, message", [
    (["--grid", "lr=0.1", "--grid", "lr=0.2"], "'lr' is given twice"),
    (["--grid", "lr="], "no value"),
    (["--grid", "model=net"], "grid point 'true' (model='net')"),
    (["--grid", "lr=0.1", "--ray", "auto", "--seeds", "x"], "comma-separated integers"),
])
def test_sweep_exits_2_before_training(args, message, tmp_path):
    result = runner.invoke(app, ["sweep", "quick", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and not any(tmp_path.iterdir())


def test_sweep_runs_every_point_and_tabulates_against_the_varying_setting(tmp_path):
    result = runner.invoke(app, ["sweep", "quick", "--grid", "labels=partial", "--grid",
                                 "label_fraction=0,1", "--grid", "epochs=2", "--grid", "device=cpu",
                                 "--repeats", "2", "--out", str(tmp_path), "--json", "--no-plot"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # quick's two runs both become partial: 2 runs x 2 fractions x 2 seeds
    assert len(doc["runs"]) == 8
    assert [g["group"] for g in doc["groups"]][:2] == ["true-label_fraction0", "true-label_fraction1"]
    (session,) = tmp_path.iterdir()
    assert len(list(session.iterdir())) == 8
    assert "Mean ± sd over seeds" in result.stderr
