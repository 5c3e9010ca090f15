"""Seed groups in the app's charts: one line per group, its mean inside a min–max band."""

import pytest
from typer.testing import CliRunner

from regtui.cli.main import app as cli
from regtui.engine import RunInfo
from regtui.experiments.presets import load_preset
from regtui.experiments.saved import load_runs
from regtui.tui.app import RegtuiApp
from regtui.tui.groups import chart_lines
from regtui.tui.session import SessionRun
from regtui.tui.widgets.legend import Legend
from regtui.tui.widgets.raster import Chart
from tests.tui.conftest import shows, wait_until


def _run(name: str, group: str, val: list[float], done: bool = True) -> SessionRun:
    cfg = load_preset("quick").runs[0].replace(name=name, group=group)
    run = SessionRun(name, RunInfo(config=cfg, device="cpu", layers=(), initial_norms=(),
                                   initial_total=1.0, data_source=""))
    run.epochs, run.val_acc = list(range(1, len(val) + 1)), list(val)
    run.result = object() if done else None  # only "ended or not" matters to the lines
    return run


def test_a_group_is_one_line_with_the_mean_and_min_max_of_finished_members():
    runs = [_run("a-seed1", "a", [10, 20, 30]), _run("solo", "", [5, 5]),
            _run("a-seed2", "a", [20, 40, 60]), _run("a-seed3", "a", [90], done=False)]
    group, solo = chart_lines(runs)
    assert (group.key, group.label, solo.label) == ("a", "a (3 seeds)", "solo")
    band = group.band("val_acc")
    assert band.epochs == [1, 2, 3]
    assert band.mean == pytest.approx([15, 30, 45])
    assert (band.low, band.high) == ([10, 20, 30], [20, 40, 60])
    assert group.live is runs[3]  # drawn on its own until it ends; not in the band yet
    assert solo.band("val_acc").low is None  # a single run: no band


def test_members_of_unequal_length_band_up_to_the_shortest():
    group, = chart_lines([_run("a-seed1", "a", [10, 20, 30]), _run("a-seed2", "a", [30, 40])])
    band = group.band("val_acc")
    assert (band.epochs, band.mean, band.low, band.high) == ([1, 2], [20, 30], [10, 20], [30, 40])


@pytest.mark.parametrize("command", [
    ["run", "quick", "--seeds", "2021,7", "--epochs", "10", "--no-plot"],
    ["sweep", "quick", "--grid", "lr=0.005,0.01", "--grid", "epochs=10", "--seeds", "2021,7", "--no-plot"],
])
async def test_show_draws_a_saved_session_of_seed_members_as_groups(tmp_path, command):
    """`regtui show` on a session written by `run --seeds` or `sweep --seeds`: one legend entry
    per group with its seed count, a band in the charts, the members in the norm table."""
    out = tmp_path / "runs"
    result = CliRunner().invoke(cli, [*command, "--out", str(out)])
    assert result.exit_code == 0, result.output
    saved = load_runs([next(out.iterdir())])
    groups = {r.info.config.group for r in saved}
    assert len(saved) == 2 * len(groups) and "" not in groups  # config.toml kept each group
    app = RegtuiApp(saved=saved, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: len(app.runs) == len(saved) and app.runs[-1].result is not None, 20)
        legend = await shows(app.query_one(Legend), *(f"{g} (2 seeds)" for g in groups))  # it grows to fit
        assert "min–max over seeds" in legend
        assert [line.key for line in chart_lines(app.runs)] == list(dict.fromkeys(
            r.info.config.group for r in saved))
        for chart_id in ("#accuracy", "#norm"):  # each group's band is drawn, in its own colour
            chart = Chart("", (1, 2), (0, 1))
            app.query_one(chart_id).draw(chart, 100)
            assert len({s.color for s in chart.series if s.high is not None}) == len(groups)
        await pilot.press("n")
        first = saved[0].info.config
        await shows(app.query_one("#norm-table"), f"{first.name} of {first.group}")
