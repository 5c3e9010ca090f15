"""RunConfig: every setting of one training run, with its help text and its allowed values."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from regtui.data.labels import LABEL_MODES
from regtui.data.sources import DATASETS
from regtui.errors import RegtuiError
from regtui.models import MODELS


class ConfigError(RegtuiError, ValueError):
    """A user's setting is wrong; the message names where, which key and what is allowed."""


def _f(default: Any, help: str, choices: tuple[str, ...] | None = None,
       low: float | None = None, high: float | None = None, low_open: bool = False) -> Any:
    """A dataclass field whose metadata carries its help text and validation rule."""
    meta = {"help": help, "choices": choices, "low": low, "high": high, "low_open": low_open}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class RunConfig:
    """One fully resolved training run: data, model, optimizer, schedule and device."""

    name: str = _f("run", "label of this run in tables, charts and the run folder")
    model: str = _f("big_animal_net", "network to train", choices=tuple(MODELS))
    dataset: str = _f("digits", "data set to train on", choices=tuple(DATASETS))
    data_dir: str = _f("", "image folder (class sub-folders) for dataset 'folder' or a local copy")
    labels: str = _f("true", "training label variant", choices=LABEL_MODES)
    label_fraction: float = _f(0.15, "share of training labels shuffled when labels = 'partial'",
                               low=0.0, high=1.0)
    n_train: int = _f(100, "training images drawn from the data set (seeded)", low=1)
    n_val: int = _f(100, "validation images drawn from the rest (seeded)", low=1)
    image_size: int = _f(32, "images are resized to this square size in pixels", low=4, high=512)
    strict_images: bool = _f(False, "an unreadable image is an error (default: skipped, named)")
    optimizer: str = _f("sgd", "optimizer", choices=("sgd", "adam"))
    lr: float = _f(5e-3, "learning rate", low=0.0, high=10.0, low_open=True)
    momentum: float = _f(0.9, "SGD momentum (ignored by Adam)", low=0.0, high=1.0)
    fused: bool = _f(False, "Adam: fused kernels, ~1.4x faster on the toy net on CPU; opt-in "
                            "because they change the numbers (no longer the reference's)")
    batch_size: int = _f(128, "training batch size; 100 images fit in one batch", low=1)
    shuffle: bool = _f(False, "reshuffle training batches every epoch (the reference does not)")
    epochs: int = _f(200, "maximum number of epochs (steps for the toy regression)", low=1)
    early_stopping: bool = _f(False, "stop when validation accuracy stops improving")
    patience: int = _f(20, "epochs without improvement tolerated before stopping", low=0)
    min_delta: float = _f(0.0, "improvement (accuracy points) that resets patience", low=0.0)
    restore_best: bool = _f(True, "with early stopping, end with the best epoch's weights")
    seed: int = _f(2021, "seed for the split, the label noise and the initial weights", low=0)
    device: str = _f("auto", "auto (CUDA if present, else CPU), cpu, cuda or cuda:N")
    snapshot_every: int = _f(100, "toy regression: record the fitted curve every N steps", low=1)

    @property
    def task(self) -> str:
        """'classify' for the image models, 'regress' for the toy Net."""
        return MODELS[self.model].task

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with some settings changed (validated)."""
        return from_mapping({**self.as_dict(), **changes}, where="override")

    def as_dict(self) -> dict[str, Any]:
        """Every setting as a plain dict (JSON/TOML friendly)."""
        return dataclasses.asdict(self)


FIELDS = {f.name: f for f in dataclasses.fields(RunConfig)}


def describe_rule(name: str) -> str:
    """Say in words what values a setting accepts."""
    f = FIELDS[name]
    m, kind = f.metadata, type(f.default).__name__
    if m["choices"]:
        return "one of " + ", ".join(repr(c) for c in m["choices"])
    words = {"int": "an integer", "float": "a number", "bool": "true or false", "str": "a string"}
    text = words[kind]
    lo, hi = m["low"], m["high"]
    if lo is not None and hi is not None:
        text += f" in {'(' if m['low_open'] else '['}{lo:g}, {hi:g}]"
    elif lo is not None:
        text += f" {'>' if m['low_open'] else '>='} {lo:g}"
    return text


def check_value(name: str, value: Any, where: str) -> Any:
    """Validate one setting; return it converted (ints accepted for floats) or raise ConfigError."""
    if name not in FIELDS:
        import difflib

        close = difflib.get_close_matches(name, FIELDS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"{where}: unknown key {name!r}{hint}; allowed keys: {', '.join(FIELDS)}")
    f = FIELDS[name]
    m, kind = f.metadata, type(f.default)
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if ok and m["choices"] and value not in m["choices"]:
        ok = False
    if ok and kind in (int, float):
        lo, hi = m["low"], m["high"]
        if lo is not None and (value < lo or (m["low_open"] and value == lo)):
            ok = False
        if hi is not None and value > hi:
            ok = False
    if not ok:
        raise ConfigError(f"{where}: key {name!r} must be {describe_rule(name)}, got {value!r}")
    return value


def from_mapping(values: dict[str, Any], where: str) -> RunConfig:
    """Build a validated RunConfig from a dict of settings (missing keys take defaults)."""
    clean = {k: check_value(k, v, where) for k, v in values.items()}
    cfg = RunConfig(**clean)
    if cfg.dataset == "folder" and not cfg.data_dir:
        raise ConfigError(f"{where}: dataset 'folder' needs data_dir (an image folder with one "
                          "sub-folder per class)")
    data_task = DATASETS[cfg.dataset].task
    if cfg.task != data_task:
        fits = [m for m, s in MODELS.items() if s.task == data_task]
        raise ConfigError(f"{where}: model {cfg.model!r} cannot train on dataset {cfg.dataset!r}; "
                          f"use model {' or '.join(repr(m) for m in fits)}")
    return cfg
