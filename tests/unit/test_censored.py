"""Times to fit are censored, not averaged over the lucky; group numbers are the end weights'."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from regtui.engine import EpochReport, RunInfo, RunResult
from regtui.engine.config import from_mapping
from regtui.experiments.aggregate import group_results
from regtui.experiments.censored import fit_times, km_median
from regtui.headless.charts import versus_chart
from regtui.headless.tables import group_table, versus_table


@pytest.mark.parametrize(("times", "reached", "expected"), [
    ((150, 180, 200), (True, True, False), (180.0, "180")),  # one censored: the median is still known
    ((150, 200, 200), (True, False, False), (None, ">200")),  # most never got there
    ((10, 20, 30), (True, True, True), (20.0, "20")),  # nothing censored: the ordinary median
    ((10, 20), (True, True), (15.0, "15")),  # S is 1/2 between 10 and 20: their midpoint
    ((10, 200), (True, False), (None, "≥10")),  # S is 1/2 after 10, then only censoring
    ((5, 10, 20), (False, True, True), (15.0, "15")),  # censored at 5: at risk at 10 are two
    ((), (), (None, "-")),
])
def test_kaplan_meier_median_against_hand_numbers(times, reached, expected):
    assert km_median(times, reached) == expected


def _run(name, group, seed, train, val, *, fraction=0.4, best=None, restored=False):
    """A finished run with the given per-epoch accuracies; `best` (1-based) its best epoch."""
    cfg = from_mapping({"name": name, "group": group, "seed": seed, "labels": "partial",
                        "label_fraction": fraction}, "t")
    best = best or max(range(len(val)), key=lambda i: (val[i], -i)) + 1
    hist = [EpochReport(name, i + 1, len(train), 0.1, 0.2, (), 10.0 + i, 0.0, t, v, best, val[best - 1])
            for i, (t, v) in enumerate(zip(train, val, strict=True))]
    return RunResult(RunInfo(cfg, "cpu", (), (), 1.0, "hand"), hist, "finished", 0.0, {},
                     restored_best=restored)


def _text(renderable) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def test_a_member_that_never_fits_is_censored_not_left_out():
    """Two members fit at epochs 2 and 3, one never within its 4 epochs: the median counts it
    (as later than 4), where a mean over the two that fitted would read 2.5."""
    results = [_run("n-seed1", "n", 1, [50, 100, 100, 100], [40, 40, 40, 40]),
               _run("n-seed2", "n", 2, [50, 90, 100, 100], [40, 40, 40, 40]),
               _run("n-seed3", "n", 3, [50, 90, 95, 99], [40, 40, 40, 40])]
    (group,) = group_results(results)
    fit = group.fits["fit_epoch"]
    assert fit.epochs == (2, 3, 4) and fit.reached == (True, True, False)
    assert fit.median() == (3.0, "3") and fit.text() == "3 (2/3)"
    assert group.fits["fit95_epoch"].median() == (3.0, "3")  # 95% by epochs 2, 3, 3
    doc = json.loads(json.dumps(group.summary()))
    assert doc["fit_epoch"]["censored"] == [False, False, True] and doc["fit_epoch"]["reached"] == 2
    assert doc["fit_epoch"]["median"] == 3.0 and "memorized" not in doc
    assert fit_times(results[2:]).median() == (None, ">4")


def test_versus_table_and_chart_mark_censoring_and_do_not_say_memorized():
    """At 0% noise a member that fits has not memorized anything: the column says what was reached."""
    clean = [_run(f"a-seed{s}", "a", s, [90, 100], [90, 90], fraction=0.0) for s in (1, 2)]
    noisy = [_run(f"b-seed{s}", "b", s, [50, 60], [40, 40], fraction=1.0) for s in (1, 2)]
    groups = group_results(clean + noisy)
    table = _text(versus_table(groups, "label_fraction"))
    assert "reached 100%" in table and "memorized" not in table.lower()
    assert ">2" in table and "2/2" in table and "0/2" in table
    assert "censored at its last epoch" in " ".join(table.split())
    chart = versus_chart(groups, "label_fraction", width=100)
    assert "censored" in chart and "median epoch to 100% train" in chart


def test_group_numbers_are_the_restored_weights_and_say_so():
    """An early-stopped member restored to its best epoch counts with that epoch's numbers, as its
    summary.json does: not the stop epoch's."""
    members = [_run(f"e-seed{s}", "e", s, [80, 90, 100], [97, 95, 94], best=1, restored=True)
               for s in (1, 2)]
    (group,) = group_results(members)
    assert group.stats["end_val_acc"].mean == 97 and group.stats["end_train_acc"].mean == 80
    assert group.stats["end_total_norm"].mean == 10.0  # epoch 1's norm, not epoch 3's 12.0
    assert group.summary()["restored"] == 2 and "restored best epoch" in group.summary()["end"]
    table = _text(group_table([group]))
    assert "e *" in table and "restored best epoch" in table and "97.0 ± 0.0" in table
