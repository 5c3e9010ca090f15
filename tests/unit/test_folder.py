"""Image folders: decoding, bad files, bad layouts, the tensor cache, resizing, the CLI."""

import os
import time

import pytest
import torch
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.data.classification import load_classification_data
from regtui.data.folder import FolderError, load_folder, scan
from regtui.data.sources import DataError
from regtui.engine.config import from_mapping
from tests.unit.datahelpers import make_image_folder


@pytest.fixture
def folder(tmp_path):
    return make_image_folder(tmp_path / "imgs")


def test_decodes_classes_labels_and_range(folder, tmp_path):
    loaded = load_folder(folder, cache=tmp_path / "c")
    s = loaded.images
    assert s.classes == ("cat", "dog", "wild") and s.x.shape == (24, 3, 32, 32)
    assert torch.bincount(s.y).tolist() == [8, 8, 8]
    assert s.x.min() >= -1.0 and s.x.max() <= 1.0
    assert not loaded.skipped and not loaded.from_cache


def test_unreadable_images_are_skipped_by_name_or_fatal_when_strict(folder, tmp_path):
    png = (folder / "cat" / "000.png").read_bytes()
    (folder / "cat" / "truncated.png").write_bytes(png[: len(png) // 2])
    (folder / "dog" / "garbage.jpg").write_bytes(b"not an image at all")
    (folder / "dog" / "README.txt").write_text("non-image files are ignored")
    loaded = load_folder(folder, cache=tmp_path / "c")
    assert len(loaded.images) == 24
    names = " ".join(loaded.skipped)
    assert "truncated.png" in names and "garbage.jpg" in names and "README" not in names
    with pytest.raises(FolderError, match=r"unreadable image.*(truncated|garbage)"):
        load_folder(folder, strict=True, cache=tmp_path / "c2")


@pytest.mark.parametrize("setup,message", [
    (lambda root: root.mkdir(), "no class sub-folders"),
    (lambda root: (root / "cat").mkdir(parents=True), "holds no images"),
    (lambda root: make_image_folder(root, classes=("cat",)), "single class"),
    (lambda root: (make_image_folder(root), (root / "zebra").mkdir()), "without images: zebra"),
])
def test_bad_layouts_are_clear_errors(tmp_path, setup, message):
    root = tmp_path / "bad"
    setup(root)
    with pytest.raises(FolderError, match=message):
        scan(root)
    with pytest.raises(FolderError, match="does not exist"):
        scan(tmp_path / "nowhere")


def test_cache_is_used_and_invalidated_when_the_folder_changes(folder, tmp_path):
    cache = tmp_path / "c"
    first = load_folder(folder, cache=cache)
    again = load_folder(folder, cache=cache)
    assert again.from_cache and torch.equal(first.images.x, again.images.x)
    make_image_folder(folder, per_class=9)  # adds one image per class
    grown = load_folder(folder, cache=cache)
    assert not grown.from_cache and len(grown.images) == 27
    time.sleep(0.01)
    target = folder / "cat" / "000.png"
    from PIL import Image

    Image.new("RGB", (32, 32), (255, 255, 255)).save(target)
    os.utime(target, None)
    changed = load_folder(folder, cache=cache)
    assert not changed.from_cache and not torch.equal(changed.images.x, grown.images.x)
    assert len(list((cache / "tensors").glob("*.pt"))) == 3  # one entry per folder state


def test_images_are_resized_and_the_model_input_follows(tmp_path, monkeypatch):
    from regtui.engine import Trainer

    folder = make_image_folder(tmp_path / "big", size=48)
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(tmp_path / "c"))
    assert load_folder(folder, size=32).images.x.shape[-2:] == (32, 32)
    cfg = from_mapping({"dataset": "folder", "data_dir": str(folder), "image_size": 16,
                        "n_train": 12, "n_val": 6, "epochs": 2, "device": "cpu"}, "t")
    trainer = Trainer(cfg)
    assert trainer.model.fc1.in_features == 3 * 16 * 16
    assert trainer.run().last.epoch == 2


def test_folder_dataset_needs_a_path_and_a_fitting_split(folder, tmp_path, monkeypatch):
    from regtui.engine.config import ConfigError

    monkeypatch.setenv("REGTUI_CACHE_DIR", str(tmp_path / "c"))
    with pytest.raises(ConfigError, match="needs data_dir"):
        from_mapping({"dataset": "folder"}, "t")
    cfg = from_mapping({"dataset": "folder", "data_dir": str(folder), "device": "cpu"}, "t")
    with pytest.raises(DataError, match="has 24 images but n_train \\+ n_val = 200"):
        load_classification_data(cfg, torch.device("cpu"))


def test_cli_run_on_a_folder_and_on_a_missing_one(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(tmp_path / "c"))
    png = (folder / "wild" / "000.png").read_bytes()
    (folder / "wild" / "broken.png").write_bytes(png[:40])
    runner = CliRunner()
    args = ["run", "quick", "--dataset", "folder", "--n-train", "12", "--n-val", "6",
            "--epochs", "2", "--device", "cpu", "--out", str(tmp_path / "runs")]
    ok = runner.invoke(app, [*args, "--data-dir", str(folder)])
    assert ok.exit_code == 0, ok.output
    assert "warning: skipped 1 unreadable image(s)" in ok.output and "broken.png" in ok.output
    strict = runner.invoke(app, [*args, "--data-dir", str(folder), "--strict"])
    assert strict.exit_code == 2 and "broken.png" in strict.output
    missing = runner.invoke(app, [*args, "--data-dir", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert "Traceback" not in missing.output + strict.output
    not_fetched = runner.invoke(app, ["run", "quick", "--dataset", "afhq", "--out", str(tmp_path / "r")])
    assert not_fetched.exit_code == 2 and "regtui data fetch afhq" in not_fetched.output


def test_data_dir_that_is_a_file_or_unused_is_named(folder, tmp_path, monkeypatch):
    from regtui.data.sources import check_data_dir

    monkeypatch.setenv("REGTUI_CACHE_DIR", str(tmp_path / "c"))
    runner = CliRunner()
    base = ["run", "quick", "--epochs", "1", "--device", "cpu", "--out", str(tmp_path / "runs")]
    a_file = runner.invoke(app, [*base, "--dataset", "folder", "--data-dir", "/etc/passwd"])
    assert a_file.exit_code == 2 and "/etc/passwd' is a file, not a folder" in a_file.output
    unused = runner.invoke(app, [*base, "--dataset", "digits", "--data-dir", str(folder)])
    assert unused.exit_code == 2, unused.output
    assert "is not used by data set 'digits'" in unused.output and str(folder) in unused.output
    assert "Traceback" not in a_file.output + unused.output
    with pytest.raises(DataError, match="not used by data set 'toy'"):
        check_data_dir("toy", str(folder))  # for the config's validation; toy loads no images
    check_data_dir("afhq", str(folder))  # a local copy of a download: fine


def test_an_unreadable_image_folder_names_the_path(tmp_path, monkeypatch):
    from pathlib import Path

    folder = make_image_folder(tmp_path / "imgs")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", denied)
    with pytest.raises(FolderError, match=f"cannot read the image folder {folder}: Permission denied"):
        scan(folder)
