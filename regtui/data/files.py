"""File-system care for the data layer: printable names and usable folders.

Errors name the path and what to do rather than only the errno text; `shown` and `reason`
(regtui.system.errors) make paths printable and word the errno.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from regtui.system.errors import EXIT_USAGE, RegtuiError, reason, shown

CACHE_FIX = "set --cache-dir or REGTUI_CACHE_DIR to a writable folder"


class FolderUnusable(RegtuiError, OSError):
    """A folder regtui must write to is a file, missing a parent, or not writable."""

    exit_code = EXIT_USAGE


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
