"""Any terminal size: too small says so, short gives rows to the charts, narrow hides the
pane while training; and the status line fits its width without cutting a word."""

import io

from rich.console import Console

from regtui.tui import status
from regtui.tui.app import RegtuiApp
from tests.tui.conftest import charts_after_run_all, shows, wait_until
from tests.tui.fake_training import LAYERS, FakeTraining, report


async def test_too_small_says_so_and_comes_back(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_until(lambda: app.screen.has_class("-too-small"))
        await shows(app.query_one("#too-small"), "terminal too small (needs 80x24)")
        assert not app.query_one("#body").display or app.query_one("#body").region.height == 0
        await pilot.resize_terminal(80, 24)
        await wait_until(lambda: not app.screen.has_class("-too-small")
                         and app.query_one("#charts").region.height >= 12)  # the table gave its rows


async def test_short_terminal_keeps_the_total_row_and_tall_shows_all(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await wait_until(lambda: not app.busy and len(app.runs) == 2)  # trained and played
        await charts_after_run_all(pilot)
        table = await shows(app.query_one("#norm-table"), "total")
        assert "fc1.weight" not in table
        await pilot.resize_terminal(200, 60)
        await shows(app.query_one("#norm-table"), *(layer.name for layer in LAYERS))
        charts = app.query_one("#charts").region.height
        assert charts >= 60 - 1 - 2 - 1 - 6 - 2  # all but footer, status, legend, table


async def test_the_pane_hides_while_training_below_110_columns(small_preset, fake_training):
    fake_training.hold = 2
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(105, 30)) as pilot:
        await pilot.press("a")
        await wait_until(lambda: app.current is not None)
        assert not app.query_one("#settings").display
        await pilot.press("x")
        await wait_until(lambda: not app.busy)  # the worker and the pacer are done: the run is over
        await pilot.press("h")
        await wait_until(lambda: app.query_one("#settings").display)


def fake_run(device: str, epoch: int = 30, done: bool = False):
    """A session run with one report of the fixed stream on `device`."""
    from regtui.engine import RunInfo, RunResult
    from regtui.experiments.presets import load_preset
    from regtui.tui.session import SessionRun

    cfg = load_preset("memorization").runs[1]
    info = RunInfo(config=cfg, device=device, layers=LAYERS, initial_norms=(1, 1, 1, 1),
                   initial_total=2.0, data_source="")
    run = SessionRun("random", info)
    run.add(report("random", epoch, 200, 1))
    if done:
        run.result = RunResult(info, [run.last], "finished", run.last.elapsed, {})
    return run


def lines(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text().splitlines()


def test_status_shows_eta_speed_and_device():
    from regtui.experiments.presets import load_preset

    line1, _ = lines(status.status_text(load_preset("memorization"), fake_run("cpu"), "hint"), 200)
    assert "random 30/200" in line1 and "ETA 8s" in line1 and "20 ep/s" in line1
    assert line1.rstrip().endswith("cpu")


def test_status_on_cuda_names_the_gpu_and_its_memory(monkeypatch):
    from regtui.experiments.presets import load_preset

    monkeypatch.setattr(status, "gpu_here", lambda: True)
    monkeypatch.setattr(status, "gpu_name", lambda device: "NVIDIA H100 80GB HBM3")
    monkeypatch.setattr(status, "gpu_memory", lambda device: 3 * 2**29)
    line1, _ = lines(status.status_text(load_preset("memorization"), fake_run("cuda:0"), ""), 200)
    assert "cuda:0  NVIDIA H100 80GB HBM3  1.5 GiB" in line1


def test_status_never_cuts_a_word_at_80_columns(monkeypatch):
    from regtui.experiments.presets import load_preset

    monkeypatch.setattr(status, "gpu_here", lambda: True)
    monkeypatch.setattr(status, "gpu_name", lambda device: "NVIDIA H100 80GB HBM3")
    monkeypatch.setattr(status, "gpu_memory", lambda device: 2**30)
    preset = load_preset("memorization")
    message = "Running all: true, random, partial · 200 epochs · big_animal_net on digits · sgd"
    full = status.status_text(preset, fake_run("cuda:0"), message)
    words = set(" ".join(lines(full, 400)).split())
    for width in (40, 46, 60, 80):
        line1, line2 = lines(full, width)
        assert len(line1) <= width and len(line2) <= width
        assert "random 30/200" in line1  # the run and epoch are the last to go
        for word in (line1 + " " + line2).replace("…", " ").split():
            assert word in words, (width, word)  # whole words only
    line1, _ = lines(full, 80)
    assert "ETA" in line1 and "ep/s" in line1  # at 80 columns: dropped fields are the least useful
    done = status.status_text(preset, fake_run("cpu", done=True), "")
    assert "took 2s" in lines(done, 120)[0]


async def test_fake_stream_is_the_same_every_time():
    """The snapshot feed is fixed: two streams of the same config are equal."""
    from regtui.experiments.presets import load_preset

    cfg = load_preset("memorization").runs[0]
    posted: list = [], []
    for out in posted:
        FakeTraining()([cfg], out.append, lambda: False)
    assert [repr(m) for m in posted[0]] == [repr(m) for m in posted[1]]
