"""Keep Python's cyclic garbage collector out of a day load.

A load allocates tens of thousands of short-lived objects (JSON, models,
views); that trips the collector's full passes, each one scanning everything
alive: ~50 ms of a 640-appointment load went to them, on the critical path.
Reference counting still frees almost all of that garbage at once; cycles
wait until the load ends, when the collector is switched back on.

With ``keep=True`` what survived a complete load (the day on screen) moves to
the permanent generation before the collector returns, so no later pass
rescans it: a full pass over a 5,000-appointment day paused typing ~90 ms,
and the first pass after a long pause would sweep the whole load. Cycles
still alive then are kept until ``release_kept`` (the next load).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0  # overlapping loads (a reload cancelling the previous one) nest


@contextmanager
def gc_paused(*, keep: bool = False) -> Iterator[None]:
    global _depth
    if _depth == 0:
        gc.disable()
    _depth += 1
    try:
        yield
        if keep:
            gc.freeze()
    finally:
        _depth -= 1
        if _depth == 0:
            gc.enable()


def release_kept() -> None:
    """Hand what ``keep`` froze back to the collector (the day is replaced)."""
    gc.unfreeze()
