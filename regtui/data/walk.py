"""Listing the image files of each class folder, following symbolic links but never in circles.

People link data sets in, so links are followed; but a link must not make a file count twice
or under the wrong class. A walk therefore reads each real folder once (by device and inode),
counts each real file once, never climbs to a folder that holds the class folder or the data
set's root (`ln -s .. cat/up`), and never takes files from another class's folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from regtui.data.files import reason, shown


def _within(path: str, folder: str) -> bool:
    """Whether real path `path` is `folder` or lies inside it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class ClassWalk:
    """Walks the class folders of one data set, remembering what it has read across classes."""

    def __init__(self, root: Path, class_dirs: list[Path], extensions: tuple[str, ...]) -> None:
        self.root = root
        self.root_real = os.path.realpath(root)
        self.class_reals = [os.path.realpath(d) for d in class_dirs]
        self.extensions = extensions
        self.seen_dirs: set[tuple[int, int]] = set()  # (st_dev, st_ino) of every folder read
        self.seen_files: set[str] = set()  # real paths of every image listed
        self.ignored: list[str] = []  # "cat/up (why)", printable

    def _ignore(self, path: str, why: str) -> None:
        self.ignored.append(shown(f"{os.path.relpath(path, self.root)} ({why})"))

    def images(self, class_dir: Path) -> list[Path]:
        """The image files under `class_dir`, sorted like ImageFolder (folder path, then name)."""
        own = os.path.realpath(class_dir)
        # folders of the other classes, except those that hold this one (root/cat -> root/dog/cats)
        others = [r for r in self.class_reals if r != own and not _within(own, r)]
        found: list[tuple[str, str, str]] = []  # (folder path, file name, real path)
        stack = [(str(class_dir), own)]
        while stack:
            folder, real = stack.pop()
            try:
                st = os.stat(folder)
                if (st.st_dev, st.st_ino) in self.seen_dirs:
                    self._ignore(folder, "a link to a folder already read")
                    continue
                self.seen_dirs.add((st.st_dev, st.st_ino))
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self._ignore(folder, f"cannot read it: {reason(exc)}")
                continue
            subdirs = []
            for entry in entries:
                linked = entry.is_symlink()
                target = os.path.realpath(entry.path) if linked else os.path.join(real, entry.name)
                # only a link can lead elsewhere: a plain entry lies in a folder already checked
                owner = next((r for r in others if _within(target, r)), None) if linked else None
                if entry.is_dir():
                    if owner is not None:
                        self._ignore(entry.path, f"leads into class folder {shown(os.path.basename(owner))}")
                    elif _within(own, target) or _within(self.root_real, target):
                        self._ignore(entry.path, "a link back up to a folder that holds it")
                    else:
                        subdirs.append((entry.path, target))
                elif entry.name.lower().endswith(self.extensions):
                    if owner is not None:
                        self._ignore(entry.path, f"an image of class {shown(os.path.basename(owner))}")
                    else:
                        found.append((folder, entry.name, target))
            stack += reversed(subdirs)  # depth first, in name order
        images = []
        for folder, name, target in sorted(found):
            if target in self.seen_files:  # the same file under two names: count it once
                self._ignore(os.path.join(folder, name), "the same file as one already listed")
                continue
            self.seen_files.add(target)
            images.append(Path(folder) / name)
        return images
