"""Atomic file writes: a unique temporary name in the target's folder, then os.replace.

A reader (or a crash, a kill -9, a second Ctrl-C) sees either the old file or the complete
new one, never half a file; two writers never share a temporary name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

# mkstemp makes files readable by their owner only; a run folder's files should get the usual
# permissions (0666 less the umask), like any file `open` creates. Read once, at import.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside `path`; on a clean exit it is synced and renamed to `path`.

    On an exception the temporary file is removed and `path` is left as it was.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)
        encoding = None if "b" in mode else "utf-8"
        with open(fd, mode, newline=newline, encoding=encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())  # the data is on disk before the name points at it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (UTF-8)."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def atomic_save(path: Path, save: Callable[[IO], object]) -> None:
    """Write a binary file atomically with `save(file)`, e.g. `lambda f: torch.save(obj, f)`."""
    with atomic_open(path, "wb") as fh:
        save(fh)
