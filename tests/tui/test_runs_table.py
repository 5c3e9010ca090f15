"""The runs table (key t): one row per run or seed group, mean ± sd for groups, sortable from the
keyboard, shown when a run-all ends; and the sweep's chart against the swept setting."""

import pytest
from textual.widgets import Input

from regtui.engine import RunResult
from regtui.experiments.aggregate import group_results, stat, varying_setting
from regtui.tui.app import RegtuiApp
from regtui.tui.groups import chart_lines
from regtui.tui.table_rows import ENDED, MEMORIZED, NAME, VAL, columns, sorted_rows, table_rows
from regtui.tui.widgets.runs_table import RunsTable, RunsView
from regtui.tui.widgets.sweep_chart import SweepChart, sweep_of
from tests.tui.conftest import shows, visible_text, wait_for_training, wait_until
from tests.tui.streams import fake_result, session_runs, sweep_results


def rows_of(results: list[RunResult]):
    lines = chart_lines(session_runs(results))
    cols = columns(lines, True)
    return cols, table_rows(lines, cols)


def test_a_group_row_is_the_mean_and_sample_sd_of_its_members():
    results = sweep_results()
    cols, rows = rows_of(results)
    assert [r.key for r in rows] == ["noise0", "noise20", "noise40", "noise60", "noise80", "noise100"]
    val = stat(r.last.val_acc for r in results if r.info.config.group == "noise100")
    cell = rows[-1].cells[cols.index(VAL)]
    assert cell.text == f"{val.mean:.1f}±{val.sd:.1f}" and cell.sort == val.mean
    assert rows[-1].cells[cols.index(NAME)].text == "noise100 ×3"
    assert rows[0].cells[cols.index(MEMORIZED)].text == "-"  # noise0 changed no label


def test_single_runs_say_how_they_ended_and_noisy_columns_come_only_with_noisy_labels():
    cols, rows = rows_of([fake_result("true", 200), fake_result("partial", 200, upto=120,
                                                                stop_reason="patience")])
    assert MEMORIZED not in cols  # no run has changed labels
    ended = [r.cells[cols.index(ENDED)].text for r in rows]
    assert ended == ["finished", "stopped early @120"]


def test_rows_sort_by_a_column_with_empty_cells_last():
    cols, rows = rows_of(sweep_results())
    k = cols.index(MEMORIZED)
    down = [r.key for r in sorted_rows(rows, cols, k, reverse=True)]
    up = [r.key for r in sorted_rows(rows, cols, k, reverse=False)]
    assert down[-1] == up[-1] == "noise0"  # no memorized share: last both ways
    assert [r.key for r in sorted_rows(rows, cols, cols.index(NAME), reverse=False)] == [r.key for r in rows]


async def test_a_run_all_ends_on_the_runs_table_and_t_goes_back_to_the_charts(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        main, pane = app.query_one("#main"), app.query_one("#settings")
        await pilot.press("a")
        table = app.query_one(RunsTable)
        # the table gets the keys and the width; focus() lands a message later than the class
        await wait_until(lambda: main.has_class("-table") and table.has_focus)
        assert not pane.display
        assert [r.key for r in table.shown_rows] == ["true", "random"]
        text = await shows(table, "2 + random")  # drawn once laid out
        assert "1 • true" in text and "finished" in text
        await pilot.press("t")
        assert not main.has_class("-table") and pane.display and app.query_one("#accuracy").display
        await pilot.press("s")  # a single run does not end on the table
        await wait_for_training(app)
        await wait_until(lambda: not app.busy)
        assert not main.has_class("-table")


async def test_the_table_sorts_by_the_column_the_cursor_is_on(small_preset, fake_training):
    """enter sorts by the cursor's column, largest first; enter again reverses; ▼/▲ say which."""
    app = RegtuiApp(preset=small_preset, speed=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await wait_until(lambda: app.query_one("#main").has_class("-table"))
        table = app.query_one(RunsTable)
        assert table.cursor_column == 1  # train

        def sorted_by(arrow: str, first: str) -> bool:  # the header's arrow and the first row, drawn
            lines = visible_text(table).splitlines()
            return len(lines) > 1 and f"val{arrow}" in lines[0] and lines[1].strip().startswith(first)
        await shows(table, "1 • true", "2 + random")  # laid out before the keys
        await pilot.press("right", "enter")  # val: random (45%) is above true (40%) in the fake stream
        assert [r.key for r in sorted_rows(table.shown_rows, table.cols, 2, True)] == ["random", "true"]
        await wait_until(lambda: sorted_by("▼", "2 + random"))
        await pilot.press("enter")
        await wait_until(lambda: sorted_by("▲", "1 • true"))


async def test_the_table_follows_a_run_in_progress(small_preset, fake_training):
    fake_training.hold = 5
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_until(lambda: app.current is not None and app.current.last is not None)
        await pilot.press("t")
        await wait_until(lambda: "training 5/12" in visible_text(app.query_one(RunsTable)))
        await pilot.press("x")
        await wait_for_training(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_sweep_shows_its_chart_against_the_swept_setting(size):
    """label-noise-sweep's 18 members: the chart against label_fraction, the numbers
    `regtui run` charts (aggregate's group means over the same groups and setting)."""
    results = sweep_results()
    app = RegtuiApp(saved=results, speed=None)
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: len(app.runs) == 18 and app.runs[-1].result is not None, 20)
        await pilot.press("t")
        view = app.query_one(RunsView)
        await wait_until(lambda: view.has_class("-sweep") and "0.2" in visible_text(
            app.query_one("#sweep-accuracy", SweepChart)))
        groups = group_results(results)
        assert varying_setting(groups) == "label_fraction"
        chart = app.query_one("#sweep-accuracy", SweepChart)
        drawn, key = chart.sweep
        assert key == "label_fraction" and [g.name for g in drawn] == [g.name for g in groups]
        text = visible_text(chart)
        assert "vs label_fraction" in text and "0.2" in text and "100┤" in text
        epochs = app.query_one("#sweep-epochs", SweepChart)  # one noise100 member never got there:
        await wait_until(lambda: any(s in visible_text(epochs) for s in ("(17/18", "17 of 18")))
        await wait_until(lambda: app.query_one(RunsTable).size.height >= 7)  # header, six groups


def test_no_sweep_chart_without_seed_groups_or_a_single_varying_setting():
    assert sweep_of([fake_result("true", 50), fake_result("random", 50, random_labels=True)]) is None
    shrink = sweep_results()[:6]  # noise0 and noise20, three seeds each: two groups, one setting
    assert sweep_of(shrink)[1] == "label_fraction"


async def test_run_all_of_a_seeded_preset_fills_the_table_with_groups(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-seeds", Input).value = "2021,7"
        await pilot.press("a")
        await wait_until(lambda: app.query_one("#main").has_class("-table"))
        table = app.query_one(RunsTable)
        assert [r.key for r in table.shown_rows] == ["true", "random"]
        await shows(table, "true ×2", "±")  # drawn once the table, just shown, is laid out


def test_the_sweep_epochs_chart_shows_censored_medians_not_the_lucky_members():
    """At 40 epochs the noise80 and noise100 members never reach 100% train accuracy: their
    groups are an x at the epoch count (censored), not a mean over the members that got there."""
    from regtui.tui.widgets.raster import Chart
    from regtui.tui.widgets.sweep_chart import CENSORED_MARKER, EPOCH_MARKER

    groups, key = sweep_of(sweep_results(40))
    chart = Chart("", (0, 1), (0, 1))
    SweepChart("epochs").epochs(chart, groups, key)
    by_marker = {s.marker: s for s in chart.series if s.marker}
    assert by_marker[CENSORED_MARKER].xs == [0.8, 1.0] and by_marker[CENSORED_MARKER].ys == [40.0, 40.0]
    assert by_marker[EPOCH_MARKER].xs == [0.0, 0.2, 0.4, 0.6]
    fits = [g.fits["fit_epoch"] for g in groups]
    assert by_marker[EPOCH_MARKER].ys == [f.median()[0] for f in fits[:4]]


def test_an_early_stopped_run_reads_as_the_weights_it_ends_with():
    """restore_best: the row's accuracies and norm are the restored best epoch's, as summary.json
    and the headless group table report them, not the stop epoch's."""
    res = fake_result("early", 200, upto=150, random_labels=True, stop_reason="patience")
    res.restored_best = True
    lines = chart_lines(session_runs([res]))
    cols = columns(lines, True)
    row = table_rows(lines, cols)[0]
    assert res.best.epoch != res.last.epoch
    assert row.cells[cols.index(VAL)].text == f"{res.best.val_acc:.1f}" != f"{res.last.val_acc:.1f}"
