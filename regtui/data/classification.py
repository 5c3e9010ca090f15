"""Turn a run's data settings into train/val tensors on the device, with the chosen label variant."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch
import torch.nn.functional as F

from regtui.data.files import shown
from regtui.data.images import ImageSet, from_uint8
from regtui.data.inputs import randomize_inputs
from regtui.data.labels import changed_fraction, corrupt_labels
from regtui.data.sources import DATASETS, DataError, check_data_dir
from regtui.system.seeding import INPUT_STREAM, LABEL_STREAM, split_generator, stream


class DataRequest(Protocol):
    """What loading a classification set reads of a run's settings (RunConfig satisfies it).

    Declared here, not imported: data/ sits below engine/, where RunConfig lives.
    Read-only properties, because RunConfig is frozen.
    """

    @property
    def dataset(self) -> str: ...
    @property
    def data_dir(self) -> str: ...
    @property
    def image_size(self) -> int: ...
    @property
    def strict_images(self) -> bool: ...
    @property
    def n_train(self) -> int: ...
    @property
    def n_val(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def labels(self) -> str: ...
    @property
    def label_fraction(self) -> float: ...
    @property
    def inputs(self) -> str: ...


@dataclass(frozen=True)
class ClassificationData:
    """Train and validation tensors on the training device, plus what was done to the labels."""

    x_train: torch.Tensor  # (n_train, 3, H, W), in [-1, 1]
    y_train: torch.Tensor  # (n_train,) possibly corrupted labels, what the model is trained on
    y_train_true: torch.Tensor  # (n_train,) the labels before corruption
    x_val: torch.Tensor
    y_val: torch.Tensor  # validation labels are always the true ones
    classes: tuple[str, ...]
    source: str  # one line saying where the images came from
    label_changed: float  # share of training labels that differ from the true ones (0..1)
    notes: tuple[str, ...] = ()  # things the user should know (e.g. skipped unreadable images)

    @property
    def in_features(self) -> int:
        """Inputs per image for an MLP: C*H*W."""
        return int(self.x_train[0].numel())


def load_images(cfg: DataRequest, dataset: str | None = None) -> tuple[ImageSet, str, list[str]]:
    """Load the full image set of `dataset` (default: the config's), a one-line description of
    its source, and notes for the user (e.g. skipped unreadable files)."""
    from regtui.data.cache import local_path
    from regtui.data.download import DownloadError
    from regtui.data.folder import FolderError, load_folder
    from regtui.data.remote import load_cifar3, manual_hint

    name = dataset or cfg.dataset
    data_dir = cfg.data_dir if name == cfg.dataset else ""
    check_data_dir(name, data_dir)
    try:
        if name == "digits":
            from regtui.data.digits import load_digits3

            return load_digits3(cfg.image_size), "scikit-learn's bundled UCI digits 3/5/8", []
        if name == "cifar3":
            x, y, classes = load_cifar3(data_dir=data_dir)
            if cfg.image_size != 32:
                x = F.interpolate(x.float(), size=(cfg.image_size,) * 2, mode="bilinear").clamp(0, 255)
            return from_uint8(x, y, classes), "CIFAR-10 cat/deer/dog", []
        if name == "folder" or DATASETS[name].archive is not None:
            path = local_path(name, data_dir) if name != "folder" else Path(data_dir).expanduser()
            if path is None:
                raise DataError(f"data set {name!r} is not downloaded: run 'regtui data fetch {name}' "
                                f"(needs a network), or pass --data-dir with a local copy of its "
                                f"image folder. Without a network: {manual_hint(name)}")
            loaded = load_folder(path, cfg.image_size, strict=cfg.strict_images)
            notes = list(loaded.notes)
            if loaded.skipped:
                shown_ = "; ".join(loaded.skipped[:5]) + (" ..." if len(loaded.skipped) > 5 else "")
                notes.append(f"skipped {len(loaded.skipped)} unreadable image(s) in {shown(path)}: "
                             f"{shown_}")
            return loaded.images, f"image folder {shown(path)}", notes
    except (FolderError, DownloadError) as exc:
        raise DataError(str(exc)) from None
    raise DataError(f"dataset {name!r} has no image loader")


def split_indices(n: int, n_train: int, n_val: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded disjoint train/val index sets, like the reference's random_split([100, 100, rest])."""
    if n_train + n_val > n:
        raise DataError(f"the data set has {n} images but n_train + n_val = {n_train + n_val}; "
                        "lower n_train or n_val")
    perm = torch.randperm(n, generator=split_generator(seed))
    return perm[:n_train], perm[n_train:n_train + n_val]


def load_classification_data(cfg: DataRequest, device: torch.device) -> ClassificationData:
    """Load, split and corrupt labels as the config says; move everything to `device` once.

    Archives whose labels are already corrupted (afhq_random, afhq_partial) are validated on
    the clean set they came from, with the same seeded split, as the reference does.
    """
    images, source, notes = load_images(cfg)
    train_idx, val_idx = split_indices(len(images), cfg.n_train, cfg.n_val, cfg.seed)
    val_images = images
    clean = DATASETS[cfg.dataset].val_from
    if clean is not None:
        val_images, _, more = load_images(cfg, clean)
        notes += more
        _, val_idx = split_indices(len(val_images), cfg.n_train, cfg.n_val, cfg.seed)
        source += f" (validated on clean {clean})"
    y_true = images.y[train_idx]
    # Label noise has its own stream, independent of the split and of every other seed's streams.
    y_noisy = corrupt_labels(y_true, cfg.labels, cfg.label_fraction, stream(cfg.seed, LABEL_STREAM))
    # And so has input randomization, applied to train and val alike.
    x_train, x_val = randomize_inputs(images.x[train_idx].to(device), val_images.x[val_idx].to(device),
                                      cfg.inputs, stream(cfg.seed, INPUT_STREAM))
    return ClassificationData(
        x_train=x_train,
        y_train=y_noisy.to(device),
        y_train_true=y_true.to(device),
        x_val=x_val,
        y_val=val_images.y[val_idx].to(device),
        classes=images.classes,
        source=source if cfg.inputs == "real" else f"{source}, inputs {cfg.inputs}",
        label_changed=changed_fraction(y_true, y_noisy),
        notes=tuple(notes),
    )
