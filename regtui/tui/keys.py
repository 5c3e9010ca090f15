"""The app's commands in one table: key, action, footer label, description.

The key bindings, the help screen and the command palette are all built from `COMMANDS`, so
a command added here appears in all three. Command keys are plain (non-priority) bindings:
they fire only when the focused widget does not take the key, so letters typed into a
field stay text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from textual.binding import Binding

from regtui.tui.pacing import SPEEDS, speed_label


@dataclass(frozen=True)
class Command:
    """One command of the app: its key, its action, its footer label and what it does."""

    key: str  # Textual key name ("question_mark", not "?")
    action: str  # an App action name, without "action_"
    label: str  # short footer / palette title
    description: str  # one line for the help screen and the command palette
    show: bool = True  # in the footer (False: help, palette and key only; room at 80 columns)
    viewer: bool | None = None  # in `regtui show`'s footer (None: as `show`; False: the key says why)
    display: str | None = None  # how the help screen writes the key, when not the key itself
    group: str | None = None  # help writes ONE line (this text) for the commands of a group


COMMANDS: tuple[Command, ...] = (
    Command("s", "start", "Start", "start one run with the settings in the left pane (not in regtui "
            "show: a viewer)", viewer=False),
    Command("a", "start_all", "Run all",
            "run every run of the preset in turn, each with its own settings and those edited in the pane",
            viewer=False),
    Command("x", "stop", "Stop", "stop the run after the epoch in progress (a replay: skip to its end)"),
    Command("c", "clear", "Clear", "clear the session's runs from the charts (asks first)",
            show=False),
    Command("p", "choose_preset", "Preset", "choose another experiment (preset)", show=False),
    Command("w", "save", "Save", "save the session's finished runs to a run folder"),
    Command("h", "toggle_settings", "Settings", "hide or show the settings pane"),
    # Playback and chart controls: help and palette only (the footer is full at 80 columns).
    Command("minus", "speed(-1)", "Slower", "play the runs slower", show=False, display="- +",
            group="playback speed: slower, faster (the fastest is full speed)"),
    Command("plus,equals_sign", "speed(1)", "Faster", "play the runs faster (the fastest is full speed)",
            show=False, display="- +", group="playback speed: slower, faster (the fastest is full speed)"),
    Command("r", "replay", "Replay", "replay the session's finished runs from epoch 1", show=False,
            viewer=True),
    Command("e", "export", "Export", "export the charts, legend and table as an SVG figure", show=False,
            viewer=True),
    Command("z", "zoom", "Zoom", "epochs shown: whole run (fitted if it would squeeze the runs), "
            "fitted to the visible runs, last 50, last 20", show=False),
    Command("l", "toggle_log", "Log scale", "norm charts: log scale on or off", show=False),
    Command("t", "toggle_table", "Runs table",
            "runs table: every run or seed group (mean ± sd), sortable; the sweep's chart; t: charts",
            show=False),
    Command("m", "next_page", "Metrics",
            "charts: next page (accuracy & norm, losses, layer norms, noisy labels); ctrl+p: any metric",
            show=False),
    Command("v", "cursor", "Values", "epoch cursor: each run's values at an epoch (←/→ home/end move it)",
            show=False),
    Command("f", "filter", "Filter", "filter runs by name or setting: labels=random lr=0.001 noise6",
            show=False),
    Command("o", "solo", "Solo", "show only one run: o then its number, or the run picked under v; "
            "o again: all", show=False),
    Command("n", "next_table_run", "Table run", "norm table: show the next run's layers", show=False),
    *(Command(str(i), f"toggle_run({i})", f"Run {i}", f"hide or show run {i} (a seed group as one)",
              show=False, display="1-9", group="hide or show run N (numbered in the legend)")
      for i in range(1, 10)),
    Command("question_mark", "help", "Help", "this help (escape closes it)", display="?"),
    Command("q", "quit", "Quit", "quit (asks first while a run is in progress)"),
)

# Keys of the help screen that are not app commands (fields and Textual's own keys).
OTHER_KEYS: tuple[tuple[str, str], ...] = (
    ("tab", "next setting (shift+tab: previous); enter opens a list"),
    ("esc", "leave the field being edited: letters are commands again"),
    ("^p", "command palette: every command by name; metric pages and metrics; show/hide or solo any run"),
    ("← → home end", "with the cursor on (v): move it; ↑ ↓ pick a run (o solos it); esc: cursor off"),
)


def help_lines() -> tuple[tuple[str, str], ...]:
    """(key, what it does) for the help screen: one line per command or group, then the rest."""
    lines: dict[str, tuple[str, str]] = {}
    for c in COMMANDS:
        lines.setdefault(c.group or c.action, (c.display or c.key, c.group or c.description))
    return (*lines.values(), *OTHER_KEYS)


def bindings() -> list[Binding]:
    """The app's key bindings: one per command, then a hidden fallback per key.

    When a command cannot act now, the app's `check_action` returns None: the footer shows
    it dimmed and Textual moves on to the next binding of the same key, the hidden
    `why_not`, which tells the user why nothing happened. In `regtui show` (a viewer) the
    commands marked `viewer=False` return False instead (off the footer; the key still says
    why), and those marked `viewer=True` get a shown twin `in_viewer(action)` first.
    """
    main = []
    for c in COMMANDS:
        if c.viewer:  # shown in the viewer's footer only: a twin the app's check_action hides elsewhere
            main.append(Binding(c.key, f"in_viewer({c.action!r})", c.label, show=True))
        main.append(Binding(c.key, c.action, c.label, show=c.show))
    fallbacks = [Binding(c.key, f"why_not({c.action!r})", show=False) for c in COMMANDS]
    return [*main, Binding("escape", "leave_field", "Leave field", show=False), *fallbacks]


VIEWER_HIDDEN = frozenset(c.action for c in COMMANDS if c.viewer is False)  # off the viewer's footer


def why_not(action: str, params: tuple[object, ...], *, training: bool, busy: bool, runs: int,
            finished: bool, lines: int, speed: float | None, viewer: str | None = None,
            live: str | None = None) -> str | None:
    """Why the command `action` cannot act now, in words for the user; None when it can.

    Pure, so each refusal is testable without an app. `action` is a name with its `params`
    apart (check_action) or written in (a binding, the palette): "toggle_run", (3,) or
    "toggle_run(3)". The state: `training` (the worker is alive), `busy` (training or playing
    back), `runs` in the session, whether any has `finished`, the legend's `lines` (runs and
    seed groups), and the playback `speed` (None: full). In `regtui show`, `viewer` is the
    command that trains instead (e.g. "regtui tui quick") and `live` a run still being written.
    """
    action, _, args = action.partition("(")
    if args:
        params = ast.literal_eval(f"({args[:-1]},)")
    if viewer is not None and action in ("start", "start_all", "clear", "choose_preset"):
        return f"regtui show is a viewer of saved runs: it does not train. To train: {viewer}"
    if action == "replay" and live is not None:
        return f"{live} is still being written: r replays once every run has ended."
    if action in ("start", "start_all", "choose_preset", "replay", "clear") and busy:
        return ("A run is in progress: stop it first (x)." if training else
                "Runs are playing: wait, or skip to the end (x).")
    reasons = {
        "clear": None if runs else "Nothing to clear: no runs yet.",
        "stop": None if busy else "Nothing is running.",
        "save": None if finished else "Nothing to save yet: no run has ended.",
        "replay": None if finished else "Nothing to replay yet: no run has ended.",
        "next_table_run": None if runs else "No runs yet: the table shows the initial weights.",
        "export": None if runs else "Nothing to export yet: no runs.",
    }
    if action == "speed" and params:
        if int(params[0]) < 0 and speed == SPEEDS[0]:
            return f"Already the slowest speed ({speed_label(speed)})."
        if int(params[0]) > 0 and speed is None:
            return "Already at full speed."
    if action == "toggle_run" and params and int(params[0]) > lines:
        return f"There is no run {params[0]}: the legend numbers the session's runs and seed groups."
    return reasons.get(action)
