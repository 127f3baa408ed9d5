"""Client-side rate governor: never more than N requests in any 60 s window.

Cliniko allows 200 requests a minute per user. The governor keeps a log of
when each request was let through and holds the next one back until the
oldest falls out of the window. A 429 blocks every caller until the reset.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
#: the longest one 429 may hold every request back (Cliniko's window is 60 s)
MAX_BLOCK = 65.0
Sleep = Callable[[float], Awaitable[None]]


class RateGovernor:
    """Lock-free (asyncio is single-threaded between awaits): each caller
    reserves the earliest slot that keeps the window under the limit, in
    arrival order, then sleeps until it. Safe to share across event loops."""

    def __init__(
        self,
        limit: int = 200,
        window: float = 60.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._granted: deque[float] = deque()
        self._blocked_until = 0.0

    @property
    def blocked_until(self) -> float:
        """When a 429's hold ends (on this governor's clock)."""
        return self._blocked_until

    def _reserve(self) -> float:
        now = self._clock()
        while self._granted and now - self._granted[0] >= self.window:
            self._granted.popleft()
        slot = max(now, self._blocked_until)
        if self._granted:
            slot = max(slot, self._granted[-1])
        if len(self._granted) >= self.limit:
            slot = max(slot, self._granted[-self.limit] + self.window)
        self._granted.append(slot)
        return slot - now

    async def acquire(self) -> None:
        wait = self._reserve()
        while wait > 0:
            await self._sleep(wait)
            wait = self._blocked_until - self._clock()

    def block_for(self, seconds: float) -> None:
        """After a 429: hold every request back for *seconds* (at most
        ``MAX_BLOCK``; a nonsense value blocks nothing)."""
        if not math.isfinite(seconds) or seconds <= 0:
            return
        self._blocked_until = max(self._blocked_until, self._clock() + min(seconds, MAX_BLOCK))


_GOVERNORS: dict[str, RateGovernor] = {}


def governor_for_key(api_key: str, limit: int = 200) -> RateGovernor:
    """One governor per API key for the whole process (Cliniko's limit is per user)."""
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    key = f"{digest}:{limit}"
    gov = _GOVERNORS.get(key)
    if gov is None:
        gov = _GOVERNORS[key] = RateGovernor(limit=limit)
    return gov
