"""Keep Python's full garbage collections off a day load's critical path.

A load allocates tens of thousands of objects (JSON, models, views). Each
allocation burst can trigger a full collection, which scans everything
alive: in a 640-appointment load those passes took ~40 ms, in a 5,000 one
~90 ms, and one landing on a keystroke stalls the screen.

``gc_paused`` lets the cheap young-generation collections run (they free
the load's short-lived cycles, so memory stays flat) but holds the full
ones. With ``keep=True`` the loaded day then moves to the permanent
generation (``gc.freeze``) so no later pass rescans it. ``release_kept``
hands the previous day back to the collector and collects it, meant to run
while the next day's first requests are in flight.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

NO_FULL_PASS = 1_000_000_000  # young collections before a full one: never, in practice

_depth = 0  # overlapping loads (a reload cancelling the previous one) nest
_saved: tuple[int, ...] = ()


@contextmanager
def gc_paused(*, keep: bool = False) -> Iterator[None]:
    global _depth, _saved
    if _depth == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(_saved[0], _saved[1], NO_FULL_PASS)
    _depth += 1
    try:
        yield
        if keep:
            gc.freeze()
    finally:
        _depth -= 1
        if _depth == 0:
            gc.set_threshold(*_saved)


def release_kept() -> None:
    """The previous day back to the collector, and collected (with whatever
    garbage was frozen alongside it). Nothing to do before the first day."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
