"""The settings pane: experiment, run, data, labels, model, hyper-parameters and device.

Inputs are checked with the same rules as preset files (regtui.config), so the app refuses
exactly what `regtui run` would refuse, with the same words, in place.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Switch

from regtui.config import FIELDS, ConfigError, RunConfig, check_value, describe_rule
from regtui.devices import cuda_available

# (config key, label, widget kind). Order is the tab order.
FORM: tuple[tuple[str, str, str], ...] = (
    ("dataset", "Data", "select"),
    ("data_dir", "Folder", "text"),
    ("labels", "Labels", "select"),
    ("label_fraction", "Fraction", "input"),
    ("model", "Model", "select"),
    ("epochs", "Epochs", "input"),
    ("optimizer", "Optimizer", "select"),
    ("lr", "LR", "input"),
    ("momentum", "Momentum", "input"),
    ("batch_size", "Batch", "input"),
    ("seed", "Seed", "input"),
    ("early_stopping", "Early stop", "switch"),
    ("patience", "Patience", "input"),
    ("device", "Device", "select"),
)
LABELS = {key: label for key, label, _ in FORM}


def device_choices() -> list[str]:
    """auto and cpu always; CUDA devices only where torch can see them."""
    choices = ["auto", "cpu"]
    if cuda_available():
        import torch

        choices += ["cuda"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return choices


def parse(key: str, text: str) -> Any:
    """Text from an Input to the type of the config field (raises ValueError)."""
    kind = type(FIELDS[key].default)
    return int(text) if kind is int else float(text)


def fmt(value: Any) -> str:
    """A config value as an Input shows it."""
    return f"{value:g}" if isinstance(value, float) else str(value)


class SettingValidator(Validator):
    """Validates one numeric Input with the config's own rule for that key."""

    def __init__(self, key: str) -> None:
        super().__init__(failure_description=f"{LABELS[key]} must be {describe_rule(key)}")
        self.key = key

    def validate(self, value: str) -> ValidationResult:
        try:
            check_value(self.key, parse(self.key, value), where="")
        except (ValueError, ConfigError):
            return self.failure()
        return self.success()


NUMBER_CHARS = frozenset("0123456789.eE+-")


class NumberInput(Input):
    """An Input for numbers that claims only the keys a number can contain.

    Textual gives a focused Input every printable key, bindings included; claiming only
    digits, '.', 'e' and signs lets s/a/x/q/? reach the app while a field is being edited.
    """

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in NUMBER_CHARS


class SettingsPane(VerticalScroll):
    """The left pane of the app; `values()` returns the settings as a dict for RunConfig."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._choices: dict[str, list[str]] = {}

    def compose(self) -> ComposeResult:
        yield Label("Experiment", classes="section")
        yield Select([("memorization", "memorization")], id="preset", allow_blank=False,
                     compact=True, type_to_search=False)
        yield Select([("run", "run")], id="run", allow_blank=False, compact=True, type_to_search=False)
        yield Label("Settings", classes="section")
        for key, label, kind in FORM:
            with Horizontal(classes="field"):
                yield Label(label, classes="field-label")
                yield self._widget(key, kind)

    def _widget(self, key: str, kind: str):
        wid = f"f-{key}"
        if kind == "select":
            choices = device_choices() if key == "device" else list(FIELDS[key].metadata["choices"])
            self._choices[key] = choices
            return Select([(c, c) for c in choices], id=wid, allow_blank=False, compact=True,
                          type_to_search=False)
        if kind == "switch":
            return Switch(id=wid, animate=False)
        if kind == "text":  # a path: every key types (tab or escape leaves the field)
            return Input(id=wid, compact=True, placeholder="image folder (data set 'folder')")
        return NumberInput(id=wid, compact=True, restrict=r"[0-9eE.+\-]*",
                           validators=[SettingValidator(key)],
                           validate_on=["changed", "blur", "submitted"])

    def set_presets(self, options: list[tuple[str, str]], current: str) -> None:
        """Fill the experiment list with (label, key) pairs; no Changed event is sent."""
        select = self.query_one("#preset", Select)
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = current

    def set_runs(self, names: list[str], current: str) -> None:
        """Fill the list of the preset's runs; no Changed event is sent."""
        select = self.query_one("#run", Select)
        with select.prevent(Select.Changed):
            select.set_options([(n, n) for n in names])
            select.value = current

    def load(self, cfg: RunConfig) -> None:
        """Show a config's values in the form (no Changed events: this is not the user)."""
        for key, _, kind in FORM:
            widget = self.query_one(f"#f-{key}")
            with widget.prevent(Select.Changed, Switch.Changed, Input.Changed):
                self._set(widget, key, kind, getattr(cfg, key))

    def _set(self, widget, key: str, kind: str, value: Any) -> None:
        if kind == "select":
            options = self._choices[key]
            if value not in options:  # e.g. a preset asking for cuda on a CPU machine
                options.append(value)
                widget.set_options([(o, o) for o in options])
            widget.value = value
        elif kind == "switch":
            widget.value = bool(value)
        elif kind == "text":
            widget.value = str(value)
        else:
            widget.value = fmt(value)

    def values(self) -> dict[str, Any]:
        """The form's settings; raises ConfigError naming the field if one is invalid."""
        out: dict[str, Any] = {}
        for key, label, kind in FORM:
            widget = self.query_one(f"#f-{key}")
            if kind == "text":
                out[key] = widget.value.strip()
            elif kind == "input":
                try:
                    out[key] = check_value(key, parse(key, widget.value), where=label)
                except (ValueError, ConfigError):
                    widget.focus()
                    raise ConfigError(f"{label} must be {describe_rule(key)}, "
                                      f"got {widget.value!r}") from None
            else:
                out[key] = widget.value
        return out
