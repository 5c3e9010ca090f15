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
from regtui.data.images import ImageSet, from_uint8
from regtui.errors import RegtuiError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


class FolderError(RegtuiError, ValueError):
    """An image folder that cannot be used as a data set; the message says why."""


@dataclass
class FolderScan:
    """The class sub-folders of an image folder and the image files in each."""

    root: Path
    classes: list[str]
    files: list[tuple[Path, int]]  # (path, class index), sorted like ImageFolder

    def fingerprint(self, size: int) -> str:
        """A key that changes whenever a file is added, removed, replaced or the size changes."""
        h = hashlib.sha256(f"{size}\n".encode())
        for path, label in self.files:
            st = path.stat()
            h.update(f"{path.relative_to(self.root)}|{label}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        return h.hexdigest()[:24]


def scan(root: str | Path) -> FolderScan:
    """List classes and image files; raise FolderError for a folder that cannot be a data set."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise FolderError(f"image folder {str(root)!r} does not exist")
    classes = sorted(d.name for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    if not classes:
        raise FolderError(f"{root} has no class sub-folders; expected one folder per class "
                          "(e.g. cat/, dog/, wild/) holding the images")
    files, empty = [], []  # non-image files (by extension) are passed over
    for label, name in enumerate(classes):
        found = 0
        for dirpath, _, names in sorted(os.walk(root / name, followlinks=True)):
            for fname in sorted(names):
                if fname.lower().endswith(IMAGE_EXTENSIONS):
                    files.append((Path(dirpath) / fname, label))
                    found += 1
        if not found:
            empty.append(name)
    if not files:
        raise FolderError(f"{root} holds no images ({', '.join(IMAGE_EXTENSIONS)})")
    if empty:
        raise FolderError(f"{root}: class folder(s) without images: {', '.join(empty)}")
    if len(classes) < 2:
        raise FolderError(f"{root} has a single class ({classes[0]}); classification needs at least 2")
    return FolderScan(root, classes, files)


def _decode(path: Path, size: int) -> torch.Tensor | str:
    """One image as a (3, size, size) uint8 tensor, or the reason it cannot be read."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            img.load()  # forces a full decode: truncated files fail here, not later
            rgb = img.convert("RGB")
            if rgb.size != (size, size):
                rgb = rgb.resize((size, size), Image.Resampling.BILINEAR)
            return torch.frombuffer(bytearray(rgb.tobytes()), dtype=torch.uint8).view(size, size, 3)
    except Exception as exc:  # PIL raises many types (OSError, SyntaxError, ValueError...)
        return f"{type(exc).__name__}: {exc}"


@dataclass
class FolderImages:
    """A decoded folder: the image set, and which files were skipped and why."""

    images: ImageSet
    skipped: list[str] = field(default_factory=list)
    from_cache: bool = False


def load_folder(root: str | Path, size: int = 32, strict: bool = False,
                cache: str | Path | None = None) -> FolderImages:
    """Decode every image of an image folder once (cached); unreadable files are skipped by name.

    With `strict`, any unreadable image is an error instead.
    """
    found = scan(root)
    key = found.fingerprint(size)
    cached = cache_dir(cache) / "tensors" / f"folder-{key}.pt"
    if cached.exists():
        try:
            blob = torch.load(cached, weights_only=True)
        except Exception:  # an unreadable cache entry is rebuilt, never trusted
            cached.unlink(missing_ok=True)
        else:
            _check_strict(found.root, blob["skipped"], strict)  # same rule as a fresh decode
            return FolderImages(from_uint8(blob["x"], blob["y"], found.classes), blob["skipped"], True)
    workers = min(8, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:  # PIL releases the GIL while decoding
        decoded = list(pool.map(lambda f: _decode(f[0], size), found.files))
    skipped = [f"{path.relative_to(found.root)} ({d})" for (path, _), d in zip(found.files, decoded,
                                                                              strict=True)
               if isinstance(d, str)]
    _check_strict(found.root, skipped, strict)
    good = [(d, label) for d, (_, label) in zip(decoded, found.files, strict=True)
            if not isinstance(d, str)]
    if not good:
        raise FolderError(f"{found.root}: none of the {len(found.files)} images could be read")
    x = torch.stack([d for d, _ in good]).permute(0, 3, 1, 2).contiguous()  # (N, 3, H, W) uint8
    y = torch.tensor([label for _, label in good], dtype=torch.int64)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    torch.save({"x": x, "y": y, "skipped": skipped}, tmp)
    tmp.replace(cached)
    return FolderImages(from_uint8(x, y, found.classes), skipped)


def _check_strict(root: Path, skipped: list[str], strict: bool) -> None:
    if skipped and strict:
        raise FolderError(f"{root}: {len(skipped)} unreadable image(s): " + "; ".join(skipped[:10]))

