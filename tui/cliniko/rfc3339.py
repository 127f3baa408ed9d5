"""Cliniko's times, read as RFC 3339 says a date-time is written and no
other way.

Everything RFC 3339 allows is read: ``T``, ``t`` or a space between date and
time, any number of fractional digits, ``Z``/``z`` or a ``±hh:mm`` offset, a
leap second. Anything else (no offset, a date alone, week dates, ISO's
basic format) is not a time Cliniko sends and raises ValueError: the row is
then reported unreadable, never given a guessed time or read as "no time"
(which would let a cancelled appointment look live).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)


def parse_datetime(text: str) -> datetime:
    found = _RFC3339.fullmatch(text)
    if found is None:
        raise ValueError(f"not an RFC 3339 date-time: {text[:40]!r}")
    year, month, day, hour, minute, second = (int(found.group(n)) for n in range(1, 7))
    micro = int((found.group(7) or "0")[:6].ljust(6, "0"))
    if found.group(8):
        zone = timezone.utc
    else:
        hours, minutes = int(found.group(10)), int(found.group(11))
        if hours > 23 or minutes > 59:
            raise ValueError(f"offset out of range: {text[:40]!r}")
        sign = -1 if found.group(9) == "-" else 1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    leap = second == 60  # 23:59:60 is the second before the next minute
    moment = datetime(year, month, day, hour, minute, 59 if leap else second, micro, tzinfo=zone)
    return moment + timedelta(seconds=1) if leap else moment
