"""The legend under the charts: each run's number, marker, colour and name; wraps, never cuts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from regtui.tui.session import SessionRun
from regtui.tui.widgets.charts import COLORS, GREEN, MARKERS, YELLOW, ChartOptions, run_color, run_marker


def rgb(color: tuple[int, int, int]) -> str:
    """A colour as rich style text."""
    return "rgb({},{},{})".format(*color)


def legend_text(runs: list[SessionRun], task: str, options: ChartOptions, speed: str = "") -> Text:
    """What each colour and marker means; runs numbered for the keys that hide them (1-9)."""
    text = Text()
    if task == "regress":
        text.append("● points", style=rgb(YELLOW))
        text.append("  ·· true 2x", style=rgb(GREEN))
        text.append("  ━ network fit", style=rgb(COLORS[0]))
        text.append("   loss: ")
        text.append("━ train", style=rgb(COLORS[0]))
        text.append(f"  {MARKERS[1]} test vs 2x", style=rgb(COLORS[1]))
    else:
        text.append("━ train  ")
        text.append("marker val  ", style="dim")
        text.append("│ best epoch", style=rgb(GREEN))
        for i, run in enumerate(runs):
            if run.task != "classify":
                continue
            hidden = run.name in options.hidden
            text.append("   " if i else "  ·  ")
            text.append(f"{i + 1}:" if i < 9 else "", style="dim")
            style = "dim strike" if hidden else rgb(run_color(i))
            text.append_text(Text(f"{run_marker(i)} {run.name}", style=style))  # a name is never markup
    extras = [s for s in (speed and f"speed {speed}", options.last and f"last {options.last} epochs",
                          options.log and task != "regress" and "norm log") if s]
    if extras:
        text.append("  ·  " + " · ".join(extras), style="dim")
    return text


class Legend(Static):
    """The legend line(s): as many lines as the runs need (height auto), wrapped between entries."""

    DEFAULT_CSS = """
    Legend {
        height: auto;
        max-height: 4;
        padding: 0 1;
    }
    """
