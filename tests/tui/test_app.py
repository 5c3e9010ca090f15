"""Drive the real app with Pilot: runs, charts, table, keys, stop, quit, save, bad input."""

import json
import threading

import pytest
from textual.widgets import Input, Select

from regtui.tui.app import RegtuiApp
from regtui.tui.training import THREAD_NAME
from regtui.tui.widgets.norm_table import NormTable
from tests.tui.conftest import charts_after_run_all, shows, visible_text, wait_for_training, wait_until


def training_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_run_all_feeds_charts_and_table_and_the_worker_ends(small_preset, size):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=size) as pilot:
        await pilot.press("a")
        await wait_for_training(app)
        await charts_after_run_all(pilot)  # a run-all ends on the runs table
        await wait_until(lambda: "random 12/12" in visible_text(app.query_one("#status"))
                         and app.query_one("#accuracy").frames > 0)  # the last frame is drawn
        assert [r.name for r in app.runs] == ["true", "random"]
        assert all(r.epochs == list(range(1, 13)) for r in app.runs)
        assert all(r.result.stop_reason == "finished" for r in app.runs)
        assert app.query_one("#accuracy").frames > 0 and app.query_one("#norm").frames > 0
        assert app.query_one("#accuracy").runs is app.runs  # both runs on one chart
        tall = size[1] >= 32
        table = await shows(app.query_one(NormTable), "total", *["fc1.weight"] * tall)
        assert ("fc1.weight" in table) == tall  # at 80x24 the table keeps only its total row
        await shows(app.query_one("#status"), "random 12/12", "finished")
        assert not app.training and training_threads() == []


async def test_start_uses_the_form_values(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-epochs", Input).value = "5"
        app.query_one("#f-labels", Select).value = "partial"
        await pilot.press("s")
        await wait_for_training(app)
        (run,) = app.runs
        assert len(run.epochs) == 5 and run.info.config.labels == "partial"
        await wait_until(lambda: not app.busy, 20)  # `s` waits while the charts still play back
        await pilot.press("s")  # same run again: a new, uniquely named entry
        await wait_until(lambda: len(app.runs) == 2, 20)
        await wait_for_training(app)
        assert [r.name for r in app.runs] == ["partial", "partial-2"]


async def test_invalid_values_are_refused_in_place(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        epochs = app.query_one("#f-epochs", Input)
        epochs.focus()
        epochs.value = ""
        await pilot.press("0")
        await pilot.pause()
        assert not epochs.is_valid and epochs.has_class("-invalid")
        await pilot.press("escape", "s")
        await wait_until(lambda: any("Epochs must be an integer >= 1" in n.message
                                     for n in app._notifications))
        assert app.runs == [] and not app.training
        assert app.focused is epochs


async def test_stop_ends_the_run_after_the_current_epoch():
    app = RegtuiApp(preset="overfitting")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_until(lambda: app.current is not None and len(app.current.epochs) > 50)
        await pilot.press("x")
        await wait_for_training(app)
        run = app.current
        assert run.result.stop_reason == "stopped" and len(run.epochs) < 10000
        assert run.curve is not None  # the fitted curve was drawn
        await shows(app.query_one("#status"), "stopped at epoch")
    assert training_threads() == []


async def test_quitting_mid_run_leaves_no_training_thread():
    app = RegtuiApp(preset="overfitting")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await wait_until(lambda: app.current is not None and len(app.current.epochs) > 20)
        assert app.training and training_threads()
        await pilot.press("q", "y")  # it asks first while training
        await pilot.pause()
    assert app.return_code == 0
    assert training_threads() == []


async def test_early_stopping_is_shown(tmp_path):
    app = RegtuiApp(preset="early-stopping")
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-patience", Input).value = "3"
        await pilot.press("s")
        await wait_for_training(app)
        run = app.current
        assert run.result.stop_reason == "patience"
        await shows(app.query_one("#status"), f"stopped early at epoch {run.last.epoch}, "
                    f"best epoch {run.last.best_epoch} restored")


async def test_save_writes_the_same_run_folder_as_headless(small_preset, tmp_path):
    app = RegtuiApp(preset=small_preset, out_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")  # nothing to save yet: a warning, no folder
        assert not (tmp_path / "runs").exists()
        await pilot.press("a")
        await wait_for_training(app)
        await pilot.press("w")
        await pilot.pause()
    (session,) = (tmp_path / "runs").iterdir()
    for name in ("true", "random"):
        files = {p.name for p in (session / name).iterdir()}
        assert {"config.toml", "metrics.csv", "summary.json", "final.pt"} <= files
        assert json.loads((session / name / "summary.json").read_text())["epochs_run"] == 12


async def test_clear_and_switch_preset(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_for_training(app)
        await pilot.press("c", "y")
        assert app.runs == [] and app.current is None
        app.query_one("#preset", Select).value = "overfitting"
        await wait_until(lambda: app.preset.name == "overfitting" and app.query_one("#fit").display)
        assert app.query_one("#f-model", Select).value == "net"
        assert app.query_one("#main").has_class("-regress")
        assert app.query_one("#fit").display and not app.query_one("#accuracy").display


async def test_autostart_and_exit_when_done(small_preset):
    app = RegtuiApp(preset=small_preset, autostart=True, exit_when_done=True, exit_delay=0)
    async with app.run_test(size=(80, 24)):
        await wait_until(lambda: app.return_code is not None, timeout=60)
    assert app.return_code == 0 and len(app.runs) == 2


async def test_keys_pressed_while_torch_loads_start_once_it_has(small_preset, monkeypatch):
    """Before torch is ready the app is already drawn and says it is loading; `a` waits for it."""
    from regtui.tui import app as app_module
    from regtui.tui.loading import load_engine

    release = threading.Event()
    monkeypatch.setattr(app_module, "torch_loaded", lambda: False)  # take the background path
    monkeypatch.setattr(app_module, "load_engine",
                        lambda on_torch, cuda=True: release.wait(30) and load_engine(on_torch, cuda))
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: "loading torch" in visible_text(app.query_one(NormTable)) and
                         "Loading torch" in visible_text(app.query_one("#status")))
        await pilot.press("a")
        await wait_until(lambda: "starting as soon as it is loaded" in visible_text(app.query_one("#status")))
        assert not app.training and app.runs == []
        release.set()
        await wait_until(lambda: len(app.runs) == 2 and not app.busy)
        # A run-all ends on the runs table, which hides the norm table: its last frame may
        # not have come before that (a loaded CI run timed out here). Back to the charts.
        await charts_after_run_all(pilot)
        await shows(app.query_one(NormTable), "fc1.weight")  # next frame


async def test_a_torch_that_cannot_load_is_reported_not_awaited(small_preset, monkeypatch):
    from regtui.tui import app as app_module

    def broken(on_torch, cuda=True):
        raise ImportError("libtorch.so: cannot open shared object file")

    monkeypatch.setattr(app_module, "torch_loaded", lambda: False)
    monkeypatch.setattr(app_module, "load_engine", broken)
    app = RegtuiApp(preset=small_preset, autostart=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: "Could not load torch" in visible_text(app.query_one("#status")))
        await pilot.press("s")
        await wait_until(lambda: any("libtorch.so" in n.message for n in app._notifications))
        await shows(app.query_one("#status"), "libtorch.so")
        assert app.runs == []
        assert not app.training


async def test_charts_redraw_on_a_budget_not_per_epoch(small_preset, fake_training):
    """Epochs arriving far faster than the frame clock (here 3,000 in one burst, as a fast run
    delivers them) are drawn in a few frames: at most one a tick of the 10 Hz clock, never one an
    epoch. Counted in ticks, not seconds, so a busy machine cannot make it fail."""
    ticks = 0
    app = RegtuiApp(preset=small_preset, speed=None)
    frame = app._frame

    def counted(force: bool = False) -> None:  # the frame clock's callback, counted
        nonlocal ticks
        ticks += 1
        frame(force)

    app._frame = counted  # before mount: the clock (set_interval) takes this one
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-epochs", Input).value = "3000"
        await pilot.press("s")
        await wait_for_training(app)
        epochs, frames = len(app.current.epochs), app.frame_budget.frames
    assert epochs == 3000
    assert frames <= ticks  # never more than one frame a tick of the clock ...
    assert frames < epochs / 20  # ...and far fewer frames than epochs


def test_device_choices_offer_cuda_only_when_present(monkeypatch):
    from regtui.system import devices

    monkeypatch.setattr(devices, "cuda_available", lambda: False)
    assert devices.device_choices() == ["auto", "cpu"]


async def test_choosing_toy_data_picks_the_toy_model_and_back(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)):
        app.query_one("#f-dataset", Select).value = "toy"
        await wait_until(lambda: app.query_one("#main").has_class("-regress"))
        assert app.query_one("#f-model", Select).value == "net"
        app.query_one("#f-model", Select).value = "animal_net"
        await wait_until(lambda: not app.query_one("#main").has_class("-regress"))
        assert app.query_one("#f-dataset", Select).value == "digits"


async def test_a_form_run_is_named_after_its_labels(small_preset):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-epochs", Input).value = "3"
        app.query_one("#f-labels", Select).value = "random"
        await pilot.press("s")
        await wait_for_training(app)
        await pilot.press("a")
        await wait_for_training(app)
        assert [r.name for r in app.runs] == ["random", "true", "random-2"]


async def test_folder_field_takes_any_text_and_escape_gives_keys_back(tmp_path):
    from tests.unit.datahelpers import make_image_folder

    folder = make_image_folder(tmp_path / "imgs", per_class=10)
    app = RegtuiApp(preset="quick")
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-dataset", Select).value = "folder"
        field = app.query_one("#f-data_dir", Input)
        field.focus()
        await pilot.press(*"/tmp/sq")  # s and q are typed, not Start and Quit
        assert field.value == "/tmp/sq" and app.return_code is None and not app.runs
        await pilot.press("escape")
        assert app.focused is None
        field.value = str(folder)
        app.query_one("#f-epochs", Input).value = "2"
        await pilot.press("s")  # the preset's 100/100 split cannot fit 30 images: said in place
        await wait_until(lambda: any("has 30 images" in n.message for n in app._notifications))


async def test_switching_task_hides_the_other_tasks_runs_from_the_norm_chart():
    """A toy run stays in the session after choosing an image preset; its norms must not be drawn."""
    app = RegtuiApp(preset="overfitting")
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-epochs", Input).value = "60"
        await pilot.press("s")
        await wait_for_training(app)
        app.query_one("#preset", Select).value = "quick"
        await wait_until(lambda: app.query_one("#norm").display and app.query_one("#norm").runs == [])
        assert app.runs  # kept until the next start, as before


async def test_toy_preset_opens_on_the_toy_charts():
    app = RegtuiApp(preset="overfitting")
    async with app.run_test(size=(120, 40)):
        await wait_until(lambda: app.query_one("#fit").display and app.query_one("#loss").display
                         and not app.query_one("#accuracy").display)


async def test_before_a_run_the_table_shows_the_seeded_initial_norms():
    app = RegtuiApp(preset="early-stopping")  # AnimalNet, seed 2021: the reference's 7.3810
    async with app.run_test(size=(120, 40)):
        await shows(app.query_one(NormTable), "fc1.weight", "7.3810")
        seed = app.query_one("#f-seed", Input)
        seed.value = "7"
        await wait_until(lambda: "7.3810" not in visible_text(app.query_one(NormTable)), 20)


async def test_a_failure_mid_run_is_reported_not_swallowed(small_preset, fail_at_epoch):
    fail_at_epoch(3)
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_for_training(app)
        assert [r.name for r in app.runs] == ["true"]  # the later run is not started
        assert app.runs[0].result.stop_reason == "failed" and len(app.runs[0].epochs) == 2
        # the failure's message follows the run's end through the pacer: wait for it to play
        await wait_until(lambda: any("CUDA out of memory" in n.message for n in app._notifications), 10)
        assert not app.query_one("#settings").disabled


def test_the_real_worker_ends_a_session_without_an_error():
    """The app's listener answers every call of the engine's run loop: a session that trains
    for real ends with TrainingDone and no error (it once ended 'Failed: AttributeError')."""
    from regtui.engine.runs import RunListener
    from regtui.experiments.presets import load_preset
    from regtui.tui.messages import RunEnded, TrainingDone
    from regtui.tui.training import Poster, train_runs

    missing = [name for name in vars(RunListener) if not name.startswith("_")
               and callable(getattr(RunListener, name)) and not hasattr(Poster, name)]
    assert missing == []
    posted = []
    runs = load_preset("quick", {"device": "cpu", "epochs": 2}).runs
    train_runs(runs, posted.append, lambda: False)
    assert [type(m) for m in posted if isinstance(m, RunEnded | TrainingDone)] == \
        [RunEnded, RunEnded, TrainingDone]
    assert posted[-1].error is None and not posted[-1].stopped


async def test_runs_train_in_the_training_process_before_the_apps_own_torch(small_preset, monkeypatch,
                                                                            tmp_path):
    """Launched from the command line, the app has a training process importing torch from the
    start (issue 17): `a` starts there as soon as it is ready, while the app's own torch import
    (for the norm preview) is held back until the runs are over. The numbers and the saved
    folders are those of training in the app."""
    import dataclasses

    from regtui.engine.process_exec import EngineProcess
    from regtui.engine.reports import PackedState
    from regtui.tui import app as app_module
    from regtui.tui.loading import load_engine

    asked, release = threading.Event(), threading.Event()

    def held(on_torch, cuda=True):
        asked.set()
        release.wait(60)
        return load_engine(on_torch, cuda)

    def numbers(app):
        return [[dataclasses.replace(r, elapsed=0.0) for r in run.result.history] for run in app.runs]

    here = RegtuiApp(preset=small_preset)
    async with here.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_for_training(here)
    monkeypatch.setattr(app_module, "torch_loaded", lambda: False)  # as in a fresh process
    monkeypatch.setattr(app_module, "load_engine", held)
    import torch

    engine = EngineProcess(threads=torch.get_num_threads())  # the threads the runs above had
    try:
        app = RegtuiApp(preset=small_preset, engine=engine, out_dir=tmp_path / "runs")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("a")  # before the process is ready: it waits, then starts there
            await wait_for_training(app)
            assert all(isinstance(r.result.final_state, PackedState) for r in app.runs)
            assert numbers(app) == numbers(here)
            await wait_until(asked.is_set)  # the runs are over: now the app's own torch
            assert not app.torch_ready
            release.set()
            await wait_until(lambda: app.torch_ready)
            await pilot.press("w")
            await wait_until(lambda: (tmp_path / "runs").exists())
    finally:
        release.set()
        engine.close()
    (session,) = (tmp_path / "runs").iterdir()
    for run in app.runs:
        assert (session / run.name / "final.pt").read_bytes() == run.result.final_state.data
