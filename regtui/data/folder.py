"""Image folders (one sub-folder per class, like torchvision's ImageFolder) decoded once into tensors.

Decoded images are cached as uint8 tensors under a key made from the folder's contents
(every file's relative path, size and modification time) and the image size, so a changed
folder is read again and an unchanged one loads in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import torch

from regtui.data.cache import cache_dir
from regtui.data.decode import decode
from regtui.data.files import reason, shown
from regtui.data.images import ImageSet, from_uint8
from regtui.data.tensor_cache import read_entry, write_entry
from regtui.data.walk import ClassWalk
from regtui.system.errors import RegtuiError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
DECODER_VERSION = 2  # part of the cache key: entries decoded by an older decoder are not reused


class FolderError(RegtuiError, ValueError):
    """An image folder that cannot be used as a data set; the message says why."""


@dataclass
class FolderScan:
    """The class sub-folders of an image folder and the image files in each."""

    root: Path
    classes: list[str]  # printable class names (undecodable bytes shown as \xNN)
    files: list[tuple[Path, int]]  # (path, class index), sorted like ImageFolder
    ignored: list[str] = field(default_factory=list)  # links and folders passed over, and why

    def fingerprint(self, size: int) -> str:
        """A key that changes whenever a file is added, removed, replaced or the size changes."""
        h = hashlib.sha256(f"{size}\n{DECODER_VERSION}\n".encode())
        for path, label in self.files:
            try:
                st = path.stat()
                stamp = f"|{label}|{st.st_size}|{st.st_mtime_ns}\n"
            except OSError:  # gone since the scan: decoding will skip it by name
                stamp = f"|{label}|gone\n"
            # bytes, not str.encode(): a file name need not be valid UTF-8
            h.update(os.fsencode(path.relative_to(self.root)) + stamp.encode())
        return h.hexdigest()[:24]


def scan(root: str | Path) -> FolderScan:
    """List classes and image files; raise FolderError for a folder that cannot be a data set."""
    root = Path(root).expanduser()
    if root.exists() and not root.is_dir():
        raise FolderError(f"image folder {shown(root)!r} is a file, not a folder; give the folder "
                          "that holds one sub-folder per class")
    if not root.is_dir():
        raise FolderError(f"image folder {shown(root)!r} does not exist")
    try:
        dirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    except OSError as exc:
        raise FolderError(f"cannot read the image folder {shown(root)}: {reason(exc)}; check its "
                          "permissions") from None
    classes = [shown(d.name) for d in dirs]
    if not classes:
        raise FolderError(f"{shown(root)} has no class sub-folders; expected one folder per class "
                          "(e.g. cat/, dog/, wild/) holding the images")
    walk = ClassWalk(root, dirs, IMAGE_EXTENSIONS)
    files, empty = [], []  # non-image files (by extension) are passed over
    for label, class_dir in enumerate(dirs):
        found = walk.images(class_dir)
        files += [(path, label) for path in found]
        if not found:
            empty.append(classes[label])
    if not files:
        raise FolderError(f"{shown(root)} holds no images ({', '.join(IMAGE_EXTENSIONS)})")
    if empty:
        raise FolderError(f"{shown(root)}: class folder(s) without images: {', '.join(empty)}")
    if len(classes) < 2:
        raise FolderError(f"{shown(root)} has a single class ({classes[0]}); classification needs "
                          "at least 2")
    return FolderScan(root, classes, files, walk.ignored)


@dataclass
class FolderImages:
    """A decoded folder: the image set, which files were skipped and why, and notes for the user."""

    images: ImageSet
    skipped: list[str] = field(default_factory=list)
    from_cache: bool = False
    notes: list[str] = field(default_factory=list)  # ignored links, a cache that could not be written


def load_folder(root: str | Path, size: int = 32, strict: bool = False,
                cache: str | Path | None = None) -> FolderImages:
    """Decode every image of an image folder once (cached); unreadable files are skipped by name.

    With `strict`, any unreadable image is an error instead.
    """
    found = scan(root)
    notes = [f"ignored in {shown(found.root)}: " + _listed(found.ignored)] if found.ignored else []
    cached = cache_dir(cache) / "tensors" / f"folder-{found.fingerprint(size)}.pt"
    blob = read_entry(cached, len(found.files), len(found.classes), size)
    if blob is not None:
        _check_strict(found.root, blob["skipped"], strict)  # same rule as a fresh decode
        return FolderImages(from_uint8(blob["x"], blob["y"], found.classes), blob["skipped"], True,
                            notes)
    workers = min(8, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:  # PIL releases the GIL while decoding
        decoded = list(pool.map(lambda f: decode(f[0], size), found.files))
    skipped = [shown(f"{path.relative_to(found.root)} ({d})")
               for (path, _), d in zip(found.files, decoded, strict=True) if isinstance(d, str)]
    _check_strict(found.root, skipped, strict)
    good = [(d, label) for d, (_, label) in zip(decoded, found.files, strict=True)
            if not isinstance(d, str)]
    if not good:
        raise FolderError(f"{shown(found.root)}: none of the {len(found.files)} images could be read: "
                          + _listed(skipped))
    x = torch.stack([d for d, _ in good]).permute(0, 3, 1, 2).contiguous()  # (N, 3, H, W) uint8
    y = torch.tensor([label for _, label in good], dtype=torch.int64)
    note = write_entry(cached, {"x": x, "y": y, "skipped": skipped})
    return FolderImages(from_uint8(x, y, found.classes), skipped, False, notes + [note] * bool(note))


def _listed(items: list[str], most: int = 5) -> str:
    return "; ".join(items[:most]) + (f" (and {len(items) - most} more)" if len(items) > most else "")


def _check_strict(root: Path, skipped: list[str], strict: bool) -> None:
    if skipped and strict:
        raise FolderError(f"{shown(root)}: {len(skipped)} unreadable image(s): "
                          + _listed(skipped, 10))
