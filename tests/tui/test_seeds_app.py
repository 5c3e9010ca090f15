"""The app runs a preset's seed members as they are: `a` keeps each member's own seed."""

from textual.widgets import Input

from regtui.tui.app import RegtuiApp
from tests.tui.conftest import wait_for_training

SEEDED = """description = "two seeds"
[defaults]
epochs = 2
device = "cpu"
seeds = [2021, 7]
"""


async def test_run_all_keeps_each_seed_members_own_seed(tmp_path):
    path = tmp_path / "seeded.toml"
    path.write_text(SEEDED)
    app = RegtuiApp(preset=str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_for_training(app)
        configs = [r.info.config for r in app.runs]
        assert [(c.name, c.group, c.seed) for c in configs] == [
            ("seeded-seed2021", "seeded", 2021), ("seeded-seed7", "seeded", 7)]
        first, second = app.runs
        assert first.train_loss != second.train_loss  # different seeds, different runs


async def test_seeds_in_the_pane_make_one_group_of_members(small_preset, fake_training):
    """Seeds "2021,7" typed into the pane: `s` trains two members, one group, one after another;
    `s` again makes a second group, never merged into the first."""
    app = RegtuiApp(preset=small_preset, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        seeds = app.query_one("#f-seeds", Input)
        seeds.focus()
        await pilot.press(*"2021,7", "escape", "s")
        await wait_for_training(app)
        assert [(r.name, r.info.config.group, r.info.config.seed) for r in app.runs] == [
            ("true-seed2021", "true", 2021), ("true-seed7", "true", 7)]
        await pilot.press("s")
        await wait_for_training(app)
        assert [r.info.config.group for r in app.runs[2:]] == ["true-2", "true-2"]


async def test_bad_seeds_are_refused_in_place(small_preset, fake_training):
    """Repeated seeds break the preset rule: `s` says so and starts nothing."""
    app = RegtuiApp(preset=small_preset, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-seeds", Input).value = "7,7"
        await pilot.press("s")
        await pilot.pause()
        assert not app.runs and not app.training
        assert not app.query_one("#f-seeds", Input).is_valid


async def test_run_all_over_pane_seeds_x2(small_preset, fake_training):
    """'x2' in Seeds: `a` repeats every preset run over Seed and Seed+1."""
    app = RegtuiApp(preset=small_preset, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#f-seeds", Input).value = "x2"
        await pilot.press("a")
        await wait_for_training(app)
        assert [(r.name, r.info.config.group) for r in app.runs] == [
            ("true-seed2021", "true"), ("true-seed2022", "true"),
            ("random-seed2021", "random"), ("random-seed2022", "random")]
