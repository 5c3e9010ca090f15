"""`regtui show --follow`: a session still being written, drawn as it grows (a real `regtui run`
in a subprocess), and a run whose epochs stopped while its status says running (stalled)."""

import os
import subprocess
import sys
import time
from pathlib import Path

from regtui.experiments.follow import Follower
from regtui.experiments.run_folders import RunWriter
from regtui.tui.app import RegtuiApp
from tests.tui.conftest import wait_until
from tests.tui.streams import fake_result

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 60
WRITER_FILES = {"config.toml", "status", "metrics.csv", "summary.json", "final.pt", "best.pt"}


async def test_follow_draws_a_real_run_as_it_trains_and_each_end_from_its_status(tmp_path):
    out = tmp_path / "runs"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    job = subprocess.Popen([sys.executable, "-m", "regtui", "run", "quick", "--epochs", str(EPOCHS), "--out",
                            str(out), "--no-plot", "--threads", "1"], cwd=tmp_path, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (out.is_dir() and any(out.iterdir())):  # the session folder: made when run 1 starts
            assert job.poll() is None and time.monotonic() < deadline, job.stderr.read() if job.stderr else ""
            time.sleep(0.05)
        session = next(out.iterdir())
        app = RegtuiApp(follower=Follower([session], wait=True), follow=True, speed=None)
        async with app.run_test(size=(120, 40)):
            # a run caught mid-way: drawn from the epochs that reached metrics.csv so far
            await wait_until(lambda: any(r.result is None and 0 < len(r.epochs) < EPOCHS
                                         for r in app.runs), 120)
            assert "Following" in app.message_line and "1 running" in app.message_line
            await wait_until(lambda: len(app.runs) == 2 and all(r.result is not None for r in app.runs), 180)
            assert [r.name for r in app.runs] == ["true", "random"]  # the second run's folder came later
            assert [len(r.epochs) for r in app.runs] == [EPOCHS, EPOCHS]
            assert [r.result.stop_reason for r in app.runs] == ["finished", "finished"]  # from status
            await wait_until(lambda: "0 running, 2 ended" in app.message_line, 10)
        assert job.wait(timeout=120) == 0, job.stderr.read()
        for run in session.iterdir():  # the viewer wrote nothing into the folder it followed
            assert {p.name for p in run.iterdir()} <= WRITER_FILES, sorted(run.iterdir())
        assert {p.name for p in out.iterdir()} == {session.name}
    finally:
        if job.poll() is None:
            job.kill()
            job.wait()


async def test_a_run_whose_epochs_stop_shows_as_stalled_until_it_moves_or_ends(tmp_path):
    result = fake_result("true", 10)
    writer = RunWriter(tmp_path, result.info, "synthetic")
    for report in result.history[:3]:
        writer.append(report)
    old = time.time() - 100  # the last epoch reached the disk 100 s ago; status still says running
    os.utime(tmp_path / "true" / "metrics.csv", (old, old))
    app = RegtuiApp(follower=Follower([tmp_path], wait=True), follow=True, speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: "true stalled: no new epoch for 1m4" in app.message_line, 20)
        assert "(killed?) · Following" in app.message_line and "0 running, 1 stalled" in app.message_line
        assert len(app.runs[0].epochs) == 3 and app.runs[0].result is None
        await pilot.press("r")  # no replay of a run still being written
        await wait_until(lambda: any("true is still being written" in n.message
                                     for n in app._notifications), 10)
        for report in result.history[3:5]:  # it moves again
            writer.append(report)
        await wait_until(lambda: len(app.runs[0].epochs) == 5, 20)
        assert "stalled" not in app.message_line and "1 running" in app.message_line
        for report in result.history[5:]:
            writer.append(report)
        writer.close(result)
        await wait_until(lambda: app.runs[0].result is not None, 20)
        assert app.runs[0].result.stop_reason == "finished" and len(app.runs[0].epochs) == 10
        assert "0 running, 1 ended" in app.message_line


async def test_show_without_follow_says_a_run_is_still_running_instead_of_interrupted(tmp_path):
    result = fake_result("true", 10)
    writer = RunWriter(tmp_path, result.info, "synthetic")
    for report in result.history[:4]:
        writer.append(report)
    app = RegtuiApp(follower=Follower([tmp_path]), speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.runs[0].result is None and len(app.runs[0].epochs) == 4  # not "interrupted"
        assert f"true still running when read; to watch: regtui show --follow {tmp_path}" in app.message_line
