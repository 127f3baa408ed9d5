"""How times and dates are written on screen, in the CLI's output, the day
sheet and the message to the patient: a 24-hour clock and day-first dates
(09:30, Tue 24 Nov) in most countries, a 12-hour clock and month-first
dates (9:30 am, Tue Nov 24) where the account's country writes them so
(the United States, Canada), overridable with ``[ui] clock``.

The style is one per process, like a locale: set once the account's
country is known (:func:`use_clock`), read by every function here and by
nothing else. Pure functions otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from frontdesk.domain.local_ways import MONTH_FIRST, DateOrder

ClockSetting = Literal["12h", "24h"]


@dataclass(frozen=True, slots=True)
class ClockStyle:
    twelve_hour: bool = False
    order: DateOrder = "dmy"


_STYLE = ClockStyle()


def style_for(country_code: str | None, setting: ClockSetting | None = None) -> ClockStyle:
    """The account's way (its country), the clock overridden by the setting."""
    local = (country_code or "").upper() in MONTH_FIRST
    twelve = setting == "12h" if setting else local
    return ClockStyle(twelve_hour=twelve, order="mdy" if local else "dmy")


def use_clock(style: ClockStyle) -> None:
    global _STYLE
    _STYLE = style


def current() -> ClockStyle:
    return _STYLE


def clock_time(local: datetime) -> str:
    """09:30 or 9:30 am (*local* already in the zone it is read in)."""
    if not _STYLE.twelve_hour:
        return local.strftime("%H:%M")
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"


def time_width() -> int:
    """The widest :func:`clock_time` (a list's time column)."""
    return 8 if _STYLE.twelve_hour else 5


def day_month(day: date) -> str:
    """24 Nov, or Nov 24."""
    return f"{day.day:02d} {day:%b}" if _STYLE.order == "dmy" else f"{day:%b} {day.day:02d}"


def weekday_date(day: date) -> str:
    """Tue 24 Nov, or Tue Nov 24."""
    return f"{day:%a} {day_month(day)}"


def full_date(day: date) -> str:
    """Tue 24 Nov 2026, or Tue Nov 24 2026."""
    return f"{weekday_date(day)} {day.year}"


def long_date(day: date) -> str:
    """Tuesday 24 November 2026, or Tuesday November 24 2026 (the patient's message)."""
    return f"{day:%A} {day.day} {day:%B} {day.year}" if _STYLE.order == "dmy" else f"{day:%A} {day:%B} {day.day} {day.year}"


def weekday_time(local: datetime) -> str:
    """Mon 22:30, or Mon 10:30 pm."""
    return f"{local:%a} {clock_time(local)}"


def date_and_time(local: datetime) -> str:
    """24 Nov 09:30, or Nov 24 9:30 am."""
    return f"{day_month(local.date())} {clock_time(local)}"
