"""Run a redraw at most once per interval: while a day's pages arrive
together they draw once, not once a page."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer


class Throttle:
    def __init__(self, node: MessagePump, interval: float, action: Callable[[], None]) -> None:
        self.node = node
        self.interval = interval
        self.action = action
        self._pending: Timer | None = None
        self._last = 0.0

    def __call__(self) -> None:
        """Now if the last run was long enough ago; else once, at the end of the interval."""
        if self._pending is not None:
            return
        if time.monotonic() - self._last < self.interval:
            self._pending = self.node.set_timer(self.interval, self.now, name="throttled")
            return
        self.now()

    def now(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        self._last = time.monotonic()
        self.action()
