"""The legend under the charts: each line's number, marker, colour and name (a seed group once,
with its seed count); wraps, never cuts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from regtui.engine import TaskKind
from regtui.tui.groups import chart_lines
from regtui.tui.session import SessionRun
from regtui.tui.widgets.charts import COLORS, GREEN, MARKERS, YELLOW, ChartOptions, run_color, run_marker


def rgb(color: tuple[int, int, int]) -> str:
    """A colour as rich style text."""
    return "rgb({},{},{})".format(*color)


def legend_text(runs: list[SessionRun], kind: TaskKind, options: ChartOptions, speed: str = "",
                width: int = 200) -> Text:
    """What each colour and marker means; lines numbered for the keys that hide them (1-9).

    Entries are packed into lines of `width` cells and never split, so no run is cut off.
    """
    entries: list[Text] = []
    if not kind.has_accuracy:
        entries += [Text("● points", style=rgb(YELLOW)), Text("·· true 2x", style=rgb(GREEN)),
                    Text("━ network fit", style=rgb(COLORS[0])), Text("loss: ━ train", style=rgb(COLORS[0])),
                    Text(f"{MARKERS[1]} {kind.val_words}", style=rgb(COLORS[1]))]
    else:
        entries += [Text(f"━ train, {kind.val_words}: the run's marker"),
                    Text("│ best epoch", style=rgb(GREEN))]
        lines = chart_lines(runs)
        if any(line.grouped for line in lines):
            entries.append(Text("⢕ min–max over seeds", style="dim"))
        for i, line in enumerate(lines):
            if not line.runs[0].kind.has_accuracy:
                continue
            entry = Text(f"{i + 1}:" if i < 9 else "", style="dim")
            hidden = line.key in options.hidden
            entry.append(f"{run_marker(i)} {line.label}", style="dim strike" if hidden else rgb(run_color(i)))
            entries.append(entry)
    extras = [s for s in (speed and f"speed {speed}", options.last and f"last {options.last} epochs",
                          options.log and kind.has_accuracy and "norm log") if s]
    if extras:
        entries.append(Text(" · ".join(extras), style="dim"))
    text, used = Text(), 0
    for entry in entries:
        if used and used + 3 + entry.cell_len > width:
            text.append("\n")
            used = 0
        elif used:
            text.append("   ")
            used += 3
        text.append_text(entry)
        used += entry.cell_len
    return text


class Legend(Static):
    """The legend line(s): as many lines as the runs need (height auto), wrapped between entries."""

    DEFAULT_CSS = """
    Legend {
        height: auto;
        max-height: 4;
        padding: 0 1;
        text-wrap: nowrap;
    }
    """

    _args: tuple = ()
    _shown: Text | None = None

    def show(self, runs: list[SessionRun], kind: TaskKind, options: ChartOptions, speed: str) -> None:
        """Repaint for these runs and options (relayout only when the text changed)."""
        self._args = (runs, kind, options, speed)
        text = legend_text(runs, kind, options, speed, self.content_size.width or 200)
        if text != self._shown:  # its height may change with the text, so only then
            self._shown = text
            self.update(text)

    def on_resize(self) -> None:
        if self._args:
            self.show(*self._args)

