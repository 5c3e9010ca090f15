"""A non-editable install carries the presets, so `regtui run memorization` works from anywhere."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_wheel_finds_its_presets_from_any_directory(tmp_path):
    """Built, installed elsewhere and run from an unrelated folder, the wheel lists every preset
    from its own regtui/presets, through the entry point's module."""
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("regtui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    presets = {Path(n).name for n in names if n.startswith("regtui/presets/")}
    assert {p.name for p in (ROOT / "presets").glob("*.toml")} <= presets
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "regtui = regtui.cli.entry:main" in zipfile.ZipFile(wheel).read(entry).decode()

    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(site), str(wheel)], check=True, capture_output=True)
    code = ("import regtui.cli.main; from regtui.experiments.presets import preset_dir, preset_paths; "
            "print(preset_dir()); print(','.join(preset_paths()))")
    env = {**os.environ, "PYTHONPATH": str(site)}  # the installed copy, not this source tree
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert Path(out[0]) == site / "regtui" / "presets"
    assert set(out[1].split(",")) == {p.stem for p in (ROOT / "presets").glob("*.toml")}


def test_no_file_keeps_merge_conflict_markers():
    """A merge left unresolved shows as literal markers in docs or code; none may ship."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    marks = ("<" * 7 + " ", "=" * 7 + "\n", ">" * 7 + " ")
    paths = [root / "README.md", root / "pyproject.toml", *root.glob("regtui/**/*.py"),
             *root.glob("presets/*.toml"), *root.glob("tests/**/*.py")]
    bad = [str(p) for p in paths if any(line.startswith(marks) or line == marks[1]
                                        for line in p.read_text(encoding="utf-8").splitlines(True))]
    assert bad == []
