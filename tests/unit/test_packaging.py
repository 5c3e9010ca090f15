"""A non-editable install carries the presets, so `regtui run memorization` works from anywhere."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_wheel_ships_presets_and_entry_point(tmp_path):
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("regtui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    presets = {Path(n).name for n in names if n.startswith("regtui/presets/")}
    assert {p.name for p in (ROOT / "presets").glob("*.toml")} <= presets
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "regtui = regtui.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


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
