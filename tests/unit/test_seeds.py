"""Seeds: members are ordinary runs that equal their single runs; groups report mean ± sample sd."""

import json
import math

import pytest
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.engine import EpochReport, RunInfo, RunResult, Trainer
from regtui.engine.config import ConfigError, from_mapping
from regtui.experiments.aggregate import group_results, stat, varying_setting
from regtui.experiments.censored import first_epoch_at
from regtui.experiments.presets import load_preset
from regtui.experiments.seeds import expand_seeds

runner = CliRunner()


def test_stat_is_mean_and_sample_sd_against_hand_numbers():
    s = stat([98.0, 99.0, 99.0, None])  # None (no value) is left out
    assert s.n == 3 and s.min == 98.0 and s.max == 99.0
    assert s.mean == pytest.approx(98.6667, abs=1e-4)
    # sample sd: sqrt(((-2/3)^2 + (1/3)^2 + (1/3)^2) / (3 - 1)) = sqrt(1/3)
    assert s.sd == pytest.approx(math.sqrt(1 / 3))
    assert s.text() == "98.7 ± 0.6"
    assert stat([5.0]).sd is None and stat([5.0]).text() == "5.0"
    assert stat([None]) is None


def _result(name, group, seed, train, val, fraction=0.5):
    """A finished run with the given per-epoch train/val accuracies (no training)."""
    cfg = from_mapping({"name": name, "group": group, "seed": seed, "labels": "partial",
                        "label_fraction": fraction}, "t")
    info = RunInfo(cfg, "cpu", (), (), 1.0, "hand")
    best = max(range(len(val)), key=lambda i: (val[i], -i)) + 1
    hist = [EpochReport(name, i + 1, len(train), 0.1, 0.2, (), 2.0 + i, 0.0, t, v, best, val[best - 1])
            for i, (t, v) in enumerate(zip(train, val, strict=True))]
    return RunResult(info, hist, "finished", 0.0, {})


def test_groups_compute_mean_and_spread_of_what_members_ended_with():
    results = [_result("a-seed1", "a", 1, [50, 100, 100], [40, 60, 50]),
               _result("a-seed2", "a", 2, [60, 90, 100], [40, 50, 70]),
               _result("b-seed1", "b", 1, [10, 20, 30], [30, 30, 30], fraction=1.0)]
    a, b = group_results(results)
    assert (a.name, len(a.results), b.name, len(b.results)) == ("a", 2, "b", 1)
    assert a.stats["end_train_acc"].mean == 100 and a.stats["end_train_acc"].sd == 0
    assert a.stats["end_val_acc"].mean == 60 and a.stats["end_val_acc"].sd == pytest.approx(
        math.sqrt(2 * 10**2))  # values 50 and 70: sd = |70 - 50| / sqrt(2)
    assert a.stats["gap"].mean == 40  # (100 - 50 + 100 - 70) / 2
    assert a.stats["best_epoch"].mean == 2.5  # epochs 2 and 3
    fit = a.fits["fit_epoch"]  # first 100% at epochs 2 and 3: both reached, median 2.5
    assert fit.epochs == (2, 3) and fit.n_reached == 2 and fit.median() == (2.5, "2.5")
    never = b.fits["fit_epoch"]  # never reached: censored at its last epoch, 3
    assert never.epochs == (3,) and never.n_reached == 0 and never.median() == (None, ">3")
    assert b.stats["gap"].sd is None and first_epoch_at(results[2]) is None
    assert varying_setting([a, b]) == "label_fraction"
    summary = a.summary()
    assert summary["seeds"] == [1, 2] and summary["end_val_acc"]["mean"] == 60
    assert summary["fit_epoch"]["reached"] == 2 and summary["fit_epoch"]["censored"] == [False, False]
    json.dumps(summary)


def test_seeds_and_repeats_expand_into_named_grouped_members():
    base = from_mapping({"name": "true", "seeds": [2021, 1, 2]}, "t")
    members = expand_seeds([base, from_mapping({"name": "x", "seed": 5, "repeats": 2}, "t")])
    assert [(m.name, m.group, m.seed) for m in members] == [
        ("true-seed2021", "true", 2021), ("true-seed1", "true", 1), ("true-seed2", "true", 2),
        ("x-seed5", "x", 5), ("x-seed6", "x", 6)]
    assert all(m.seeds == () and m.repeats == 1 for m in members)
    with pytest.raises(ConfigError, match="not both"):
        from_mapping({"seeds": [1, 2], "repeats": 3}, "t")
    with pytest.raises(ConfigError, match="distinct"):
        from_mapping({"seeds": [1, 1]}, "t")
    with pytest.raises(ConfigError, match="'seeds' must be a list"):
        from_mapping({"seeds": ["1"]}, "t")


def test_member_equals_its_single_seed_run():
    members = load_preset("quick", {"seeds": (2021, 7), "epochs": 3, "device": "cpu"}).runs
    assert [m.name for m in members] == ["true-seed2021", "true-seed7", "random-seed2021",
                                         "random-seed7"]
    single = load_preset("quick", {"seed": 7, "epochs": 3, "device": "cpu"}).runs[1]  # random
    a, b = Trainer(members[3]).run(), Trainer(single).run()
    numbers = [(r.train_loss, r.val_loss, r.train_acc, r.val_acc, r.layer_norms) for r in a.history]
    assert numbers == [(r.train_loss, r.val_loss, r.train_acc, r.val_acc, r.layer_norms)
                       for r in b.history]  # exactly: same split, labels and initial weights
    assert a.info.initial_norms == b.info.initial_norms


def test_cli_seeds_write_a_folder_per_member_and_group_stats_in_json(tmp_path):
    result = runner.invoke(app, ["run", "quick", "--seeds", "2021,7", "--epochs", "2", "--device",
                                 "cpu", "--out", str(tmp_path), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [g["group"] for g in doc["groups"]] == ["true", "random"]
    assert doc["groups"][0]["end_val_acc"]["n"] == 2 and doc["groups"][0]["sd"] == "sample (n-1)"
    (session,) = tmp_path.iterdir()
    assert sorted(p.name for p in session.iterdir()) == [
        "random-seed2021", "random-seed7", "true-seed2021", "true-seed7"]
    assert 'group = "true"' in (session / "true-seed7" / "config.toml").read_text()


@pytest.mark.parametrize("args, message", [
    (["--seeds", "1,x"], "comma-separated integers"),
    (["--seeds", "3,3"], "distinct"),
    (["--seeds", "1", "--repeats", "2"], "not both"),
    (["--repeats", "0"], "'repeats' must be"),
])
def test_bad_seeds_exit_2_with_one_line(args, message, tmp_path):
    result = runner.invoke(app, ["run", "quick", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and not any(tmp_path.iterdir())
