"""Reading run folders that are still being written (regtui.experiments.follow), and naming runs
opened together from several sessions (regtui.experiments.run_names.RunNames)."""

import csv
import io
import os
import subprocess
import sys
import time

import pytest

from regtui.experiments import run_folders
from regtui.experiments.follow import Follower, NewEpochs, RunEnd, RunSeen, session_label
from regtui.experiments.run_folders import RunWriter, metric_rows, write_run
from regtui.experiments.run_lookup import RUNNING, SavedRunError
from regtui.experiments.saved import load_run, load_runs
from regtui.models.layers import layer_rows
from tests.tui.streams import fake_result


def row_text(result, i: int) -> str:
    """Line i (0-based epoch index) of a metrics.csv as RunWriter writes it."""
    out = io.StringIO()
    _, rows = metric_rows(result.info, [result.history[i]])
    csv.writer(out).writerow(["" if v is None else v for v in rows[0]])
    return out.getvalue()


def files(folder):
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_a_run_is_read_as_it_is_written_up_to_its_last_whole_line(tmp_path):
    result = fake_result("true", 6)
    writer = RunWriter(tmp_path, result.info, "synthetic")
    follower = Follower([tmp_path], wait=True)
    assert not follower.poll().events  # the header only: nothing to draw yet
    for report in result.history[:2]:
        writer.append(report)
    events = follower.poll().events
    assert isinstance(events[0], RunSeen) and events[0].info.config.name == "true"
    assert [r.epoch for r in events[1].reports] == [1, 2]
    line = row_text(result, 2)
    metrics = tmp_path / "true" / "metrics.csv"
    with open(metrics, "a", encoding="utf-8") as fh:  # a row caught half-written
        fh.write(line[:10])
    assert not follower.poll().events
    with open(metrics, "a", encoding="utf-8") as fh:
        fh.write(line[10:])
    update = follower.poll()
    assert [type(e) for e in update.events] == [NewEpochs] and update.events[0].reports[0].epoch == 3
    assert update.events[0].reports[0].val_acc == result.history[2].val_acc
    assert follower.running == ["true"]
    info = events[0].info  # shapes come with summary.json at the end: none shown as 0 meanwhile
    assert info.device == "auto"
    assert [row[2] for row in layer_rows(info.layers, info.initial_norms)] == [""] * 5


def test_the_end_comes_from_the_status_file_and_the_run_is_read_whole(tmp_path):
    result = fake_result("true", 4)
    writer = RunWriter(tmp_path, result.info, "synthetic")
    follower = Follower([tmp_path / "true"], wait=True)
    assert not follower.poll().events
    for report in result.history:
        writer.append(report)
    assert [type(e) for e in follower.poll().events] == [RunSeen, NewEpochs]  # status: running
    writer.close(result)
    end, = follower.poll().events
    assert isinstance(end, RunEnd) and end.result.stop_reason == "finished"
    assert [r.epoch for r in end.result.history] == [1, 2, 3, 4]
    assert end.result.info.layers[0].shape == (300, 1)  # from summary.json: the shapes are known
    assert not follower.poll().news and follower.running == []


def test_new_run_folders_of_a_session_are_picked_up_and_nothing_is_written(tmp_path):
    write_run(tmp_path, fake_result("true", 3), "synthetic")
    follower = Follower([tmp_path], wait=True)
    before = files(tmp_path)
    assert [type(e) for e in follower.poll().events] == [RunEnd]
    second = fake_result("random", 3, random_labels=True)
    writer = RunWriter(tmp_path, second.info, "synthetic")
    writer.append(second.history[0])
    events = follower.poll().events
    assert [type(e) for e in events] == [RunSeen, NewEpochs] and events[0].info.config.name == "random"
    later = files(tmp_path)
    assert all(later[p] == t for p, t in before.items())  # nothing it read was touched
    assert {p.relative_to(tmp_path).parts[0] for p in set(later) - set(before)} == {"random"}  # the writer's


def test_a_run_whose_epochs_stop_while_its_status_says_running_is_stalled(tmp_path):
    result = fake_result("true", 10)
    writer = RunWriter(tmp_path, result.info, "synthetic")
    for report in result.history[:3]:
        writer.append(report)
    old = time.time() - 100  # its last epoch reached the disk 100 s ago (a kill -9, a lost node)
    os.utime(tmp_path / "true" / "metrics.csv", (old, old))
    update = Follower([tmp_path], wait=True).poll()
    assert 99 <= update.stalled["true"] < 200
    assert Follower([tmp_path], wait=True, stall_s=1000).poll().stalled == {}  # slower than allowed


def test_a_killed_run_read_whole_says_interrupted_and_other_ends_come_from_status(tmp_path):
    result = fake_result("true", 4)
    writer = RunWriter(tmp_path, result.info, "synthetic")
    writer.append(result.history[0])  # then killed: status still running, no summary
    assert (tmp_path / "true" / "status").read_text().strip() == RUNNING == run_folders.RUNNING
    assert load_run(tmp_path / "true").stop_reason == "interrupted"
    (tmp_path / "true" / "status").write_text("stopped\n")  # ended without its summary
    assert load_run(tmp_path / "true").stop_reason == "stopped"


def test_folders_that_cannot_be_followed_are_one_line_errors(tmp_path):
    with pytest.raises(SavedRunError, match="no such folder"):
        Follower([tmp_path / "missing"], wait=True)
    with pytest.raises(SavedRunError, match="not a run folder"):
        Follower([tmp_path])  # empty: an error for show, a session to wait for with --follow
    assert Follower([tmp_path], wait=True).poll().events == []
    session = tmp_path / "quick-20261201-120000"
    session.mkdir()
    write_run(session, fake_result("true", 3), "synthetic")
    with pytest.raises(SavedRunError, match=f"holds session folders, not runs: open one of them, e.g. "
                                            f"{session}"):
        Follower([tmp_path], wait=True)
    bad = session / "bad"
    bad.mkdir()
    (bad / "config.toml").write_text((session / "true" / "config.toml").read_text())
    (bad / "status").write_text("running\n")
    (bad / "metrics.csv").write_text("epoch,nonsense\n1,2\n")
    with pytest.raises(SavedRunError, match="missing column"):
        Follower([session])
    assert session_label([session]) == "quick" and session_label([session / "true"]) == "quick"


def test_a_folder_that_goes_bad_while_followed_is_reported_once_and_the_rest_followed(tmp_path):
    result = fake_result("true", 3)
    writer = RunWriter(tmp_path, result.info, "synthetic")
    writer.append(result.history[0])
    follower = Follower([tmp_path], wait=True)
    follower.poll()
    with open(tmp_path / "true" / "metrics.csv", "a", encoding="utf-8") as fh:
        fh.write("2,not-a-number" + ",1" * 20 + "\n")
    update = follower.poll()
    assert len(update.errors) == 1 and "not a number" in update.errors[0]
    second = fake_result("random", 3)
    RunWriter(tmp_path, second.info, "synthetic").append(second.history[0])
    update = follower.poll()
    assert not update.errors and update.events[0].info.config.name == "random"


def members(session, group: str, seeds=(1, 2)):
    for seed in seeds:
        result = fake_result(f"{group}-seed{seed}", 4)
        result.info = result.info.__class__(**{**result.info.__dict__, "config": result.info.config.replace(
            group=group, seed=seed)})
        write_run(session, result, "synthetic")


def test_same_named_seed_groups_of_two_sessions_stay_two_groups(tmp_path):
    """Two sessions of `--seeds 1,2`: four members, two groups, the second prefixed by its session."""
    for name in ("monday", "tuesday"):
        (tmp_path / name).mkdir()
        members(tmp_path / name, "true")
    results = load_runs([tmp_path / "monday", tmp_path / "tuesday"])
    assert [(r.info.config.name, r.info.config.group) for r in results] == [
        ("true-seed1", "true"), ("true-seed2", "true"),
        ("tuesday-true-seed1", "tuesday-true"), ("tuesday-true-seed2", "tuesday-true")]
    assert {r.run for r in results[2].history} == {"tuesday-true-seed1"}


def test_a_group_named_like_another_sessions_run_is_prefixed_too(tmp_path):
    (tmp_path / "monday").mkdir()
    (tmp_path / "tuesday").mkdir()
    write_run(tmp_path / "monday", fake_result("true", 3), "synthetic")  # one run named "true"
    members(tmp_path / "tuesday", "true", seeds=(7,))  # a group "true" whose member is "true-seed7"
    results = load_runs([tmp_path / "monday", tmp_path / "tuesday", tmp_path / "monday" / "true"])
    assert [(r.info.config.name, r.info.config.group) for r in results] == [
        ("true", ""), ("tuesday-true-seed7", "tuesday-true")]  # the folder named twice is read once


def test_the_follower_loads_no_ui_and_no_torch():
    code = ("import sys, regtui.experiments.follow; "
            "assert not {'textual', 'rich', 'torch'} & set(sys.modules), sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
