"""The body of `regtui show --follow`'s worker: poll the folders, post what changed.

It runs in a thread (reading a network file system can block) and never touches a widget:
it only posts Followed messages, and checks `cancelled()` between short sleeps, so quitting
ends it at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual.message import Message

from regtui.experiments.follow import POLL_S, Follower, FollowUpdate
from regtui.tui.messages import Followed


def follow_folders(follower: Follower, post: Callable[[Message], object], cancelled: Callable[[], bool],
                   every: float = POLL_S) -> None:
    """Poll `follower` every `every` seconds until cancelled; post each poll that found news."""
    pause = threading.Event()  # never set: its wait() is an interruptible sleep
    while not cancelled():
        try:
            update = follower.poll()
        except Exception as exc:  # unforeseen: say so once and stop following, the app stays up
            post(Followed(FollowUpdate(errors=[f"stopped following: {type(exc).__name__}: {exc}"])))
            return
        if update.news:
            post(Followed(update))
        deadline = time.monotonic() + every
        while not cancelled() and time.monotonic() < deadline:
            pause.wait(0.05)
