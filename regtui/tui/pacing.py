"""Playback pacing: meters the worker's messages out to the view so a fast run unfolds visibly.

Training runs at full speed in its thread; the app queues what it posts here and releases
it on the main thread at the chosen pace. Speed is a multiple of a base pace at which one
run takes RUN_SECONDS on screen, whatever its epoch count (a 40-epoch and a 500-epoch run
both take ~4 s at x1); "full" releases everything at once (the pre-pacing behaviour).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from textual.message import Message

from regtui.engine import EpochReport, RunResult
from regtui.tui.messages import EpochsDone, RunEnded, RunStarted

RUN_SECONDS = 4.0  # at x1 a run unfolds over this many seconds on screen
MIN_RATE = 10.0  # epochs a second at least, so a 20-epoch run is not a slide show
SPEEDS: tuple[float | None, ...] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, None)  # None: full speed
DEFAULT_SPEED = 1.0


def parse_speed(text: str) -> float | None:
    """'full' (or 'max'), or a multiplier such as 1, 2x, x0.5; raises ValueError otherwise."""
    value = text.strip().lower()
    if value in ("full", "max"):
        return None
    speed = float(value.strip("x"))
    if not 0 < speed <= 1000:
        raise ValueError(f"speed {text!r} must be above 0 (or 'full')")
    return speed


def speed_label(speed: float | None) -> str:
    """The speed as people read it: 'x1', 'x0.25', 'full'."""
    return "full" if speed is None else f"x{speed:g}"


@dataclass
class Replay:
    """A finished run to play back: what it started with, its epochs and how it ended."""

    result: RunResult

    def messages(self) -> list[Message]:
        """The messages the worker would have posted for this run."""
        return [RunStarted(self.result.info), EpochsDone(tuple(self.result.history)),
                RunEnded(self.result)]


class Pacer:
    """A queue of worker messages released on the main thread at `speed`.

    EpochsDone batches are split into single epochs; every other message is released as
    soon as it reaches the head of the queue. `release(now)` returns what is due.
    """

    def __init__(self, speed: float | None = DEFAULT_SPEED) -> None:
        self.speed = speed
        self._queue: deque[Message | EpochReport] = deque()
        self._credit = 0.0  # epochs that may be released now (fractional)
        self._last: float | None = None  # time of the last release call

    @property
    def busy(self) -> bool:
        """True while there is something left to play."""
        return bool(self._queue)

    def backlog(self) -> int:
        """Epochs waiting to be shown."""
        return sum(isinstance(m, EpochReport) for m in self._queue)

    def push(self, message: Message) -> None:
        """Queue one message from the worker (or from a replay)."""
        if isinstance(message, EpochsDone):
            self._queue.extend(message.reports)
        else:
            self._queue.append(message)

    def clear(self) -> None:
        """Drop everything queued (a new replay, or the session was cleared)."""
        self._queue.clear()
        self._credit = 0.0

    def rate(self, report: EpochReport) -> float | None:
        """Epochs a second for `report`'s run at the current speed (None: no limit)."""
        if self.speed is None:
            return None
        return max(MIN_RATE, report.epochs / RUN_SECONDS) * self.speed

    def screen_pace(self, shown: EpochReport) -> tuple[float | None, float]:
        """What the screen will show of the run whose epoch `shown` is on screen now: the seconds
        until its last epoch is drawn (None: not known yet) and the epochs a second drawn.

        Its epochs still queued here play at the pace; those not trained yet arrive at the
        training's rate, and cannot be drawn before they arrive. A replay (its end already
        queued) has nothing left to train.
        """
        queued, latest, ended = 0, shown, False
        for item in self._queue:
            if not isinstance(item, EpochReport):
                ended = isinstance(item, RunEnded)
                break
            queued, latest = queued + 1, item
        trains = latest.epoch / latest.elapsed if latest.elapsed > 0 else 0.0
        untrained = 0 if ended else max(0, latest.epochs - latest.epoch)
        pace = self.rate(shown)
        if pace is None:  # full speed: the screen shows what training gives, as it gives it
            return (untrained / trains if trains else None) if untrained else 0.0, trains
        if untrained and not trains:
            return None, pace
        eta = max((queued + untrained) / pace, untrained / trains if untrained else 0.0)
        return eta, min(pace, trains) if untrained else pace

    def release(self, now: float) -> list[Message | EpochReport]:
        """What is due at time `now` (seconds, monotonic), in order."""
        dt = 0.0 if self._last is None else max(0.0, now - self._last)
        self._last = now
        out: list[Message | EpochReport] = []
        q = self._queue
        if q and isinstance(q[0], EpochReport):
            rate = self.rate(q[0])
            self._credit = float("inf") if rate is None else self._credit + dt * rate
        while q:
            head = q[0]
            if isinstance(head, EpochReport):
                if self.speed is not None and self._credit < 1:
                    break
                self._credit -= 1
            out.append(q.popleft())
        if not q or self.speed is None:
            self._credit = 0.0  # idle time earns nothing: the next run starts at its pace
        return out
