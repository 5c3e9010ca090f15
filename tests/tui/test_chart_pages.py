"""Every metric regtui writes can be charted: the session keeps each metrics.csv column, `m`
pages through sensible sets, and the palette's metric picker builds a page of one's own."""

import tracemalloc

from textual.command import CommandPalette

from regtui.engine import TASKS, EpochReport, RunInfo
from regtui.experiments.presets import load_preset
from regtui.experiments.run_folders import metric_rows
from regtui.models.layers import LayerInfo
from regtui.tui.app import RegtuiApp
from regtui.tui.metrics import metrics_for, pages
from regtui.tui.session import SessionRun
from regtui.tui.widgets.charts import MetricChart
from regtui.tui.widgets.raster import Chart
from tests.tui.conftest import visible_text, wait_until
from tests.tui.streams import LAYERS, fake_result, noise_sweep_results


def _loaded(app, n: int):
    return wait_until(lambda: len(app.runs) == n and app.runs[-1].result is not None, 20)


def test_the_session_keeps_every_column_metrics_csv_has():
    """Each column regtui writes per epoch (but the epoch itself) has a metric and a series."""
    result = fake_result("noisy", 30, noise=0.3)
    run = SessionRun("noisy", result.info)
    for report in result.history:
        run.add(report)
    header, rows = metric_rows(result.info, result.history)
    catalogue = metrics_for(run.kind, [layer.name for layer in LAYERS])
    assert set(header) - {"epoch"} == set(catalogue)  # 16 columns here: all of them chartable
    for column, key in enumerate(header):
        if key != "epoch":
            assert list(run.series(key)) == [row[column] for row in rows], key


def test_a_long_toy_run_keeps_its_extra_series_compactly():
    """10,000 toy steps: the per-layer norms and the rest cost 8 bytes a value, not a Python float."""
    cfg = load_preset("overfitting").runs[0]
    layers = tuple(LayerInfo(f"fc{n}.{part}", (1,), 1) for n in (1, 2, 3) for part in ("weight", "bias"))
    run = SessionRun("toy", RunInfo(config=cfg, device="cpu", layers=layers, initial_norms=(1.0,) * 6,
                                    initial_total=1.0, data_source=""))
    reports = [EpochReport("toy", e, 10_000, 1.0 / e, 2.0, (1.0 + e / 1e4,) * 6, 2.0, e * 1e-3)
               for e in range(1, 10_001)]
    tracemalloc.start()
    for report in reports:
        run.add(report)
    extra = sum(a.buffer_info()[1] * a.itemsize for a in run.extra.values())
    tracemalloc.stop()
    assert len(run.series("norm:fc1.weight")) == 10_000 and len(run.extra) == 8  # 6 norms, best, time
    assert extra <= 8 * 8 * 10_000 + 8 * 4096  # 8 bytes a value (arrays over-allocate a little)


def test_the_default_pages_follow_the_task_and_the_model():
    classify = metrics_for(TASKS["classify"], ["fc1.weight", "fc1.bias"])
    assert "norm:fc1.bias" in classify and "train_acc_memorized" in classify
    names = [p.name for p in pages(TASKS["classify"], ["a.weight", "a.bias", "b.weight"])]
    assert names == ["accuracy & norm", "losses", "layer norms", "noisy labels"]
    deep = pages(TASKS["classify"], [f"l{i}.weight" for i in range(6)])
    assert [p.charts for p in deep if p.name.startswith("layer")] == [
        tuple(f"norm:l{i}.weight" for i in range(4)), ("norm:l4.weight", "norm:l5.weight")]
    toy = [p.name for p in pages(TASKS["regress"], ["fc1.weight"], chosen=("val_loss",))]
    assert toy == ["fit & loss", "layer norms", "chosen"]  # no accuracy, no noisy labels for the toy
    assert "train_acc" not in metrics_for(TASKS["regress"], [])


async def test_m_cycles_the_pages_of_metrics():
    app = RegtuiApp(saved=[fake_result("true", 40), fake_result("random", 40, noise=1.0)], speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 2)
        shown = lambda: [c.id for c in app.query("#charts > *") if c.display]  # noqa: E731
        assert shown() == ["accuracy", "norm"]
        await pilot.press("m")
        assert shown() == ["metric-1", "metric-2"]
        await wait_until(lambda: "Validation loss (log)" in visible_text(app.query_one("#metric-2")), 10)
        await pilot.press("m")  # the layer norms: the weights (biases stay small)
        await wait_until(lambda: "Norm of fc2.weight" in visible_text(app.query_one("#metric-2")), 10)
        await pilot.press("m")  # noisy labels: four charts, two by two
        assert len(shown()) == 4 and app.query_one("#charts").has_class("-grid")
        memorized = app.query_one("#metric-2", MetricChart)
        assert memorized.metric.key == "train_acc_memorized"
        chart = Chart("", (1, 2), (0, 1))
        memorized.draw(chart, 100)
        assert {s.color for s in chart.series} == {memorized.palette.run(1)}  # random's only: true has none
        await wait_until(lambda: "page noisy labels (m)" in visible_text(app.query_one("#legend")), 10)
        await pilot.press("m")
        assert shown() == ["accuracy", "norm"]


async def test_the_palette_picks_any_metric_onto_a_page_of_ones_own():
    app = RegtuiApp(saved=noise_sweep_results(20)[:3], speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, 3)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Chart metric: elapsed")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(lambda: "Seconds of training" in visible_text(app.query_one("#metric-1")), 10)
        assert [c.id for c in app.query("#charts > *") if c.display] == ["metric-1"]
        await pilot.press("ctrl+p")
        await pilot.press(*"Metric page: losses")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(lambda: "Train loss (log)" in visible_text(app.query_one("#metric-1")), 10)
