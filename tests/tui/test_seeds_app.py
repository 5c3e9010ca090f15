"""The app runs a preset's seed members as they are: `a` keeps each member's own seed."""

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
