"""`a` (run all) trains each run with every setting its preset gives it, as `regtui run` does;
the pane overrides only the fields the user changed (never a run's own labels)."""

import pytest
from textual.widgets import Input, Select, Switch

import regtui
from regtui.data.sources import DATASETS
from regtui.experiments.presets import load_preset, preset_paths
from regtui.experiments.run_folders import metric_rows
from regtui.tui.app import RegtuiApp
from tests.tui.conftest import shows, wait_for_training, wait_until

# Every bundled preset that trains without a download, with the epochs (or toy steps) the test
# cuts it to: a few, and label-noise-sweep's 18 runs at 1.
OFFLINE = {name: 1 if name == "label-noise-sweep" else 3 for name in preset_paths()
           if not any(DATASETS[c.dataset].needs_network for c in load_preset(name).runs)}
DIFFERENT_BY_DESIGN = {"snapshot_every"}  # the app snapshots the toy fit every 50 steps to animate it


def metrics(result) -> list[list]:
    """A run's metrics.csv rows without the wall-clock column."""
    header, rows = metric_rows(result.info, result.history)
    k = header.index("elapsed_s")
    return [row[:k] + row[k + 1:] for row in rows]


def settings(result) -> dict:
    return {k: v for k, v in result.info.config.as_dict().items() if k not in DIFFERENT_BY_DESIGN}


async def run_all_in_app(preset: str, edits: dict[str, str]) -> list:
    """Press `a` in the app after typing `edits` into the pane; the finished runs' results."""
    app = RegtuiApp(preset=preset, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        for key, text in edits.items():
            app.query_one(f"#f-{key}", Input).value = text
        await pilot.press("a")
        await wait_for_done(app)
        return [r.result for r in app.runs]


async def wait_for_done(app) -> None:
    """Until the worker's last message (TrainingDone) is handled and played: every run is shown."""
    await wait_until(lambda: not app.busy and app.message_line.startswith("Done."), timeout=180)


def test_every_offline_preset_is_covered():
    assert {"memorization", "quick", "early-stopping", "early-stopping-noisy", "overfitting",
            "overfitting-l2", "shrinkage", "label-noise-sweep"} <= set(OFFLINE)
    assert "afhq-memorization" not in OFFLINE


@pytest.mark.parametrize("preset", sorted(OFFLINE))
async def test_run_all_gives_what_regtui_run_gives(preset):
    """Epochs edited in the pane apply to every run; every other setting is each run's own, so
    the per-epoch metrics equal `regtui run PRESET --epochs N` (the Python API, same loader)."""
    epochs = OFFLINE[preset]
    app_runs = await run_all_in_app(preset, {"epochs": str(epochs)})
    headless = regtui.run(preset, epochs=epochs)
    assert [r.info.config.name for r in app_runs] == [r.name for r in headless]
    for mine, theirs in zip(app_runs, headless, strict=True):
        assert settings(mine) == settings(theirs.result), mine.info.config.name
        assert metrics(mine) == metrics(theirs.result), mine.info.config.name


async def test_early_stopping_noisy_keeps_its_lesson():
    """The pane shows the "full" run (Early stop off); `a` still stops "early" by patience and
    restores its best epoch, while "full" trains on: the two runs differ, as headless (one seed
    of the preset's three, typed into the pane's Seeds)."""
    full, early = await run_all_in_app("early-stopping-noisy", {"epochs": "40", "patience": "3",
                                                                "seeds": "2021"})
    assert full.stop_reason == "finished" and len(full.history) == 40
    assert early.stop_reason == "patience" and len(early.history) < 40 and early.restored_best
    headless = regtui.run("early-stopping-noisy", epochs=40, patience=3, seeds=[2021])
    assert [metrics(r) for r in (full, early)] == [metrics(r.result) for r in headless]


async def test_fields_count_as_edited_only_when_changed(tmp_path):
    """A value the pane shows rounded (lr 0.00123457) is not an edit: the run keeps its exact
    lr; a field changed and changed back is not an edit either."""
    path = tmp_path / "exact.toml"
    path.write_text('description = "exact"\n[defaults]\nepochs = 2\ndevice = "cpu"\n'
                    'lr = 0.0012345678912\n[[runs]]\nname = "a"\n[[runs]]\nname = "b"\n'
                    'early_stopping = true\npatience = 1\n')
    app = RegtuiApp(preset=str(path), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one("#settings")
        assert app.query_one("#f-lr", Input).value == "0.00123457" and pane.edited() == []
        stop = app.query_one("#f-early_stopping", Switch)
        stop.value = True
        stop.value = False
        epochs = app.query_one("#f-epochs", Input)
        epochs.value = "5"
        assert pane.edited() == ["epochs"] and pane.common_settings() == {"epochs": 5}
        epochs.value = " 2"  # back to what was loaded
        assert pane.edited() == []
        await pilot.press("a")
        await wait_for_done(app)
        first, second = (r.info.config for r in app.runs)
        assert first.lr == second.lr == 0.0012345678912
        assert (first.early_stopping, second.early_stopping, second.patience) == (False, True, 1)


async def test_labels_edited_in_the_pane_stay_each_runs_own_and_it_says_so(small_preset, fake_training):
    app = RegtuiApp(preset=small_preset)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-labels", Select).value = "partial"
        fake_training.hold = 1
        await pilot.press("a")
        await wait_for_training_started(app)
        await shows(app.query_one("#status"), "Labels: each run's own; s runs the pane's")
        await pilot.press("x")
        await wait_for_training(app)
        assert [r.info.config.labels for r in app.runs] == ["true"]


async def wait_for_training_started(app) -> None:
    await wait_until(lambda: app.current is not None and app.current.last is not None)
