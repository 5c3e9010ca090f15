"""The decoded-tensor cache: concurrent builders, bogus entries, and a cache that cannot be written."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.data.folder import load_folder, scan
from tests.unit.datahelpers import make_image_folder

BUILD = """
import sys, time
from pathlib import Path
from regtui.data.folder import load_folder
folder, base, me = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
for attempt in range(20):
    (base / f"ready-{attempt}-{me}").touch()  # a barrier: both start each attempt together
    deadline = time.monotonic() + 60
    while len(list(base.glob(f"ready-{attempt}-*"))) < 2:
        if time.monotonic() > deadline:
            sys.exit("the other process never arrived (did it fail?)")
        time.sleep(0.001)
    print(len(load_folder(folder, cache=base / f"cache{attempt}").images))
"""


def _entry(folder: Path, cache: Path, size: int = 32) -> Path:
    return cache / "tensors" / f"folder-{scan(folder).fingerprint(size)}.pt"


def test_two_processes_building_the_same_cache_both_succeed(tmp_path):
    folder = make_image_folder(tmp_path / "imgs", per_class=30)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    procs = [subprocess.Popen([sys.executable, "-c", BUILD, str(folder), str(tmp_path), str(me)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for me in range(2)]
    for p in procs:  # today one of the pair failed in about 1 of 4 tries
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.split() == ["90"] * 20
    for attempt in range(20):
        cache = tmp_path / f"cache{attempt}"
        assert [p.name for p in (cache / "tensors").iterdir()] == [_entry(folder, cache).name]
        assert load_folder(folder, cache=cache).from_cache


def test_threads_saving_the_same_entry_slowly_all_succeed(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    real_save = torch.save

    def slow_save(*args, **kwargs):  # widen the window between writing and renaming
        real_save(*args, **kwargs)
        time.sleep(0.2)

    monkeypatch.setattr(torch, "save", slow_save)
    folder = make_image_folder(tmp_path / "imgs", per_class=4)
    with ThreadPoolExecutor(4) as pool:  # today: FileNotFoundError renaming a shared .tmp
        sizes = list(pool.map(lambda _: len(load_folder(folder, cache=tmp_path / "c").images), range(4)))
    assert sizes == [12] * 4
    entries = [p.name for p in (tmp_path / "c" / "tensors").iterdir()]
    assert entries == [_entry(folder, tmp_path / "c").name]  # no temporary file left behind


def _bogus_entries():
    x = torch.zeros(12, 3, 32, 32, dtype=torch.uint8)
    y = torch.arange(12) % 3
    yield "not a dict", [1, 2, 3]
    yield "extra key", {"x": x, "y": y, "skipped": [], "evil": 1}
    yield "float pixels", {"x": x.float(), "y": y, "skipped": []}
    yield "wrong image size", {"x": x[:, :, :16, :16], "y": y, "skipped": []}
    yield "one channel", {"x": x[:, :1], "y": y, "skipped": []}
    yield "int32 labels", {"x": x, "y": y.int(), "skipped": []}
    yield "length mismatch", {"x": x, "y": y[:5], "skipped": []}
    yield "labels out of range", {"x": x, "y": y + 3, "skipped": []}
    yield "negative labels", {"x": x, "y": y - 1, "skipped": []}
    yield "too few images", {"x": x[:6], "y": y[:6], "skipped": []}
    yield "skipped not names", {"x": x, "y": y, "skipped": [1]}
    yield "empty", {"x": x[:0], "y": y[:0], "skipped": ["a"] * 12}


@pytest.mark.parametrize("what,blob", list(_bogus_entries()), ids=[w for w, _ in _bogus_entries()])
def test_a_loadable_but_bogus_entry_is_rebuilt_not_trusted(tmp_path, what, blob):
    folder = make_image_folder(tmp_path / "imgs", per_class=4)
    cache = tmp_path / "c"
    fresh = load_folder(folder, cache=cache).images
    (entry,) = (cache / "tensors").glob("*.pt")
    torch.save(blob, entry)
    again = load_folder(folder, cache=cache)
    assert not again.from_cache, what
    assert torch.equal(again.images.x, fresh.x) and torch.equal(again.images.y, fresh.y)
    assert load_folder(folder, cache=cache).from_cache  # the rebuilt entry is good again


def test_a_garbage_entry_is_rebuilt(tmp_path):
    folder = make_image_folder(tmp_path / "imgs", per_class=4)
    entry = _entry(folder, tmp_path / "c")
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"\x00" * 100)
    assert len(load_folder(folder, cache=tmp_path / "c").images) == 12


def test_a_cache_that_cannot_be_written_costs_speed_not_the_run(tmp_path, monkeypatch):
    folder = make_image_folder(tmp_path / "imgs", per_class=4)

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("regtui.system.atomic.tempfile.mkstemp", read_only)
    loaded = load_folder(folder, cache=tmp_path / "c")
    assert len(loaded.images) == 12 and not loaded.from_cache
    (note,) = loaded.notes
    assert f"cannot write the data cache at {tmp_path / 'c' / 'tensors'}: Permission denied" in \
        note.replace("could not", "cannot")
    assert "REGTUI_CACHE_DIR" in note


def test_cli_run_with_a_file_as_cache_folder_still_trains(tmp_path, monkeypatch):
    folder = make_image_folder(tmp_path / "imgs")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(blocker))
    result = CliRunner().invoke(app, ["run", "quick", "--dataset", "folder", "--data-dir", str(folder),
                                      "--n-train", "12", "--n-val", "6", "--epochs", "1",
                                      "--device", "cpu", "--out", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    assert "decoded without caching" in result.output and str(blocker) in result.output
    assert blocker.read_text() == "x"
