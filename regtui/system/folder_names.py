"""Names that become exactly one folder: the rule for run and preset names, and their collision key."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath

from regtui.system.errors import RegtuiError

# File systems allow 255 bytes per name; leave room for suffixes regtui adds to a name
# ("-2" for a repeated run name, "tui-" and "-YYYYmmdd-HHMMSS-N" for a session folder).
NAME_MAX_BYTES = 200


def folder_name_problem(name: str) -> str | None:
    """Why `name` cannot be used as one folder name inside a chosen folder, or None if it can."""
    if not name.strip():
        return "it is empty"
    if name in (".", ".."):
        return f"{name!r} names a folder that already exists, not a new one"
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).anchor:
        return "it is an absolute path"
    if "/" in name or "\\" in name:
        return "it contains a path separator"
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:  # Cc: control characters (newline, tab, NUL, DEL); Cs: undecodable bytes
        return f"it contains the control or undecodable character U+{ord(bad):04X}"
    if name != name.strip():
        return "it starts or ends with a space"
    size = len(name.encode("utf-8"))
    if size > NAME_MAX_BYTES:
        return f"it is {size} bytes long in UTF-8"
    return None


def folder_key(name: str) -> str:
    """What a name is compared by: case-insensitive disks (macOS, Windows) and Unicode
    normalization (macOS stores NFD) make names differing only in these one folder."""
    return unicodedata.normalize("NFC", name).casefold()


def first_collision(names: Iterable[str]) -> tuple[int, int] | None:
    """Indexes (i, j), i < j, of the first two names that would share a folder, or None."""
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        key = folder_key(name)
        if key in seen:
            return seen[key], j
        seen[key] = j
    return None


def given_folder(text: str | os.PathLike[str], what: str) -> Path:
    """A folder the user named (`what`, e.g. "--out"), as a Path; RegtuiError (exit 2) for an
    empty name, which Path would silently take for the current folder."""
    if not os.fspath(text).strip():
        raise RegtuiError(f"{what} is empty; give a folder name (use . for the current folder)")
    return Path(text).expanduser()
