"""Export the app's charts, legend and tables as an SVG figure for a report.

Two ways in: the `e` key (the app writes beside the session folder it shows, or in ./runs)
and `regtui show FOLDER --export FILE.svg`, which draws the whole comparison in a headless
app (no terminal taken) at a fixed size (launch.export_figure), writes it and exits. The
SVG is Textual's screenshot of the screen without its footer; it is written atomically, so
a path that cannot be written leaves nothing behind.
"""

from __future__ import annotations

import time
from pathlib import Path

from regtui.system.atomic import atomic_write_text
from regtui.system.errors import shown

DEFAULT_SIZE = (160, 50)  # columns x rows of a figure from --export: wide charts, the table whole


def parse_size(text: str, least: tuple[int, int]) -> tuple[int, int]:
    """'160x50' as (160, 50); ValueError naming the rule unless both are at least `least`."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size {text!r}: write COLUMNSxROWS, e.g. 160x50") from None
    if width < least[0] or height < least[1] or width > 1000 or height > 1000:
        raise ValueError(f"--size {text!r}: from {least[0]}x{least[1]} up to 1000x1000")
    return width, height


def figure_path(folders: list[Path], out_dir: Path, stem: str) -> Path:
    """Where the `e` key writes: beside the first folder shown (`runs/S.svg` for runs/S), never
    inside it, or `out_dir/<stem>-<time>.svg`; a free name ('-2', '-3' ... when taken)."""
    if folders:
        base = folders[0].resolve()
        path = base.parent / f"{base.name}.svg"
    else:
        path = out_dir / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}.svg"
    free, n = path, 2
    while free.exists():
        free, n = path.with_name(f"{path.stem}-{n}.svg"), n + 1
    return free


def write_figure(path: Path, svg: str) -> None:
    """Write the SVG atomically (OSError when the folder cannot take it; nothing left behind)."""
    atomic_write_text(path, svg)


def check_target(path: Path) -> str | None:
    """Why `path` cannot receive an exported figure, checked before drawing; None if it can."""
    if path.is_dir():
        return f"--export {shown(path)}: that is a folder; give a file name ending in .svg"
    if path.suffix.lower() != ".svg":
        return f"--export {shown(path)}: the figure is SVG; give a file name ending in .svg"
    if not path.parent.is_dir():
        return f"--export {shown(path)}: no such folder {shown(path.parent)}"
    return None
