"""The settings form's fields: which settings it shows and how, and the checks behind each input.

Inputs are checked with the same rules as preset files (regtui.engine.config), so the form
refuses exactly what `regtui run` would refuse, with the same words.
"""

from __future__ import annotations

import time
from typing import Any

from textual import events
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Switch

from regtui.engine.config import FIELDS, ConfigError, check_value, describe_rule
from regtui.experiments.seeds import SEEDS_TEXT_RULE, seed_settings

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
    ("seeds", "Seeds", "seeds"),  # 2021,1,2 or x3: the run repeated over seeds, drawn as a band
    ("early_stopping", "Early stop", "switch"),
    ("patience", "Patience", "input"),
    ("l2", "L2", "input"),
    ("l1", "L1", "input"),
    ("weight_decay", "Decay", "input"),
    ("dropout", "Dropout", "input"),
    ("augment", "Augment", "select"),  # off, crop-flip or flips
    ("device", "Device", "select"),
)
LABELS = {key: label for key, label, _ in FORM}
# Settings that make each run of a preset what it is (true / random / partial, noise0 ..
# noise100): `a` (run all) keeps every run's own, even when edited in the pane (`s` runs the
# pane's). Every other field applies to all runs only when the user changed it in the pane.
RUN_OWN = ("labels", "label_fraction")
MARKER = "▶ "  # before the focused field's label: visible without colour (NO_COLOR)
NOTE_EVERY_S = 2.0
BELL_EVERY_S = 0.25  # a burst of refused keys (a paste) rings once, not once a key
# Longest text a field takes: a number needs a few characters ("4294967295", "1e-05"); a paste
# of 10,000 characters must be refused at once, not grow a value every key has to re-check.
MAX_NUMBER = 32
MAX_SEEDS = 256  # ~23 ten-digit seeds; more belong in a preset file
MAX_PATH = 4096  # PATH_MAX on Linux


def choice_label(value: Any) -> str:
    """A select's option as shown: False (augment off) reads "off"."""
    return "off" if value is False else str(value)


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


class SeedsValidator(Validator):
    """Validates the Seeds Input: a seeds list, xN or empty, with the presets' rules."""

    def __init__(self) -> None:
        super().__init__(failure_description=f"Seeds must be {SEEDS_TEXT_RULE}")

    def validate(self, value: str) -> ValidationResult:
        try:
            seed_settings(value, "Seeds")
        except ConfigError:
            return self.failure()
        return self.success()


async def keys_in_order(field: Widget, event: events.Key, typed: bool) -> None:
    """A field's key handler that keeps a burst of keys in the order typed.

    Textual types a printable key in the Input's own handler, but runs a bound key (backspace,
    arrows; the screen's tab, the app's escape) only once the key has bubbled up to the app,
    and by then the keys after it in the same burst are already typed (Textual issue #6605):
    `2 c q BSpace 1 0` sent at once left 21 in Epochs. Here a bound key runs where it arrives,
    in order (`typed`: the field takes this key as text itself); and keys of the burst that
    arrive after one moved the focus away (tab, escape) go back to the app, which gives them
    to whatever has the focus now.
    """
    if field.app.focused is not field:  # an earlier key of the burst moved the focus
        event.stop()
        event.prevent_default()
        field.app.post_message(events.Key(event.key, event.character))
    elif not typed and await field.app._check_bindings(event.key):
        event.stop()  # done now, in order; not again when it would have bubbled up
        event.prevent_default()


class FieldInput(Input):
    """An Input of the settings pane: a burst of keys is typed in order (keys_in_order); the
    app's keys stay in the footer while it has the focus."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """False: the app's command keys stay in the footer (dimmed there: a printable key typed
        here is text, as Input._on_key sees to)."""
        return False

    async def _on_key(self, event: events.Key) -> None:
        await keys_in_order(self, event, event.is_printable)


class FieldSwitch(Switch):
    """A Switch of the settings pane: a burst of keys acts in order (keys_in_order)."""

    async def _on_key(self, event: events.Key) -> None:
        await keys_in_order(self, event, False)


class NumberInput(FieldInput):
    """An Input for numbers: it takes every printable key, so letters never reach the app's
    commands while it has focus; a character a number cannot hold is refused with the bell
    and a one-line note (escape leaves the field)."""

    _last_note = 0.0  # when the last refusal was explained (monotonic seconds)
    _last_bell = 0.0

    def restricted(self) -> None:
        now = time.monotonic()
        if now - self._last_bell > BELL_EVERY_S:
            self._last_bell = now
            self.app.bell()
        if now - self._last_note > NOTE_EVERY_S:  # one note per burst of refused keys
            self._last_note = now
            key = str(self.id).removeprefix("f-")
            what = "seeds such as 2021,1,2 or x3" if key == "seeds" else "a number"
            if len(self.value) >= self.max_length:
                what += f" of at most {self.max_length} characters"
            self.app.notify(f"{LABELS[key]} takes {what}. Escape leaves the field; then keys are commands.",
                            severity="warning", timeout=4)
