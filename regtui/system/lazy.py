"""Lazy package exports (PEP 562): a package's names imported from their submodules on first use.

Used by packages whose heavy submodules (torch) must not load when a light one is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, homes: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module `__getattr__` and `__dir__` for `package`, whose `homes` maps each exported
    name to the submodule (relative name) that defines it."""

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{homes[name]}"), name)

    def __dir__() -> list[str]:
        return sorted({*vars(import_module(package)), *homes})

    return __getattr__, __dir__
