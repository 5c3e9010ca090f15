"""The settings pane: experiment, run, data, labels, model, hyper-parameters and device.

Inputs are checked with the same rules as preset files (regtui.config), so the app refuses
exactly what `regtui run` would refuse, with the same words, in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Switch

from regtui.config import FIELDS, ConfigError, RunConfig, check_value, describe_rule, from_mapping
from regtui.data.sources import DATASETS
from regtui.devices import cuda_available
from regtui.presets import Preset
from regtui.tui.form import form_run_name, paired

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
    """The left pane: which experiment and run, and every setting of the next run.

    It handles its own lists (the run list, keeping model and data consistent) and tells the
    app only what concerns it, with its nested messages.
    """

    @dataclass
    class PresetChosen(Message):
        """The user picked another experiment: `key` is a bundled name or a file path."""

        key: str

    @dataclass
    class FormChanged(Message):
        """Model, data or seed changed: `task` is the task the form now describes."""

        task: str

    def __init__(self, presets: list[tuple[str, str]], current: str, **kwargs) -> None:
        """`presets`: (label, key) pairs for the experiment list; `current`: the key shown."""
        super().__init__(**kwargs)
        self._presets, self._current = presets, current
        self._choices: dict[str, list[str]] = {}
        self.preset: Preset | None = None

    def compose(self) -> ComposeResult:
        yield Label("Experiment", classes="section")
        yield Select(self._presets, value=self._current, id="preset", allow_blank=False,
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
            choices = device_choices() if key == "device" else list(FIELDS[key].choices)
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

    def show_preset(self, preset: Preset) -> None:
        """List the preset's runs and show the first one's settings."""
        self.preset = preset
        select = self.query_one("#run", Select)
        with select.prevent(Select.Changed):
            select.set_options([(c.name, c.name) for c in preset.runs])
            select.value = preset.runs[0].name
        self.load(preset.runs[0])

    @on(Select.Changed, "#preset")
    def _preset_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value == event.select.value and isinstance(event.value, str):  # not stale
            self.post_message(self.PresetChosen(event.value))

    @on(Select.Changed, "#run")
    def _run_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value != event.select.value or self.preset is None:
            return
        for cfg in self.preset.runs:
            if cfg.name == event.value:
                self.load(cfg)
                self.post_message(self.FormChanged(cfg.task))

    @on(Select.Changed, "#f-model")
    @on(Select.Changed, "#f-dataset")
    def _keep_model_and_data_consistent(self, event: Select.Changed) -> None:
        event.stop()
        if event.value != event.select.value or self.preset is None:
            return  # stale, or the widgets' initial values before the form was loaded
        model, data = self.query_one("#f-model", Select), self.query_one("#f-dataset", Select)
        changed = "model" if event.select is model else "data"
        model.value, data.value = paired(changed, str(model.value), str(data.value))
        self.post_message(self.FormChanged(self.task))

    @on(Input.Changed, "#f-seed")
    def _seed_changed(self, event: Input.Changed) -> None:
        if self.preset is not None and event.input.is_valid:
            self.post_message(self.FormChanged(self.task))

    @property
    def task(self) -> str:
        """The task of the run the form describes."""
        return DATASETS[str(self.query_one("#f-dataset", Select).value)].task

    def run_config(self, taken: list[str]) -> RunConfig:
        """The run the form describes, based on the selected preset run; ConfigError if invalid."""
        values = self.values()
        runs = self.preset.runs if self.preset else ()
        chosen = next((c for c in runs if c.name == self.query_one("#run", Select).value), runs[0])
        name = form_run_name(chosen.name, chosen.labels, values["labels"], taken)
        return from_mapping({**chosen.as_dict(), **values, "name": name}, where="settings")

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
