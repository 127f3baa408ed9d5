"""Keep Python's full garbage collections off a day load's critical path.

A load allocates tens of thousands of objects (JSON, models, views). Each
allocation burst can trigger a full collection, which scans everything
alive: in a 640-appointment load those passes took ~40 ms, in a 5,000 one
~90 ms, and one landing on a keystroke stalls the screen (`make bench`
without this: cursor p95 27 ms instead of 10, the complete day 0.56 s
instead of 0.48).

While a day loads, the cheap young-generation collections still run (they
free the load's short-lived cycles, so memory stays flat) but the full ones
are held. With ``keep=True`` the loaded day then moves to the permanent
generation (``gc.freeze``) so no later pass rescans it; the previous day is
handed back and collected just after the next load's first requests are on
the wire. The collector is one per process, so there is one :data:`HEAP`.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from contextlib import contextmanager

NO_FULL_PASS = 1_000_000_000  # young collections before a full one: never, in practice
#: after a load starts, when its first requests are on the wire
RELEASE_AFTER = 0.02


class Heap:
    def __init__(self) -> None:
        self._depth = 0  # overlapping loads (a reload cancelling the previous one) nest
        self._saved: tuple[int, ...] = ()

    @contextmanager
    def paused(self, *, keep: bool = False) -> Iterator[None]:
        if self._depth == 0:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], NO_FULL_PASS)
        self._depth += 1
        try:
            yield
            if keep:
                gc.freeze()
        finally:
            self._depth -= 1
            if self._depth == 0:
                gc.set_threshold(*self._saved)

    def release_previous_soon(self) -> None:
        """The previous day back to the collector, and collected, once the
        new load's requests have gone out (nothing to do before the first)."""
        if gc.get_freeze_count():
            asyncio.get_running_loop().call_later(RELEASE_AFTER, self._release)

    @staticmethod
    def _release() -> None:
        gc.unfreeze()
        gc.collect()


HEAP = Heap()
