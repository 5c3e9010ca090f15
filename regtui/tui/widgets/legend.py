"""The legend under the charts: each line's number, marker, colour and name (a seed group once,
with its seed count), and what the chart controls changed (filter, solo, epochs); wraps, never cuts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from regtui.engine import TaskKind
from regtui.tui.groups import chart_lines
from regtui.tui.metrics import ACCURACY, Page, step_word
from regtui.tui.session import SessionRun
from regtui.tui.widgets.axes import Window
from regtui.tui.widgets.charts import ChartOptions
from regtui.tui.widgets.colors import FULL, MARKERS, Palette, run_marker


def legend_text(runs: list[SessionRun], kind: TaskKind, options: ChartOptions, speed: str = "",
                width: int = 200, palette: Palette = FULL, window: Window | None = None,
                page: Page | None = None) -> Text:
    """What each colour and marker means; lines numbered for the keys that hide them (1-9).

    Entries are packed into lines of `width` cells and never split, so no run is cut off. With a
    filter on, only the lines it lets through are listed, and it says how many of how many.
    `page`: the page of charts shown when it is not the first (its name is said, and only the
    accuracy chart needs the words for train, validation and best epoch).
    """
    entries: list[Text] = []
    style = palette.style
    if not kind.has_accuracy:
        entries += [Text("● points", style=style(palette.yellow)),
                    Text("·· true 2x", style=style(palette.green)),
                    Text("━ network fit", style=style(palette.run(0))),
                    Text("loss: ━ train", style=style(palette.run(0))),
                    Text(f"{MARKERS[1]} {kind.val_words}", style=style(palette.run(1)))]
    else:
        if page is None or ACCURACY in page.charts:
            entries += [Text(f"━ train, {kind.val_words}: the run's marker"),
                        Text("│ best epoch of each run", style="dim")]
        lines = chart_lines(runs)
        if any(line.grouped for line in lines):
            entries.append(Text("⢕ min–max over seeds", style="dim"))
        listed = [(i, line) for i, line in enumerate(lines) if options.listed(line)]
        for i, line in listed:
            entry = Text()  # not Text(number, style="dim"): a base style dims the name's colour too
            entry.append(f"{i + 1}:" if i < 9 else "", style="dim")
            entry.append(f"{run_marker(i)} {line.label}",
                         style=style(palette.run(i)) if options.shows(line) else "dim strike")
            entries.append(entry)
        if options.query is not None:
            entries.append(Text(f"filter {options.query.text}: {len(listed)} of {len(lines)} (f)",
                                style="bold"))
        if options.solo is not None:
            entries.append(Text(f"solo {options.solo} (o: all runs)", style="bold"))
    entries += control_notes(kind, options, speed, window, page.name if page else "")
    return pack(entries, width)


def control_notes(kind: TaskKind, options: ChartOptions, speed: str, window: Window | None,
                  page: str) -> list[Text]:
    """The chart controls' state worth saying: speed, the epochs shown, the log scale, the page."""
    word = step_word(kind)
    epochs = (f"last {options.last} {word}s" if options.last else f"{word}s fitted to the runs (z)"
              if options.fit or (window is not None and window.fitted) else "")
    log = options.log and kind.has_accuracy and "norm log"
    extras = [s for s in (speed and f"speed {speed}", epochs, log, page and f"page {page} (m)") if s]
    return [Text(" · ".join(extras), style="dim")] if extras else []


def pack(entries: list[Text], width: int) -> Text:
    """Entries joined by three spaces, a new line wherever the next entry would not fit."""
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

    def show(self, runs: list[SessionRun], kind: TaskKind, options: ChartOptions, speed: str,
             palette: Palette = FULL, window: Window | None = None, page: Page | None = None) -> None:
        """Repaint for these runs and options (relayout only when the text changed)."""
        self._args = (runs, kind, options, speed, palette, window, page)
        text = legend_text(runs, kind, options, speed, self.content_size.width or 200, palette, window, page)
        if text != self._shown:  # its height may change with the text, so only then
            self._shown = text
            self.update(text)

    def on_resize(self) -> None:
        if self._args:
            self.show(*self._args)
