"""Image folders with hostile layouts: undecodable file names, symbolic links and link loops."""

import os

import torch
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.data.folder import load_folder, scan
from tests.unit.datahelpers import make_image_folder


def test_a_file_name_that_is_not_utf8_is_read_and_shown_safely(tmp_path):
    folder = make_image_folder(tmp_path / "imgs")
    raw = os.fsencode(folder)
    png = (folder / "cat" / "000.png").read_bytes()
    with open(raw + b"/cat/\xff\xfe.png", "wb") as fh:  # readable, with an undecodable name
        fh.write(png)
    with open(raw + b"/dog/bad\xff.png", "wb") as fh:  # unreadable, with an undecodable name
        fh.write(b"not an image")
    loaded = load_folder(folder, cache=tmp_path / "c")  # the cache key hashes the name
    assert len(loaded.images) == 24 + 1
    assert len(loaded.skipped) == 1 and "bad\\xff.png" in loaded.skipped[0]
    loaded.skipped[0].encode("utf-8")  # printable: no surrogates left
    assert load_folder(folder, cache=tmp_path / "c").from_cache


def test_an_undecodable_class_name_is_printable(tmp_path):
    folder = make_image_folder(tmp_path / "imgs")
    os.rename(folder / "wild", os.fsencode(folder) + b"/w\xffld")
    classes = load_folder(folder, cache=tmp_path / "c").images.classes
    assert classes == ("cat", "dog", "w\\xffld")


def test_cli_warns_about_an_undecodable_name_without_a_traceback(tmp_path, monkeypatch):
    folder = make_image_folder(tmp_path / "imgs")
    with open(os.fsencode(folder) + b"/wild/broken\xfe.png", "wb") as fh:
        fh.write(b"\x89PNG broken")
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(tmp_path / "c"))
    result = CliRunner().invoke(app, ["run", "quick", "--dataset", "folder", "--data-dir", str(folder),
                                      "--n-train", "12", "--n-val", "6", "--epochs", "1",
                                      "--device", "cpu", "--out", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    assert "broken\\xfe.png" in result.output and "Traceback" not in result.output


def test_a_link_loop_counts_every_image_once_under_its_own_class(tmp_path):
    folder = make_image_folder(tmp_path / "imgs", per_class=80)  # 240 images
    os.symlink("..", folder / "cat" / "up")  # today: 9,840 images, dogs labelled cat
    os.symlink(".", folder / "dog" / "self")
    found = scan(folder)
    assert len(found.files) == 240
    assert [sum(1 for _, c in found.files if c == k) for k in range(3)] == [80, 80, 80]
    for path, label in found.files:
        assert path.resolve().parent.name == found.classes[label]
    assert any("cat/up" in note for note in found.ignored)
    assert any("dog/self" in note for note in found.ignored)


def test_links_into_other_classes_and_twice_to_one_folder_are_not_counted(tmp_path):
    folder = make_image_folder(tmp_path / "imgs", per_class=4)
    os.symlink("../dog", folder / "cat" / "dogs")  # would label dogs as cats
    os.symlink("../dog/001.png", folder / "cat" / "alias.png")
    os.symlink("000.png", folder / "wild" / "again.png")  # the same file twice
    found = scan(folder)
    assert len(found.files) == 12
    ignored = " ".join(found.ignored)
    assert "cat/dogs" in ignored and "cat/alias.png" in ignored and "wild/again.png" in ignored


def test_linked_in_data_is_followed_once(tmp_path):
    elsewhere = make_image_folder(tmp_path / "store", per_class=5, classes=("a", "b"))
    root = tmp_path / "data"
    root.mkdir()
    os.symlink(elsewhere / "a", root / "cat")  # people link data sets in
    (root / "dog").mkdir()
    os.symlink(elsewhere / "b", root / "dog" / "batch1")
    os.symlink(elsewhere / "b", root / "dog" / "batch2")  # the same folder again
    os.symlink(tmp_path, root / "dog" / "outer")  # a folder that holds the data set
    loaded = load_folder(root, cache=tmp_path / "c")
    assert torch.bincount(loaded.images.y).tolist() == [5, 5]
    assert len(loaded.notes) == 1 and "dog/batch2" in loaded.notes[0] and "dog/outer" in loaded.notes[0]


def test_image_order_is_imagefolders(tmp_path):
    folder = make_image_folder(tmp_path / "imgs", per_class=3)
    make_image_folder(folder / "cat" / "sub", per_class=2, classes=("a",))
    names = [str(p.relative_to(folder)) for p, _ in scan(folder).files]
    assert names[:5] == ["cat/000.png", "cat/001.png", "cat/002.png", "cat/sub/a/000.png",
                         "cat/sub/a/001.png"]
