"""File-system care for the data layer: printable names and usable folders.

File names are bytes on POSIX; Python hands undecodable ones over as surrogate escapes,
which cannot be printed or encoded as UTF-8. `shown` makes any such text printable, and
errors name the path and what to do rather than only the errno text.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from regtui.system.errors import EXIT_USAGE, RegtuiError

CACHE_FIX = "set --cache-dir or REGTUI_CACHE_DIR to a writable folder"


class FolderUnusable(RegtuiError, OSError):
    """A folder regtui must write to is a file, missing a parent, or not writable."""

    exit_code = EXIT_USAGE


def shown(text: object) -> str:
    """`text` (a path or a message) printable as UTF-8: undecodable bytes become \\xNN escapes."""
    text = os.fspath(text) if isinstance(text, os.PathLike) else text
    text = os.fsdecode(text) if isinstance(text, bytes) else str(text)
    try:
        raw = text.encode("utf-8", "surrogateescape")  # back to the bytes the file system holds
    except UnicodeEncodeError:  # a lone surrogate that did not come from a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def reason(exc: OSError) -> str:
    """The errno text of an OSError without the path it repeats (we name the path ourselves)."""
    return exc.strerror or str(exc) or type(exc).__name__


def writable_folder(folder: Path, what: str, fix: str = CACHE_FIX) -> Path:
    """Create `folder` if needed and prove a file can be written in it; else FolderUnusable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise FolderUnusable(f"{what} {shown(folder)} is a file, not a folder; {fix}") from None
    except NotADirectoryError:
        raise FolderUnusable(f"cannot create {what} {shown(folder)}: part of that path is a file, "
                             f"not a folder; {fix}") from None
    except OSError as exc:
        raise FolderUnusable(f"cannot create {what} {shown(folder)}: {reason(exc)}; {fix}") from None
    try:  # os.access says yes to root on a read-only mount; a real file is the only proof
        fd, probe = tempfile.mkstemp(prefix=".regtui-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise FolderUnusable(f"cannot write to {what} {shown(folder)}: {reason(exc)}; {fix}") from None
    return folder
