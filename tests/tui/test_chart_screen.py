"""What the screen shows matches what is meant: a legend entry's colour is its curve's in 16
colours too, and ETA and speed describe the playback the screen will show, not the training."""

import re

import pytest
import textual.constants
from rich.color import Color, ColorSystem
from textual.geometry import Region

from regtui.tui.app import RegtuiApp
from regtui.tui.messages import EpochsDone, RunEnded, RunStarted
from regtui.tui.pacing import Pacer
from regtui.tui.widgets.charts import AccuracyChart
from regtui.tui.widgets.legend import Legend
from regtui.tui.widgets.raster import Chart
from tests.tui.conftest import shows, wait_until
from tests.tui.streams import fake_result, noise_sweep_results


def _standard(color: Color | tuple) -> int:
    """The number of the 16-colour a colour is written as in a 16-colour terminal."""
    color = color if isinstance(color, Color) else Color.from_rgb(*color)
    return color.downgrade(ColorSystem.STANDARD).number


@pytest.mark.parametrize("system", ["standard", "256", "truecolor"])
async def test_each_legend_entry_has_its_curves_colour(monkeypatch, system):
    """Colour by colour after the terminal's own downgrade; in 16 colours every line its own."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    app = RegtuiApp(saved=noise_sweep_results(10), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: len(app.runs) == 18 and app.runs[-1].result is not None, 20)
        app._frame(force=True)
        await pilot.pause()
        legend = app.query_one(Legend)
        colors = {}
        for strip in legend.render_lines(Region(0, 0, *legend.size)):
            for seg in strip:
                name = re.search(r"noise\d+", seg.text)
                if name and seg.style and seg.style.color:
                    colors[name.group()] = seg.style.color.triplet
        assert len(colors) == 6
        chart = Chart("", (1, 2), (0, 1))
        widget = app.query_one(AccuracyChart)
        widget.draw(chart, 100)
        for i, key in enumerate(colors):
            curve = widget.palette.run(i)
            assert tuple(colors[key]) == curve, key  # the very colour, not a dimmed one
        bands = {s.color for s in chart.series if s.high is not None}
        if system == "standard":
            assert len({_standard(c) for c in colors.values()}) == 6  # six lines, six colours
            assert bands == set(colors.values())  # a band in its line's colour, never all grey
            assert {_standard(c) for c in bands} == {_standard(c) for c in colors.values()}
        else:
            assert len(bands) == 6 and not bands & set(colors.values())  # fainter shades


def test_eta_is_the_playback_left_not_the_training_left():
    result = fake_result("true", 40)  # trained in 0.4 s (0.01 s an epoch)
    pacer = Pacer(0.25)  # x0.25: at least 10 epochs a second, a quarter of it: 2.5 epochs a second
    for message in (RunStarted(result.info), EpochsDone(tuple(result.history)), RunEnded(result)):
        pacer.push(message)
    pacer.release(0.0)
    shown = [item for item in pacer.release(2.0) if not isinstance(item, RunStarted)]
    eta, rate = pacer.screen_pace(shown[-1])
    assert len(shown) == 5 and rate == 2.5 and eta == pytest.approx(35 / 2.5)  # 14 s, not "0s"
    pacer.speed = None
    assert pacer.screen_pace(shown[-1])[0] == 0.0  # full speed: the rest is on screen at once


def test_eta_while_training_is_slower_than_the_pace():
    result = fake_result("true", 200)  # 0.01 s an epoch: 100 epochs a second
    pacer = Pacer(8.0)  # x8: 50 * 8 = 400 epochs a second: the screen waits for training
    pacer.push(RunStarted(result.info))
    pacer.push(EpochsDone(tuple(result.history[:50])))
    pacer.release(0.0)
    pacer.release(10.0)  # all 50 shown
    eta, rate = pacer.screen_pace(result.history[49])
    assert rate == pytest.approx(100) and eta == pytest.approx(150 / 100)  # 150 epochs still to train


async def test_the_status_line_says_the_playback_eta_and_the_toy_counts_steps():
    app = RegtuiApp(saved=[fake_result("true", 40)], speed=0.25)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.runs and app.runs[0].result is not None)  # shown whole at once
        await pilot.press("r")  # the replay: ~15 s of playback at x0.25
        status = await shows(app.query_one("#status"), "ETA")
        eta = int(re.search(r"ETA (\d+)s", status).group(1))
        assert eta >= 5 and "2.5 ep/s" in status  # ~15 s of playback at x0.25, not 0s
