"""The settings pane: experiment, run, data, labels, model, hyper-parameters and device.

Its fields and the checks behind them are in fields.py; the pane loads a preset's run into
them, keeps model and data consistent, and reads them back as a RunConfig.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Switch

from regtui.data.sources import DATASETS
from regtui.engine.config import FIELDS, ConfigError, RunConfig, check_value, describe_rule, from_mapping
from regtui.experiments.presets import Preset
from regtui.experiments.seeds import base_runs, seed_settings, seeds_text
from regtui.tui.form import form_run_name, paired
from regtui.tui.widgets.fields import (
    FORM,
    MARKER,
    MAX_NUMBER,
    MAX_PATH,
    MAX_SEEDS,
    RUN_OWN,
    FieldInput,
    FieldSwitch,
    NumberInput,
    SeedsValidator,
    SettingValidator,
    choice_label,
    fmt,
    parse,
)


def is_field(widget: object) -> bool:
    """True for one of the pane's fields (an input, list or switch in a field row)."""
    parent = getattr(widget, "parent", None)
    return isinstance(widget, (Input, Select, Switch)) and isinstance(parent, Horizontal) \
        and parent.has_class("field")


class SettingsPane(VerticalScroll):
    """The left pane: which experiment and run, and every setting of the next run.

    It handles its own lists (the run list, keeping model and data consistent) and tells the
    app only what concerns it, with its nested messages.
    """

    @dataclass
    class PresetChosen(Message):
        """The user picked another experiment: `key` is a bundled name or a file path."""

        key: str

    class Ready(Message):
        """The fields are mounted (posted only by a pane that mounts them after the first frame)."""

    @dataclass
    class FormChanged(Message):
        """Model, data or seed changed: `task` is the task the form now describes."""

        task: str

    can_focus = False  # a scroll container is a tab stop by default: an invisible one here

    def __init__(self, presets: list[tuple[str, str]], current: str, after_first_frame: bool = False,
                 **kwargs) -> None:
        """`presets`: (label, key) pairs for the experiment list; `current`: the key shown;
        `after_first_frame`: mount the fields once the screen has been drawn, then post Ready.
        They are 110 of the screen's 143 widgets: the app's first frame comes 0.3-0.4 s sooner."""
        super().__init__(**kwargs)
        self._presets, self._current = presets, current
        self._after_first_frame = after_first_frame
        self._choices: dict[str, list[str]] = {}
        self._loaded: dict[str, Any] = {}  # each field's widget value as `load` set it
        self.preset: Preset | None = None

    def compose(self) -> ComposeResult:
        yield Label("Experiment", classes="section")
        with Horizontal(classes="field -experiment"):  # shorter labels: long preset names fit
            yield Label(self.PAD + "Preset", classes="field-label")
            yield Select(self._presets, value=self._current, id="preset", allow_blank=False,
                         compact=True, type_to_search=False)
        with Horizontal(classes="field -experiment"):
            yield Label(self.PAD + "Run", classes="field-label")
            yield Select([("run", "run")], id="run", allow_blank=False, compact=True,
                         type_to_search=False)
        yield Label("Settings", classes="section")
        for key, label, kind in FORM:
            with Horizontal(classes="field"):
                yield Label(self.PAD + label, classes="field-label")
                yield self._widget(key, kind)
                if kind == "switch":
                    yield Label("[off]", id=f"{key}-state", classes="switch-state", markup=False)

    PAD: ClassVar[str] = " " * len(MARKER)

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        """The fields now, or after the first frame (as textual.lazy.Lazy mounts its widget)."""
        if not self._after_first_frame:
            await super().mount_composed_widgets(widgets)
            return

        async def mount() -> None:
            if self.is_attached:  # not when the app was quit in its first frame
                await self.mount_all(widgets)
                self.post_message(self.Ready())

        self.call_after_refresh(mount)

    def _mark(self, widget, focused: bool) -> None:
        """Put or take away the marker before the label of `widget`'s row."""
        row = widget.parent
        if isinstance(row, Horizontal) and row.has_class("field"):
            label = row.query_one(".field-label", Label)
            text = str(label.content)[len(MARKER):]
            label.update((MARKER if focused else self.PAD) + text)
            label.set_class(focused, "-focused")  # a class: :focus-within does not restyle children

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._mark(event.widget, True)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark(event.widget, False)

    @on(Switch.Changed)
    def _switch_changed(self, event: Switch.Changed) -> None:
        self._show_switch(event.switch)

    def _show_switch(self, switch: Switch) -> None:
        """The state in words beside the switch: readable without colour."""
        key = str(switch.id).removeprefix("f-")
        self.query_one(f"#{key}-state", Label).update("[ on]" if switch.value else "[off]")

    def _widget(self, key: str, kind: str):
        wid = f"f-{key}"
        if kind == "select":
            # devices: auto and cpu until torch has loaded and set_devices offers CUDA's
            choices = ["auto", "cpu"] if key == "device" else list(FIELDS[key].choices)
            self._choices[key] = choices
            return Select([(choice_label(c), c) for c in choices], id=wid, allow_blank=False, compact=True,
                          type_to_search=False)
        if kind == "switch":
            return FieldSwitch(id=wid, animate=False)
        if kind == "text":  # a path: every key types (tab or escape leaves the field)
            return FieldInput(id=wid, compact=True, placeholder="image folder (data set 'folder')",
                              max_length=MAX_PATH)
        if kind == "seeds":
            return NumberInput(id=wid, compact=True, restrict=r"[0-9xX, ]*", placeholder="2021,1,2 or x3",
                               max_length=MAX_SEEDS,
                               validators=[SeedsValidator()], validate_on=["changed", "blur", "submitted"])
        return NumberInput(id=wid, compact=True, restrict=r"[0-9eE.+\-]*", max_length=MAX_NUMBER,
                           validators=[SettingValidator(key)],
                           validate_on=["changed", "blur", "submitted"])

    def set_devices(self, choices: list[str]) -> None:
        """Offer the devices torch can see (once it has loaded); the chosen one stays chosen."""
        widget = self.query_one("#f-device", Select)
        value = widget.value
        kept = [o for o in self._choices["device"] if o not in choices]  # e.g. a preset's "cuda"
        self._choices["device"] = [*choices, *kept]
        with widget.prevent(Select.Changed):
            widget.set_options([(o, o) for o in self._choices["device"]])
            widget.value = value

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
        """The run the form describes, based on the selected preset run; ConfigError if invalid.

        With Seeds it is one run to expand over them (regtui.experiments.seeds); a seed member chosen in
        the Run list stands for its whole run, so the result is named after its group.
        """
        values, chosen = self.values(), self.base_run()
        name = form_run_name(chosen.name, chosen.labels, values["labels"], taken)
        return from_mapping({**chosen.as_dict(), **values, "name": name}, where="settings")

    def base_run(self) -> RunConfig:
        """The selected run as its preset wrote it: a seed member folded back into its run."""
        chosen = self.selected_run()
        runs = base_runs(self.preset.runs) if self.preset else ()
        return next((c for c in runs if chosen.group and c.name == chosen.group), chosen)

    def selected_run(self) -> RunConfig:
        """The preset run chosen in the Run list (the one the form was loaded from)."""
        runs = self.preset.runs if self.preset else ()
        return next((c for c in runs if c.name == self.query_one("#run", Select).value), runs[0])

    def edited(self) -> list[str]:
        """The fields the user changed since the form was loaded (compared as shown, so a
        value the form rounds for display, e.g. lr 1.23456789e-3, is never taken as edited)."""
        return [key for key, _, kind in FORM
                if self._shown(self.query_one(f"#f-{key}"), kind) != self._loaded.get(key)]

    def common_settings(self) -> dict[str, Any]:
        """The settings `a` applies to every run of the preset: only those edited in the pane,
        never a run's own labels (RUN_OWN); each run keeps every other setting its preset gives
        it. ConfigError if a field is invalid."""
        values, edited = self.values(), self.edited()
        out = {k: values[k] for k in edited if k not in RUN_OWN and k != "seeds"}
        if "seeds" in edited:
            out.update(seeds=values["seeds"], repeats=values["repeats"])  # else each run its own
        return out

    def load(self, cfg: RunConfig) -> None:
        """Show a config's values in the form (no Changed events: this is not the user)."""
        for key, _, kind in FORM:
            widget = self.query_one(f"#f-{key}")
            value = getattr(cfg, key)
            if key == "seeds":  # a member of a preset run shows that run's seeds
                value = seeds_text(self.base_run() if self.preset else cfg)
            with widget.prevent(Select.Changed, Switch.Changed, Input.Changed):
                self._set(widget, key, kind, value)
            self._loaded[key] = self._shown(widget, kind)

    @staticmethod
    def _shown(widget, kind: str) -> Any:
        """What a field shows: its text (stripped) or its choice."""
        return widget.value.strip() if kind in ("input", "text", "seeds") else widget.value

    def _set(self, widget, key: str, kind: str, value: Any) -> None:
        if kind == "select":
            options = self._choices[key]
            if value not in options:  # e.g. a preset asking for cuda on a CPU machine
                options.append(value)
                widget.set_options([(choice_label(o), o) for o in options])
            widget.value = value
        elif kind == "switch":
            widget.value = bool(value)
            self._show_switch(widget)
        elif kind in ("text", "seeds"):
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
            elif kind == "seeds":
                try:
                    out.update(seed_settings(widget.value, label))
                except ConfigError:
                    widget.focus()
                    raise
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
