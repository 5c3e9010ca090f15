"""A small braille line-chart rasterizer that yields Textual Strips directly.

Profiling a frame at 120x40 showed plotext's build (~25 ms a chart: per-pixel helpers,
deep copies) and the ANSI -> Text -> Content -> Strip round trip were nearly all of its
~60-100 ms. Charts here need only lines, markers, one vertical line and axis labels, so
this draws them straight into a cell grid: a few ms a chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

RGB = tuple[int, int, int]
# Braille dot bits by (x in 0..1, y in 0..3 from the cell's top).
_DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


@lru_cache(maxsize=64)
def _fg(color: RGB | None) -> Style:
    return Style(color=Color.from_rgb(*color)) if color else Style()


@dataclass
class Series:
    """One series: a braille line through its points, one marker character per point, or
    (with `high`) a band from `ys` up to `high`, shaded with a sparse dot pattern in `color`."""

    xs: list[float]
    ys: list[float]
    color: RGB
    marker: str | None = None  # None: a braille line
    high: list[float] | None = None  # a band's upper edge (ys is its lower edge)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


@dataclass(frozen=True)
class VLine:
    """A vertical line at x across the plot: a best epoch or the epoch cursor."""

    x: float
    color: RGB
    char: str = "│"
    foot: str | None = None  # a character in the plot's bottom row (a run's marker: whose line)


@dataclass
class Chart:
    """What to draw: title, ranges, ticks (value, label), series in drawing order, vertical lines,
    and a note shown in the middle of an empty plot."""

    title: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    xticks: list[tuple[float, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    vlines: list[VLine] = field(default_factory=list)
    note: str = ""


def render(chart: Chart, width: int, height: int, base: Style) -> list[Strip]:
    """The chart as `height` Strips of `width` cells: title, plot with left axis, bottom axis, labels."""
    if width < 8 or height < 4:
        return [Strip.blank(width, base)] * height
    label_w = max((len(label) for _, label in chart.yticks), default=1)
    left = label_w + 1  # labels, then the axis column
    cols, rows = width - left - 1, height - 3  # plot cells (a blank right margin column)
    if cols < 2 or rows < 1:
        return [Strip.blank(width, base)] * height
    (x0, x1), (y0, y1) = chart.x_range, chart.y_range
    sx = (2 * cols - 1) / ((x1 - x0) or 1)  # braille pixels per x unit
    sy = (4 * rows - 1) / ((y1 - y0) or 1)
    bits = [[0] * cols for _ in range(rows)]
    shaded: set[tuple[int, int]] = set()  # cells holding only band dots: a line replaces them
    chars: list[list[str | None]] = [[None] * cols for _ in range(rows)]
    colors: list[list[RGB | None]] = [[None] * cols for _ in range(rows)]

    def pixel(px: int, py: int, color: RGB) -> None:  # py counts from the bottom
        if 0 <= px < 2 * cols and 0 <= py < 4 * rows:
            r, c = rows - 1 - py // 4, px // 2
            if (r, c) in shaded:  # a line crossing a band: the line's dots alone, in its colour
                shaded.discard((r, c))
                bits[r][c] = 0
            bits[r][c] |= _DOTS[px % 2][3 - py % 4]
            colors[r][c] = color

    def shade(px: int, low: float, high: float, color: RGB) -> None:  # a band's column
        for py in range(max(0, math.ceil(low)), min(4 * rows - 1, math.floor(high)) + 1):
            if (px + py) % 2 == 0:  # every other dot: a shade, told apart from lines without colour
                r, c = rows - 1 - py // 4, px // 2
                if bits[r][c] == 0 or (r, c) in shaded:
                    shaded.add((r, c))
                    bits[r][c] |= _DOTS[px % 2][3 - py % 4]
                    colors[r][c] = color

    for v in chart.vlines:
        c = round((v.x - x0) * sx) // 2
        if 0 <= c < cols:
            for r in range(rows):
                chars[r][c], colors[r][c] = v.char, v.color
            if v.foot:
                chars[rows - 1][c] = v.foot
    if chart.note and not chart.series:
        start = max(0, (cols - len(chart.note)) // 2)
        for k, ch in enumerate(chart.note[:cols]):
            chars[rows // 2][start + k] = ch
    for s in chart.series:
        # NaN and infinite values (a run that diverged) are not drawn: a gap in the line
        if s.high is not None:
            edges = [((x - x0) * sx, (lo - y0) * sy, (hi - y0) * sy) if _finite(x, lo, hi) else None
                     for x, lo, hi in zip(s.xs, s.ys, s.high, strict=True)]
            for a, b in pairwise(edges):
                if a is None or b is None:
                    continue
                (ax, alo, ahi), (bx, blo, bhi) = a, b
                for px in range(max(0, math.ceil(ax)), min(2 * cols - 1, math.floor(bx)) + 1):
                    t = (px - ax) / ((bx - ax) or 1)  # linear between the two epochs
                    shade(px, alo + t * (blo - alo), ahi + t * (bhi - ahi), s.color)
            continue
        pts = [(round((x - x0) * sx), round((y - y0) * sy)) if _finite(x, y) else None
               for x, y in zip(s.xs, s.ys, strict=True)]
        if s.marker is not None:
            for px, py in filter(None, pts):
                if 0 <= px < 2 * cols and 0 <= py < 4 * rows:
                    r, c = rows - 1 - py // 4, px // 2
                    chars[r][c], colors[r][c], bits[r][c] = s.marker, s.color, 0
            continue
        for a, b in pairwise(pts):
            if a is None or b is None:
                continue
            (ax, ay), (bx, by) = a, b
            steps = max(abs(bx - ax), abs(by - ay), 1)
            for k in range(steps + 1):
                pixel(ax + (bx - ax) * k // steps, ay + (by - ay) * k // steps, s.color)
        for i, p in enumerate(pts):  # a point with no drawn neighbour is a dot of its own
            if p is not None and (i == 0 or pts[i - 1] is None) and (i + 1 == len(pts) or pts[i + 1] is None):
                pixel(*p, s.color)

    axis = base + Style(dim=True)
    ytick_row = {rows - 1 - round((v - y0) * sy) // 4: label for v, label in chart.yticks}
    lines = [Strip([Segment(chart.title.center(width)[:width], base + Style(bold=True))], width)]
    for r in range(rows):
        label = ytick_row.get(r)
        segs = [Segment((label or "").rjust(label_w) + ("┤" if label else "│"), axis)]
        run, run_color = [], None
        for c in range(cols):
            ch = chars[r][c] if bits[r][c] == 0 else chr(0x2800 + bits[r][c])
            color = colors[r][c]
            if color != run_color and run:
                segs.append(Segment("".join(run), base + _fg(run_color)))
                run = []
            run_color = color
            run.append(ch or " ")
        segs.append(Segment("".join(run) + " ", base + _fg(run_color)))
        lines.append(Strip(segs, width))
    axis_cells, label_cells = ["─"] * (cols + 1), [" "] * (width + 8)
    for v, label in chart.xticks:
        c = round((v - x0) * sx) // 2
        if 0 <= c < cols:
            axis_cells[c] = "┬"
            start = max(0, min(left + c - len(label) // 2, width - len(label)))
            if all(ch == " " for ch in label_cells[max(0, start - 1):start + len(label) + 1]):
                label_cells[start:start + len(label)] = label
    lines.append(Strip([Segment(" " * label_w + "└" + "".join(axis_cells)[:width - left], axis)], width))
    lines.append(Strip([Segment("".join(label_cells[:width]), axis)], width))
    return lines
