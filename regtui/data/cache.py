"""Where downloaded archives, extracted data sets and decoded tensors live (imports no download
code: `regtui data list` asks here whether each data set is present)."""

from __future__ import annotations

import os
from pathlib import Path

from regtui.data.sources import DATASETS

ENV_VAR = "REGTUI_CACHE_DIR"


def cache_dir(override: str | Path | None = None) -> Path:
    """The data cache: `override`, else $REGTUI_CACHE_DIR, else the platform's user cache."""
    if override:
        return Path(override).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("regtui", appauthor=False))


def local_path(name: str, data_dir: str = "", cache: str | Path | None = None) -> Path | None:
    """Where data set `name` is on disk (`data_dir` wins), or None if it is not there."""
    if data_dir:
        return Path(data_dir).expanduser()
    spec = DATASETS[name]
    root = cache_dir(cache)
    if spec.archive is not None:
        path = root / name / spec.archive.train_dir
        return path if path.is_dir() else None
    if name == "cifar3":
        path = root / "cifar10"
        return path if (path / "cifar-10-batches-py").is_dir() else None
    return None
