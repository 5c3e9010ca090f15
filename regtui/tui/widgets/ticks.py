"""Axis ticks for the charts: round integers for epochs, compact labels, log-scale decades."""

from __future__ import annotations

import math


def int_ticks(lo: int, hi: int, most: int) -> list[int]:
    """At most `most` round integer ticks from lo to hi (steps 1, 2, 5, 10, 20, 50 ...), lo first."""
    span, k = max(1, hi - lo), 0
    while True:
        for mult in (1, 2, 5):
            step = mult * 10**k
            if span / step <= max(1, most - 1):
                # lo, then the multiples of step after it (none crowding lo)
                return [lo] + [t for t in range(step * (lo // step + 1), hi + 1, step) if t - lo >= step / 2]
        k += 1


def compact(value: float) -> str:
    """A short axis label: 0.01, 6.7, 120, 1e-8, 3e+05."""
    if value == 0:
        return "0"
    if 0.01 <= abs(value) < 1000:
        return f"{value:.2g}" if abs(value) < 10 else f"{value:.0f}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def log_ticks(lo: float, hi: float, most: int) -> list[float]:
    """Ticks in log10 units that bracket [lo, hi] (log10 values): the chart's y range is theirs.

    Decades (every one, or every 2nd, 3rd ... so at most `most`), or 1-2-5 steps when the
    data spans less than a decade or so.
    """
    first, last = math.floor(lo + 1e-9), math.ceil(hi - 1e-9)
    if last - first <= 1:
        ticks = [math.log10(m) + e for e in range(first, last + 1) for m in (1, 2, 5)]
        below = max(t for t in ticks if t <= lo + 1e-9)
        above = min((t for t in ticks if t >= hi - 1e-9), default=float(last))
        return [t for t in ticks if below <= t <= above]
    step = max(1, math.ceil((last - first) / max(1, most - 1)))
    first, last = step * math.floor(first / step), step * math.ceil(last / step)
    return [float(e) for e in range(first, last + 1, step)]
