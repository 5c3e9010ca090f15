"""Find the run folders a user names: a run folder, or a session folder holding runs (no UI).

`regtui show`, `regtui.load` and `show --follow` all take such names; one set of rules and one
set of messages serves them, so a name means the same to each of them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from regtui.system.errors import RegtuiError, reason, shown

METRICS = "metrics.csv"
STATUS = "status"  # RUNNING while the run trains, then its stop reason (run_folders.py writes it)
RUNNING = "running"
WANTED = "give a run folder (it holds metrics.csv) or a session folder holding run folders"


class SavedRunError(RegtuiError):
    """A path that is not a readable run or session folder (exit code 2)."""


def _kind(path: Path) -> str | None:
    """"folder", "file" or None (nothing there); SavedRunError for a path that cannot be looked at."""
    try:
        return "folder" if path.is_dir() else "file" if path.exists() else None
    except OSError as exc:  # a name too long, a folder that may not be searched
        raise SavedRunError(f"{shown(path)}: {reason(exc)}; {WANTED}") from None


def checked_folder(name: str | os.PathLike[str]) -> Path:
    """`name` as an existing folder's Path; SavedRunError saying what it is instead (an empty
    name, a file, nothing there)."""
    if not os.fspath(name).strip():  # Path("") would be the current folder
        raise SavedRunError(f"a folder name is empty; {WANTED} (. is the current folder)")
    path = Path(name).expanduser()
    kind = _kind(path)
    if kind == "file":
        inside = f"; this file is in the run folder {shown(path.parent)}" \
            if path.name in (METRICS, "summary.json", "config.toml", STATUS) else ""
        raise SavedRunError(f"{shown(path)} is a file, not a folder; {WANTED}{inside}")
    if kind is None:
        raise SavedRunError(f"{shown(path)}: no such folder; {WANTED}")
    return path


def is_run_folder(path: Path) -> bool:
    """Whether `path` is one run's folder (rather than a session folder holding run folders)."""
    return (path / METRICS).is_file() or (path / "config.toml").is_file()


def runs_in(session: Path) -> list[Path]:
    """The run folders inside a session folder, in the order they were trained (a session
    writes its runs' metrics one after another)."""
    inner = [p for p in session.iterdir() if p.is_dir() and (p / METRICS).is_file()]
    return sorted(inner, key=lambda p: ((p / METRICS).stat().st_mtime, p.name))


def runs_under(path: Path, empty_ok: bool = False) -> list[Path]:
    """The runs `path` names: itself if a run folder, else the runs inside it. A folder of
    session folders is refused, naming its newest session; an empty folder is refused unless
    `empty_ok` (a session folder that a run elsewhere has yet to fill)."""
    if is_run_folder(path):
        return [path]
    inner = runs_in(path)
    if inner:
        return inner
    sessions = sorted((p for p in path.iterdir() if p.is_dir() and runs_in(p)),
                      key=lambda p: p.stat().st_mtime)
    if sessions:
        raise SavedRunError(f"{shown(path)} holds session folders, not runs: open one of them, e.g. "
                            f"{shown(sessions[-1])} (the newest)")
    if empty_ok:
        return []
    raise SavedRunError(f"{shown(path)}: not a run folder (no {METRICS}) nor a session folder "
                        "holding any")


def run_folders(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The run folders named: each path is a run folder or a session folder holding some; a
    folder named twice (itself, or through its session) is read once."""
    found: dict[Path, Path] = {}
    for name in paths:
        inner = runs_under(checked_folder(name))
        found.update((p.resolve(), p) for p in inner if p.resolve() not in found)
    return list(found.values())
