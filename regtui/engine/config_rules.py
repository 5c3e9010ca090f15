"""The value types of RunConfig's fields and the rules they check (names, paths, counts,
seeds, augmentation recipes), apart from the model itself so config.py stays one screenful of
settings. Torch-free, as config.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import AfterValidator, Strict
from pydantic_core import PydanticCustomError

from regtui.data.sources import DATASETS
from regtui.models.catalog import MODEL_CATALOG
from regtui.system.errors import RegtuiError
from regtui.system.folder_names import NAME_MAX_BYTES, folder_name_problem


class ConfigError(RegtuiError, ValueError):
    """A user's setting is wrong; the message names where, which key and what is allowed."""


SEED_MAX = 2**32 - 1  # numpy and torch generators take 32-bit seeds
COUNT_MAX = 1_000_000  # epochs, images, batch size...: a bigger value is a typo that would crash
RUN_NAME_RULE = (f"one folder name (not '.' or '..'; no '/', '\\', control characters or "
                 f"leading/trailing spaces; at most {NAME_MAX_BYTES} UTF-8 bytes)")


def registry(key: str) -> dict[str, Any]:
    """The model or data set registry (their torch-free tables), by setting name."""
    return MODEL_CATALOG if key == "model" else DATASETS


def _registered(key: str) -> AfterValidator:
    """A validator accepting only names in the `key` registry (the error is worded by describe_rule)."""
    def check(value: str) -> str:
        if value not in registry(key):
            raise PydanticCustomError("not_registered", "not a known {key}", {"key": key})
        return value
    return AfterValidator(check)


def _folder_name(value: str) -> str:
    problem = folder_name_problem(value)
    if problem:
        raise PydanticCustomError("folder_name", "{reason}", {"reason": problem})
    return value


def _storable_path(value: str) -> str:
    # NUL: no file system accepts it (Path() would raise deep in data loading); surrogates
    # (undecodable bytes from the command line) cannot be written to config.toml
    if "\0" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise PydanticCustomError("path", "{reason}", {"reason": "it contains a NUL character or "
                                                                 "bytes that are not UTF-8"})
    return value


def _group_name(value: str) -> str:
    return value if value == "" else _folder_name(value)


RunName = Annotated[str, AfterValidator(_folder_name)]
GroupName = Annotated[str, AfterValidator(_group_name)]
Seed = Annotated[int, Strict(), Ge(0), Le(SEED_MAX)]
SEEDS_MAX = 1000  # members per run; more is a typo that would fill the disk with run folders
ModelName = Annotated[str, _registered("model")]
DatasetName = Annotated[str, _registered("dataset")]
FolderPath = Annotated[str, AfterValidator(_storable_path)]
Count = Annotated[int, Ge(1), Le(COUNT_MAX)]
Share = Annotated[float, Ge(0.0), Le(1.0)]
AUGMENT_RECIPES = ("crop-flip", "flips")  # regtui.data.augment implements them (torch is not loaded here)


def _augment_recipe(value: bool | str) -> bool | str:
    """`true` keeps its old meaning, the crop and flip: every run then names its recipe."""
    return AUGMENT_RECIPES[0] if value is True else value


Augment = Annotated[bool | Literal["crop-flip", "flips"], AfterValidator(_augment_recipe)]
