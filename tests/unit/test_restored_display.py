"""After early stopping restores the best epoch, everything shown as "final weights" is that epoch's."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.engine import Trainer
from regtui.experiments.summary import summarize
from regtui.headless.tables import end_label, layer_table, summary_table


def _text(renderable) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


@pytest.fixture(scope="module")
def restored():
    """The early-stopping preset's settings with a short patience: stops well before 200 epochs."""
    from regtui.engine.config import from_mapping

    cfg = from_mapping(dict(dataset="digits", model="animal_net", optimizer="sgd", lr=5e-4,
                            momentum=0.99, epochs=200, early_stopping=True, patience=5,
                            restore_best=True, device="cpu", name="es"), where="test")
    result = Trainer(cfg).run()
    assert result.restored_best and result.best.epoch < result.last.epoch
    assert result.best.total_norm != result.last.total_norm  # else the test could not tell them apart
    return result


def test_summary_after_norms_are_the_restored_weights(restored):
    s = summarize(restored)
    best, last = restored.best, restored.last
    assert s["norms"]["total_after"] == best.total_norm
    assert s["norms"]["after_epoch"] == best.epoch
    assert [layer["norm_after"] for layer in s["norms"]["layers"]] == list(best.layer_norms)
    assert s["restored"]["epoch"] == best.epoch and s["restored"]["val_acc"] == round(best.val_acc, 4)
    assert s["final"]["val_acc"] == round(last.val_acc, 4)  # the stop epoch, whose weights are final.pt


def test_tables_label_and_show_the_restored_norms(restored):
    best, last = restored.best, restored.last
    label = end_label(restored)
    assert label == f"restored (epoch {best.epoch})"
    layers = _text(layer_table(restored.info.layers, restored.info.initial_norms, best.layer_norms,
                               after_label=label))
    assert label in layers and f"{best.total_norm:.4f}" in layers
    summary = _text(summary_table([restored]))
    assert f"-> {best.total_norm:.3f} (restored)" in summary
    assert f"-> {last.total_norm:.3f}" not in summary


def test_app_norm_table_heads_restored_weights(restored):
    from regtui.tui.widgets.norm_table import norm_table

    text = _text(norm_table(restored.info, restored.best, restored=True))
    assert "restored" in text and f"{restored.best.total_norm:.4f}" in text
    assert "restored" not in _text(norm_table(restored.info, restored.last))


def test_app_norm_table_keeps_numbers_near_names_on_wide_terminals(restored):
    from regtui.tui.widgets.norm_table import norm_table

    for width in (120, 200, 300):
        lines = _text(norm_table(restored.info, restored.best, width=width)).splitlines()
        assert max(len(line) for line in lines) <= 100  # not stretched to the terminal's width
        assert lines[-1].startswith("total") and f"{restored.best.total_norm:.4f}" in lines[-1]


def test_cli_prints_restored_norms(tmp_path):
    result = CliRunner().invoke(app, ["run", "early-stopping", "--patience", "5", "--device", "cpu",
                                      "--no-plot", "--threads", "1", "--out", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads(next(tmp_path.glob("*/*/summary.json")).read_text())
    epoch = summary["restored"]["epoch"]
    assert summary["norms"]["after_epoch"] == epoch < summary["epochs_run"]
    assert f"restored (epoch {epoch})" in result.output
    assert "stopped early at epoch" in result.output and "patience at epoch" not in result.output
