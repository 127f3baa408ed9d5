"""Bodies of a server that misbehaves on purpose (the sandbox's hostile
faults): one that trickles, one that inflates, one that never ends."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from functools import lru_cache

BOMB_INFLATED = 256 * 1024 * 1024  # what the gzip bomb inflates to
HUGE_BODY = 40 * 1024 * 1024


async def trickle(pause: float) -> AsyncIterator[bytes]:
    """A JSON-looking body, one byte per *pause*: every read is quick, the
    whole answer takes for ever (a per-read timeout never fires)."""
    yield b'{"individual_appointments": ['
    while True:
        await asyncio.sleep(pause)
        yield b" "


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """About 250 KB of gzip that inflates to 256 MB of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    return b"".join([packer.compress(block) for _ in range(BOMB_INFLATED // len(block))] + [packer.flush()])


async def huge_body() -> AsyncIterator[bytes]:
    """40 MB of whitespace, sent chunked (no Content-Length to warn the reader)."""
    chunk = b" " * 65536
    yield b'{"individual_appointments": ['
    for _ in range(HUGE_BODY // len(chunk)):
        yield chunk
    yield b"]}"
