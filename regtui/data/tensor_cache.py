"""The decoded-tensor cache of image folders: loads that are checked, writes that are atomic.

An entry is a dict {"x": uint8 (N, 3, S, S), "y": int64 (N,), "skipped": [str]} saved with
torch.save. Anything that loads but does not have exactly that form, for the folder it is
keyed by, is deleted and rebuilt rather than trusted. A cache that cannot be written costs
speed, never the run: the caller gets a note instead of an error.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import torch

from regtui.data.files import CACHE_FIX, reason, shown
from regtui.system.atomic import atomic_save


def valid_entry(blob: object, n_files: int, n_classes: int, size: int) -> bool:
    """Whether `blob` is a complete entry for a folder of `n_files` images in `n_classes` classes."""
    if not isinstance(blob, dict) or set(blob) != {"x", "y", "skipped"}:
        return False
    x, y, skipped = blob["x"], blob["y"], blob["skipped"]
    if not (isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and isinstance(skipped, list)):
        return False
    if x.dtype != torch.uint8 or x.dim() != 4 or tuple(x.shape[1:]) != (3, size, size):
        return False
    if y.dtype != torch.int64 or y.dim() != 1 or len(y) != len(x) or len(x) == 0:
        return False
    if not all(isinstance(s, str) for s in skipped) or len(x) + len(skipped) != n_files:
        return False
    return bool(y.min() >= 0) and bool(y.max() < n_classes)


def read_entry(path: Path, n_files: int, n_classes: int, size: int) -> dict | None:
    """The valid entry at `path`, or None (an invalid one is removed so that it is rebuilt)."""
    try:
        blob = torch.load(path, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        return None
    except Exception:  # truncated, not a torch file, unreadable: rebuild, never trust
        blob = None
    if valid_entry(blob, n_files, n_classes, size):
        return blob
    with contextlib.suppress(OSError):  # a read-only cache keeps its bad entry, never used
        path.unlink(missing_ok=True)
    return None


def write_entry(path: Path, blob: dict) -> str | None:
    """Save `blob` at `path` atomically; on failure return a note for the user instead of raising."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_save(path, lambda fh: torch.save(blob, fh))
    except OSError as exc:
        return (f"could not write the data cache at {shown(path.parent)}: {reason(exc)}; the images "
                f"were decoded without caching (to make the next run fast, {CACHE_FIX})")
    return None
