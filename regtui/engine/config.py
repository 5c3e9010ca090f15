"""RunConfig: every setting of one training run, declared once with its help text and allowed values.

The pydantic model is the single source: presets, CLI overrides and the app's form all
validate through it, and the CLI's option help comes from its field descriptions. It lives
in engine/ because it is what the Trainer takes. It imports no torch: model and data set
names are checked against the registries' torch-free halves (models/catalog.py,
data/sources.py), so `regtui --help` and the app's form stay fast.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from regtui.data.sources import DataError, check_data_dir
from regtui.engine.config_rules import (  # the field types; the constants are imported from here too
    COUNT_MAX,
    RUN_NAME_RULE,
    SEED_MAX,
    SEEDS_MAX,
    Augment,
    ConfigError,
    Count,
    DatasetName,
    FolderPath,
    GroupName,
    ModelName,
    RunName,
    Seed,
    Share,
    registry,
)


class RunConfig(BaseModel):
    """One fully resolved training run: data, model, optimizer, schedule and device.

    To add a setting: add one field here (type, default, description, bounds). The CLI
    test then asks for a `regtui run` option (help=FIELDS[key].help) or an entry in
    cli.PRESET_ONLY; presets, the TOML writer and the app's rules follow by themselves.
    """

    # strict: TOML "5" or true is not an int; allow_inf_nan=False: no NaN/inf in any float;
    # defer_build: the validator is built on first use (~20 ms --help and --version skip)
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False,
                              defer_build=True)

    name: RunName = Field("run", description="Label of this run in tables, charts and the run folder.",
                          json_schema_extra={"rule": RUN_NAME_RULE})
    model: ModelName = Field("big_animal_net", description="Network to train: animal_net, "
                             "big_animal_net, cnn (a small CNN), or net for the toy data.")
    dataset: DatasetName = Field("digits", description="Data set to train on (see regtui data list).")
    data_dir: FolderPath = Field("", description="Image folder (one sub-folder per class) for dataset "
                            "'folder', or a local copy of a downloadable set.",
                                json_schema_extra={"rule": "a folder path"})
    labels: Literal["true", "random", "partial"] = Field(
        "true", description="Training labels: true, random (all shuffled) or partial.")
    label_fraction: Share = Field(0.15, description="Share of training labels shuffled with labels "
                                  "= partial.")
    n_train: Count = Field(100, description="Training images drawn from the data set (seeded).")
    n_val: Count = Field(100, description="Validation images drawn from the rest (seeded).")
    image_size: int = Field(32, ge=4, le=512, description="Images are resized to this square size "
                            "in pixels.")
    strict_images: bool = Field(False, description="An unreadable image is an error (default: "
                                "skipped and named).")
    optimizer: Literal["sgd", "adam"] = Field("sgd", description="Optimizer: sgd or adam.")
    lr: float = Field(5e-3, gt=0.0, le=10.0, description="Learning rate.")
    momentum: Share = Field(0.9, description="SGD momentum (ignored by Adam).")
    fused: bool = Field(False, description="Adam with fused kernels: ~1.4x faster on the toy net on "
                        "CPU, but the numbers no longer equal the reference's (opt-in).")
    weight_decay: Share = Field(0.0, description="Weight decay: the optimizer's own shrinkage, "
                                "adding weight_decay times each parameter to its gradient; with SGD "
                                "and Adam that is l2 = weight_decay / 2 (0 = off).")
    l2: float = Field(0.0, ge=0.0, le=10.0, description="L2 penalty: adds l2 times the sum of "
                      "squared weights and biases to the loss (0 = off).")
    l1: float = Field(0.0, ge=0.0, le=10.0, description="L1 penalty: adds l1 times the sum of "
                      "absolute weights and biases to the loss (0 = off).")
    dropout: float = Field(0.0, ge=0.0, lt=1.0, description="Dropout probability after each hidden "
                           "layer while training (0 = off, the reference's models).")
    augment: Augment = Field(False, description="Image sets: augment training batches. flips: the "
                             "course's (horizontal and vertical flips, each p = 0.1); crop-flip (or "
                             "true): a random 4-pixel crop (reflect padding) and a 50% horizontal "
                             "flip; false: none.",
                             json_schema_extra={"rule": "true, false, 'crop-flip' or 'flips'"})
    batch_size: Count = Field(128, description="Training batch size; 100 images fit in one batch.")
    shuffle: bool = Field(False, description="Reshuffle training batches every epoch (the "
                          "reference does not).")
    epochs: Count = Field(200, description="Maximum number of epochs (steps for the toy regression).")
    early_stopping: bool = Field(False, description="Stop when validation accuracy stops improving.")
    patience: int = Field(20, ge=0, le=COUNT_MAX, description="Epochs without improvement "
                          "tolerated before early stopping.")
    min_delta: float = Field(0.0, ge=0.0, le=100.0, description="Improvement in validation "
                             "accuracy points (percent) that resets patience.")
    restore_best: bool = Field(True, description="With early stopping, end with the best epoch's "
                               "weights.")
    seed: int = Field(2021, ge=0, le=SEED_MAX, description="Seed for the split, the label noise "
                      "and the initial weights.")
    device: str = Field("auto", pattern=r"^(auto|cpu|cuda(:[0-9]{1,3})?)$",
                        description="auto (CUDA if present, else CPU), cpu, cuda or cuda:N.",
                        json_schema_extra={"rule": "auto, cpu, cuda or cuda:N"})
    snapshot_every: Count = Field(100, description="Toy regression: record the fitted curve every "
                                  "N steps.")
    inputs: Literal["real", "shuffled_pixels", "random_pixels", "gaussian"] = Field(
        "real", description="Images: real, shuffled_pixels (one fixed pixel permutation), "
        "random_pixels (a permutation per image) or gaussian noise.")
    # Seeds: a run with seeds (or repeats > 1) is expanded by experiments/seeds.py into member runs,
    # one per seed, each an ordinary run named <name>-seed<N> whose group is <name>.
    seeds: tuple[Seed, ...] = Field((), strict=False, max_length=SEEDS_MAX, description=(
        "Repeat the run once per seed in this list (replaces seed); empty: seed alone."),
        json_schema_extra={"rule": f"a list of at most {SEEDS_MAX} distinct integers in "
                                   f"[0, {SEED_MAX}]"})
    repeats: int = Field(1, ge=1, le=SEEDS_MAX, description="Repeat the run over this many seeds: "
                         "seed, seed+1, ... (1: once).")
    group: GroupName = Field("", description="Runs with the same group are one experiment over "
                             "seeds; summaries give their mean and sd.",
                             json_schema_extra={"rule": "empty, or " + RUN_NAME_RULE})

    @model_validator(mode="after")
    def _fits_together(self) -> RunConfig:
        """Settings that are each valid but not together: the message is shown as is."""
        if self.dataset == "folder" and not self.data_dir:
            raise PydanticCustomError("combination", "{message}", {"message": (
                "dataset 'folder' needs data_dir (an image folder with one sub-folder per class)")})
        if self.data_dir:
            try:
                check_data_dir(self.dataset, self.data_dir)  # a file, or a data set that ignores it
            except DataError as exc:
                raise PydanticCustomError("combination", "{message}", {"message": str(exc)}) from None
        if self.seeds and self.repeats > 1:
            raise PydanticCustomError("combination", "{message}", {"message": (
                "give seeds (a list) or repeats (a count), not both")})
        if len(set(self.seeds)) != len(self.seeds):
            raise PydanticCustomError("combination", "{message}", {"message": (
                f"seeds must be distinct (each names a run folder), got {list(self.seeds)}")})
        data_task = registry("dataset")[self.dataset].task
        if self.task != data_task:
            fits = [m for m, s in registry("model").items() if s.task == data_task]
            raise PydanticCustomError("combination", "{message}", {"message": (
                f"model {self.model!r} cannot train on dataset {self.dataset!r}; "
                f"use model {' or '.join(repr(m) for m in fits)}")})
        if self.inputs != "real" and data_task != "classify":
            raise PydanticCustomError("combination", "{message}", {"message": (
                f"inputs {self.inputs!r} randomizes images; dataset {self.dataset!r} has none")})
        if self.augment and data_task != "classify":
            raise PydanticCustomError("combination", "{message}", {"message": (
                f"augment flips (and crops) images; dataset {self.dataset!r} has no images "
                "(set augment = false)")})
        return self

    @property
    def task(self) -> str:
        """'classify' for the image models, 'regress' for the toy Net."""
        return registry("model")[self.model].task

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with some settings changed (validated; ConfigError if not)."""
        return from_mapping({**self.as_dict(), **changes}, where="override")

    def as_dict(self) -> dict[str, Any]:
        """Every setting as a plain dict in declaration order (JSON/TOML friendly)."""
        return self.model_dump()


@dataclass(frozen=True)
class Setting:
    """One RunConfig field as the front ends need it: default, help text, type and choices."""

    name: str
    info: FieldInfo

    @property
    def default(self) -> Any:
        return self.info.default

    @property
    def help(self) -> str:
        return self.info.description or ""

    @property
    def kind(self) -> type:
        """int, float, bool or str (a Literal of strings is a str, and so is bool | Literal)."""
        return str if self._literal() is not None else self.info.annotation

    @property
    def takes_bool(self) -> bool:
        """Whether true and false are values of this setting (a switch, or `augment`)."""
        return self.info.annotation is bool or bool in get_args(self.info.annotation)

    def _literal(self) -> Any:
        """The Literal[...] of a choice setting (alone or beside bool), else None."""
        ann = self.info.annotation
        if get_origin(ann) is Literal:
            return ann
        return next((a for a in get_args(ann) if get_origin(a) is Literal), None)

    @property
    def choices(self) -> tuple[Any, ...]:
        """The allowed values of a choice setting (from its Literal or its registry), else ().
        A setting that is also a switch (`augment`) lists False (off) first."""
        literal = self._literal()
        if literal is not None:
            return (False, *get_args(literal)) if self.takes_bool else get_args(literal)
        if self.name in ("model", "dataset"):
            return tuple(registry(self.name))
        return ()


FIELDS: dict[str, Setting] = {k: Setting(k, info) for k, info in RunConfig.model_fields.items()}


def describe_rule(name: str) -> str:
    """Say in words what values a setting accepts."""
    s = FIELDS[name]
    extra = s.info.json_schema_extra
    if isinstance(extra, dict) and "rule" in extra:
        return str(extra["rule"])
    if s.choices:
        return "one of " + ", ".join(repr(c) for c in s.choices)
    words = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}
    bounds = {type(m): m for m in s.info.metadata}
    lo, hi = bounds.get(Ge) or bounds.get(Gt), bounds.get(Le) or bounds.get(Lt)
    low = lo and (lo.ge if isinstance(lo, Ge) else lo.gt)
    high = hi and (hi.le if isinstance(hi, Le) else hi.lt)
    text = words[s.kind]
    if s.kind is float and lo and hi:
        text += (f" in {'(' if isinstance(lo, Gt) else '['}{low:g}, "
                 f"{high:g}{')' if isinstance(hi, Lt) else ']'}")
    elif lo:
        text += f" {'>' if isinstance(lo, Gt) else '>='} {low}"
        text += f" and <= {high}" if hi else ""
    return text


def _field_message(key: str, err: Any, where: str) -> str:
    """One pydantic error about `key` as: where, which key, what is allowed, what was given."""
    reason = (err.get("ctx") or {}).get("reason")
    return (f"{where}: key {key!r} must be {describe_rule(key)}, got {err['input']!r}"
            + (f" ({reason})" if reason else ""))


def _message(exc: ValidationError, where: str) -> str:
    """pydantic's first error as regtui's one-line message: where, which key, what is allowed."""
    err = exc.errors()[0]
    if not err["loc"]:  # a model validator: its message is already worded for people
        return f"{where}: {err['msg']}"
    key = str(err["loc"][0])
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(key, FIELDS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{where}: unknown key {key!r}{hint}; allowed keys: {', '.join(FIELDS)}"
    return _field_message(key, err, where)


@cache
def _adapter(name: str) -> TypeAdapter:
    """A validator for one field alone, with the model's strictness and NaN rule."""
    info = RunConfig.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, info],
                       config=ConfigDict(strict=True, allow_inf_nan=False))


def check_value(name: str, value: Any, where: str) -> Any:
    """Validate one setting; return it converted (ints accepted for floats) or raise ConfigError."""
    if name not in FIELDS:
        return from_mapping({name: value}, where)  # raises the unknown-key message
    try:
        return _adapter(name).validate_python(value)
    except ValidationError as exc:
        raise ConfigError(_field_message(name, exc.errors()[0], where)) from None


def from_mapping(values: dict[str, Any], where: str) -> RunConfig:
    """Build a validated RunConfig from a dict of settings (missing keys take defaults)."""
    try:
        return RunConfig.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_message(exc, where)) from None
