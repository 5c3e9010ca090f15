"""The registry of data sets regtui knows: name, task, origin, size and where its files are.

Torch-free, so settings can be checked against it (RunConfig) before torch loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regtui.data.files import shown
from regtui.system.errors import RegtuiError


class DataError(RegtuiError, RuntimeError):
    """The data cannot be loaded or does not fit the requested split; the message says why."""


@dataclass(frozen=True)
class Archive:
    """A zip archive to download and the ImageFolder (class sub-folders) inside it."""

    url: str
    filename: str
    train_dir: str  # relative to the extracted folder


@dataclass(frozen=True)
class DatasetSpec:
    """A data set regtui can train on and where its data comes from."""

    name: str
    task: str  # a key of regtui.engine.tasks.TASKS: "classify" or "regress"
    title: str
    origin: str
    size: str
    needs_network: bool
    archive: Archive | None = None
    val_from: str | None = None  # label-noise archives: validate on this clean set instead


# The three archives and their URLs are those of the reference tutorial (Neuromatch W2D1 T1).
AFHQ = Archive("https://osf.io/kgfvj/download", "afhq.zip", "afhq/train")
AFHQ_RANDOM = Archive("https://osf.io/9sj7p/download", "afhq_random_32x32.zip",
                      "afhq_random_32x32/afhq_random/train")
AFHQ_PARTIAL = Archive("https://osf.io/wvgkq/download", "afhq_10_32x32.zip",
                       "afhq_10_32x32/afhq_10/train")

DATASETS: dict[str, DatasetSpec] = {
    s.name: s
    for s in (
        DatasetSpec("digits", "classify", "Handwritten digits 3/5/8 (embedded default)",
                    "UCI optical digits, bundled inside scikit-learn; no download",
                    "539 images (183/182/174), 3 classes, 8x8 upsampled to 32x32x3", False),
        DatasetSpec("toy", "regress", "Toy regression (reference Section 2)",
                    "generated: 10 points X~U(0,1), Y=2X+2N(0,1); 40 test points",
                    "10 train + 40 test points", False),
        DatasetSpec("afhq", "classify", "Animal Faces HQ at 32x32, cat/dog/wild (reference)",
                    AFHQ.url, "14,630 training images, 3 classes, 32x32", True, AFHQ),
        DatasetSpec("afhq_random", "classify", "AFHQ with every label shuffled (reference archive)",
                    AFHQ_RANDOM.url, "14,630 images, labels random; validated on clean afhq",
                    True, AFHQ_RANDOM, val_from="afhq"),
        DatasetSpec("afhq_partial", "classify", "AFHQ with 15% of labels shuffled (reference archive)",
                    AFHQ_PARTIAL.url, "14,630 images, 15% labels shuffled; validated on clean afhq",
                    True, AFHQ_PARTIAL, val_from="afhq"),
        DatasetSpec("cifar3", "classify", "CIFAR-10 cat/deer/dog: a 32x32 animal stand-in",
                    "CIFAR-10 via torchvision's downloader (www.cs.toronto.edu)",
                    "15,000 training images, 3 classes, 32x32", True),
        DatasetSpec("folder", "classify", "Any image folder (one sub-folder per class)",
                    "your disk: --data-dir PATH or data_dir in a preset",
                    "as found; resized to image_size", False),
    )
}


USES_DATA_DIR = ("folder", "cifar3")  # and every archive data set (AFHQ and its variants)


def check_data_dir(dataset: str, data_dir: str) -> None:
    """Raise DataError if `data_dir` is set for a data set that ignores it, or is a file."""
    if not data_dir:
        return
    spec = DATASETS.get(dataset)
    if spec is not None and dataset not in USES_DATA_DIR and spec.archive is None:
        raise DataError(f"--data-dir (data_dir) {shown(data_dir)!r} is not used by data set "
                        f"{dataset!r}, which is {'generated' if spec.task == 'regress' else 'built in'}; "
                        "drop --data-dir, or use --dataset folder to train on an image folder")
    path = Path(data_dir).expanduser()
    if path.exists() and not path.is_dir():
        raise DataError(f"--data-dir (data_dir) {shown(path)!r} is a file, not a folder; give the "
                        "folder that holds one sub-folder per class")
