"""The app's one-line plan of a run names only settings that act on it, in the run's own unit."""

from regtui.engine.config import RunConfig
from regtui.tui.form import plan


def test_plan_counts_toy_steps_and_leaves_out_momentum_for_adam():
    toy = plan(RunConfig(model="net", dataset="toy", optimizer="adam", epochs=10000))
    assert toy.startswith("10000 steps · net on toy · adam lr") and "momentum" not in toy


def test_plan_keeps_sgd_momentum_and_epochs():
    images = plan(RunConfig(optimizer="sgd", momentum=0.9, epochs=200))
    assert images.startswith("200 epochs") and "momentum 0.9" in images


def test_run_counts_read_as_words():
    from regtui.tui.form import runs_text

    assert (runs_text(1), runs_text(2)) == ("1 run", "2 runs")
