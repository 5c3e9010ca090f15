"""Where downloaded archives, extracted data sets and decoded tensors live."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "REGTUI_CACHE_DIR"


def cache_dir(override: str | Path | None = None) -> Path:
    """The data cache: `override`, else $REGTUI_CACHE_DIR, else the platform's user cache."""
    if override:
        return Path(override).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("regtui", appauthor=False))
