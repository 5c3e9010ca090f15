"""The charts' and legend's colours, chosen per colour system so a legend entry and its curve match.

Both the charts (raster strips) and the legend (rich text) take their colours from one Palette.
In truecolor and 256 colours the runs get soft RGB colours and a seed band a darker shade of
its run's colour. A 16-colour terminal (TERM=xterm; rich's "standard" system) would map soft
RGB colours to whichever of its 16 is nearest, so two runs could share one and every dark band
turn the same grey: there the palette is made of the 16 colours' own RGB values (rich maps them
to themselves) and a band keeps its run's colour, told apart by its sparse dots.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich._palettes import STANDARD_PALETTE
from rich.style import Style

RGB = tuple[int, int, int]
MARKERS = ("•", "+", "x", "o", "*", "#", "@")  # one per run: told apart without colour
BAND_SHARE = 0.45  # a band's shade: its run's colour toned down to this share (full colour only)


def _ansi(index: int) -> RGB:
    """The RGB value rich gives the standard colour `index` (0-15): it maps back to exactly it."""
    return tuple(STANDARD_PALETTE[index])  # type: ignore[return-value]


@dataclass(frozen=True)
class Palette:
    """Run colours (green is kept out: the toy's true line), and the charts' other colours."""

    runs: tuple[RGB, ...]
    green: RGB  # the toy's true line 2x
    yellow: RGB  # the toy's 10 points
    cursor: RGB  # the epoch cursor (v)
    sixteen: bool = False  # 16 colours: bands in their run's own colour

    def run(self, index: int) -> RGB:
        """The colour of the session's `index`-th line (a run or a seed group)."""
        return self.runs[index % len(self.runs)]

    def band(self, color: RGB) -> RGB:
        """A min–max band's colour: a fainter shade of its line's, or (16 colours) the same."""
        if self.sixteen:
            return color
        return round(color[0] * BAND_SHARE), round(color[1] * BAND_SHARE), round(color[2] * BAND_SHARE)

    def style(self, color: RGB) -> Style:
        """The rich style the legend writes `color` with: the very colour the chart draws."""
        return _style(color)


@lru_cache(maxsize=64)
def _style(color: RGB) -> Style:
    return Style(color=f"rgb({color[0]},{color[1]},{color[2]})")


FULL = Palette(runs=((0, 190, 255), (255, 70, 160), (255, 175, 0), (190, 130, 255), (255, 90, 70),
                     (170, 170, 170), (120, 140, 255)),
               green=(90, 220, 110), yellow=(255, 200, 0), cursor=(255, 255, 255))
# bright cyan, bright magenta, bright yellow, bright blue, bright red, white, cyan
SIXTEEN = Palette(runs=tuple(_ansi(i) for i in (14, 13, 11, 12, 9, 7, 6)), green=_ansi(10),
                  yellow=_ansi(11), cursor=_ansi(15), sixteen=True)


def palette_for(color_system: str | None) -> Palette:
    """The palette for a console's colour system ('truecolor', '256', 'standard', 'windows', None)."""
    return SIXTEEN if color_system in ("standard", "windows") else FULL


def run_marker(index: int) -> str:
    """The marker character of the session's `index`-th line."""
    return MARKERS[index % len(MARKERS)]
