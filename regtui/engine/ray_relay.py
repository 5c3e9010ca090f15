"""The actor between a Ray sweep's driver and its member tasks (see regtui.engine.ray_exec).

A module of its own, without torch: the actor's worker imports only this, and starts in a
second instead of importing torch beside the members' workers.
"""

from __future__ import annotations

from typing import Any


class Relay:
    """Member tasks add their events; the driver takes them all, and may set a stop reason,
    which every add answers with. A plain (not async) actor runs one caller's calls in the
    order they were sent, so each member's events arrive in order."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.reason: str | None = None

    def add(self, events: list[Any]) -> str | None:
        self.events.extend(events)
        return self.reason

    def take(self) -> list[Any]:
        events, self.events = self.events, []
        return events

    def stop(self, reason: str) -> None:
        self.reason = self.reason or reason
