"""Reading crowded charts from the keyboard: values at an epoch (v), filter (f), solo (o), the
epoch axis fitted to the data (z), whose best epoch a line is, and the axis before any run."""

from textual.widgets import Input

from regtui.tui.app import RegtuiApp
from regtui.tui.filters import FilterError, parse_filter
from regtui.tui.groups import chart_lines
from regtui.tui.widgets.axes import Window, epoch_window
from regtui.tui.widgets.charts import CURSOR, MARKERS, AccuracyChart
from regtui.tui.widgets.filter_bar import FilterBar
from regtui.tui.widgets.legend import Legend
from regtui.tui.widgets.raster import Chart
from regtui.tui.widgets.values import ValuesTable
from tests.tui.conftest import axis, shows, visible_text, wait_until
from tests.tui.streams import fake_result, noise_sweep_results, session_runs


def _three():
    return [fake_result("true", 200), fake_result("random", 200, random_labels=True),
            fake_result("partial", 200, upto=120, stop_reason="patience")]


def _loaded(app, n: int):
    return wait_until(lambda: len(app.runs) == n and app.runs[-1].result is not None, 20)


async def test_the_cursor_lists_each_visible_runs_values_by_name():
    saved = _three()
    app = RegtuiApp(saved=saved, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 3)
        await pilot.press("v")
        values = app.query_one(ValuesTable)
        await shows(values, "epoch 200", "true", "random", "partial")
        assert not app.query_one("#norm-table").display  # the values take the table's place
        true, random = saved[0].history[199], saved[1].history[199]
        row = next(line for line in visible_text(values).splitlines() if "random" in line)
        assert all(f"{v}" in row for v in (f"{random.train_acc:.1f}%", f"{random.val_acc:.1f}%",
                                            f"{random.total_norm:.4f}"))
        await shows(app.query_one("#accuracy"), CURSOR)
        await pilot.press("left")  # one chart column back: a few epochs on a 200-epoch axis
        epoch = app.query_one("#main").options.cursor
        assert 190 <= epoch < 200
        await pilot.press("home")
        await shows(values, "epoch 1 ")
        row = next(line for line in visible_text(values).splitlines() if "true" in line)
        assert f"{saved[0].history[0].val_acc:.1f}%" in row
        await pilot.press("end", "left", "left", "left")

        def partial() -> str:
            return next(line for line in visible_text(values).splitlines() if "partial" in line)
        await wait_until(lambda: "epoch 1 " not in visible_text(values))  # the values redrawn
        assert "–" in partial()  # past its last epoch (120): no value, never a stale one
        await pilot.press("escape")
        await wait_until(lambda: not values.display and app.query_one("#norm-table").display, 10)
        assert app.query_one("#main").options.cursor is None and true.epoch == 200


async def test_the_cursor_reads_the_metrics_of_the_page_on_screen(small_preset):
    app = RegtuiApp(saved=[fake_result("a", 30, noise=0.4), fake_result("b", 30, noise=0.8)], speed=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(app, 2)
        await pilot.press("m", "m", "m", "v")  # noisy labels
        await shows(app.query_one(ValuesTable), "clean", "memorized", "true class", "val")
        app._notifications.clear()
    idle = RegtuiApp(preset=small_preset)
    async with idle.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")  # no epochs on the charts: says why
        assert any("No epochs on the charts yet" in n.message for n in idle._notifications)


def test_a_filter_reads_settings_and_names_and_refuses_what_it_cannot_read():
    lines = chart_lines([])
    assert lines == [] and parse_filter("  ") is None
    runs = noise_sweep_results(5)
    groups = chart_lines(session_runs(runs))
    keep = lambda text: [g.key for g in groups if parse_filter(text).matches(g)]  # noqa: E731
    assert keep("label_fraction=0.2,0.8") == ["noise20", "noise80"]
    assert keep("noise1") == ["noise100"] and keep("-noise1 noise") == ["noise0", "noise20", "noise40",
                                                                      "noise60", "noise80"]
    assert keep("labels=partial lr=5e-3") == [g.key for g in groups]  # 5e-3 equals 0.005
    assert keep("seed=1") == [g.key for g in groups]  # a member of every group has seed 1
    assert keep("label_fraction!=0") == ["noise20", "noise40", "noise60", "noise80", "noise100"]
    for bad, says in (("lables=random", "did you mean labels"), ("labels=rnd", "one of true"),
                      ("lr=", "needs a value")):
        try:
            parse_filter(bad)
        except FilterError as exc:
            assert says in str(exc)
        else:
            raise AssertionError(bad)


async def test_f_filters_an_18_run_sweep_and_the_legend_says_so():
    app = RegtuiApp(saved=noise_sweep_results(20), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 18)
        await pilot.press("f")
        bar = app.query_one(FilterBar)
        assert bar.display and app.focused is bar
        await pilot.press(*"label_fraction=0.2,0.8", "enter")
        legend = app.query_one(Legend)
        await shows(legend, "noise20 (3 seeds)", "noise80 (3 seeds)",
                     "filter label_fraction=0.2,0.8: 2 of 6")
        assert "noise40" not in visible_text(legend) and not bar.display and app.focused is None
        chart = Chart("", (1, 2), (0, 1))
        app.query_one(AccuracyChart).draw(chart, 100)
        palette = app.query_one(AccuracyChart).palette
        assert {s.color for s in chart.series if s.high is None} == {palette.run(1), palette.run(4)}
        await pilot.press("f")  # alone: keys in one burst with it may arrive before its input has focus
        await pilot.press("ctrl+u", *"lables=random", "enter")  # a typo: said, nothing lost
        assert any("did you mean labels" in n.message for n in app._notifications) and bar.display
        await pilot.press("escape")  # cancel: the filter as it was
        await shows(legend, "2 of 6")
        assert not bar.display
        await pilot.press("f")
        await pilot.press("ctrl+u", "enter")  # empty: every run again
        await wait_until(lambda: "filter" not in visible_text(legend), 10)


async def test_o_solos_a_run_by_number_under_the_cursor_or_from_the_palette():
    app = RegtuiApp(saved=_three(), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 3)
        accuracy = app.query_one("#accuracy")
        await pilot.press("o", "2")
        await wait_until(lambda: MARKERS[1] in visible_text(accuracy)
                         and MARKERS[0] not in visible_text(accuracy), 10)
        await shows(app.query_one(Legend), "solo random (o: all runs)")
        await pilot.press("o")  # every run again
        await wait_until(lambda: MARKERS[0] in visible_text(accuracy), 10)
        await pilot.press("v", "down", "down", "o")  # the third row of the values table
        assert app.query_one("#main").options.solo == "partial"
        await pilot.press("o", "escape", "ctrl+p")
        await pilot.press(*"Solo run: true")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(lambda: app.query_one("#main").options.solo == "true", 10)
        await pilot.press("2")  # numbers still hide and show when o did not come first
        assert app.query_one("#main").options.hidden == {"random"}


async def test_the_palette_reaches_runs_past_nine():
    app = RegtuiApp(saved=[fake_result(f"r{i}", 20) for i in range(1, 13)], speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 12)
        await pilot.press("ctrl+p")
        await pilot.press(*"Show/hide run: r12")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(lambda: app.query_one("#main").options.hidden == {"r12"}, 10)
        await shows(app.query_one(Legend), "r12")  # struck through, still listed


def test_the_epoch_axis_fits_the_data_when_the_plan_would_squeeze_it():
    long = fake_result("long", 10_000, upto=50, stop_reason="stopped")
    short = [fake_result(n, 40) for n in ("a", "b")]
    lines = chart_lines(session_runs([long, *short]))
    auto = epoch_window(lines, None, False, None)
    assert (auto.lo, auto.hi, auto.fitted) == (1, 50, True)  # not 1..10000
    assert epoch_window(lines, 20, False, None) == Window(31, 50)
    assert epoch_window(chart_lines(session_runs(short)), None, False, None) == Window(1, 40)
    early = chart_lines(session_runs([fake_result("e", 200, upto=120, stop_reason="patience")]))
    assert epoch_window(early, None, False, None).hi == 200  # most of the plan: the still axis
    assert epoch_window(early, None, True, None).hi == 120  # z: fitted to the runs
    assert epoch_window([], None, False, 300).hi == 300  # before any run: the pane's Epochs


async def test_z_offers_the_fit_and_the_legend_says_when_it_is_on():
    saved = [fake_result("long", 10_000, upto=50, stop_reason="stopped"), fake_result("short", 40)]
    app = RegtuiApp(saved=saved, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 2)
        accuracy = app.query_one("#accuracy")
        await wait_until(lambda: axis(accuracy)[-1:] == ["50"], 10)
        await shows(app.query_one(Legend), "epochs fitted to the runs (z)")
        await pilot.press("z", "z")  # fit, then the last 50
        await shows(app.query_one(Legend), "last 50 epochs")


async def test_each_visible_run_has_its_own_best_epoch_line():
    saved = _three()
    app = RegtuiApp(saved=saved, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 3)
        chart_widget = app.query_one(AccuracyChart)
        chart = Chart("", (1, 2), (0, 1))
        chart_widget.draw(chart, 100)
        palette = chart_widget.palette
        expected = {(r.history[-1].best_epoch, palette.run(i), MARKERS[i]) for i, r in enumerate(saved)}
        assert {(v.x, v.color, v.foot) for v in chart.vlines} == expected
        await pilot.press("1")
        await wait_until(lambda: chart_widget.options.hidden == {"true"}, 10)
        chart = Chart("", (1, 2), (0, 1))
        chart_widget.draw(chart, 100)
        assert MARKERS[0] not in {v.foot for v in chart.vlines}  # a hidden run's line goes with it


async def test_before_any_run_the_axis_spans_the_panes_epochs():
    app = RegtuiApp(preset="memorization")
    async with app.run_test(size=(120, 40)) as pilot:
        accuracy = app.query_one("#accuracy")
        await wait_until(lambda: axis(accuracy)[-1:] == ["200"], 10)
        epochs = app.query_one("#f-epochs", Input)
        epochs.focus()
        epochs.value = ""
        await pilot.press("4", "0")
        await wait_until(lambda: axis(accuracy)[-1:] == ["40"], 10)
