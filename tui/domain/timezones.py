"""Time zones: business zone resolution and local-day windows.

Cliniko stores times in UTC. "Today" is midnight to midnight in the
*business's* zone, converted to UTC, so a DST change day is 23 or 25 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from frontdesk.cliniko.models import Business
from frontdesk.domain.clock import clock_time, weekday_time

# Cliniko's human-readable zone labels (Rails names) for the zones its
# clinics mostly use; used only when a business has no IANA identifier.
_LABELS = {
    "Adelaide": "Australia/Adelaide",
    "Brisbane": "Australia/Brisbane",
    "Canberra": "Australia/Sydney",
    "Darwin": "Australia/Darwin",
    "Hobart": "Australia/Hobart",
    "Melbourne": "Australia/Melbourne",
    "Perth": "Australia/Perth",
    "Sydney": "Australia/Sydney",
    "Lord Howe": "Australia/Lord_Howe",
    "Auckland": "Pacific/Auckland",
    "Wellington": "Pacific/Auckland",
    "Chatham Is.": "Pacific/Chatham",
    "London": "Europe/London",
    "Edinburgh": "Europe/London",
    "Dublin": "Europe/Dublin",
    "Lisbon": "Europe/Lisbon",
    "Amsterdam": "Europe/Amsterdam",
    "Berlin": "Europe/Berlin",
    "Paris": "Europe/Paris",
    "Madrid": "Europe/Madrid",
    "Rome": "Europe/Rome",
    "Singapore": "Asia/Singapore",
    "Hong Kong": "Asia/Hong_Kong",
    "Tokyo": "Asia/Tokyo",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Mountain Time (US & Canada)": "America/Denver",
    "Central Time (US & Canada)": "America/Chicago",
    "Eastern Time (US & Canada)": "America/New_York",
    "Atlantic Time (Canada)": "America/Halifax",
    "Newfoundland": "America/St_Johns",
    "Saskatchewan": "America/Regina",
    "Arizona": "America/Phoenix",
    "Alaska": "America/Juneau",
    "Hawaii": "Pacific/Honolulu",
    "UTC": "UTC",
}


@lru_cache(maxsize=512)
def _load(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return None


def zone_for(identifier: str | None, label: str | None = None, fallback: str | None = None) -> ZoneInfo:
    """IANA identifier, else the label's zone, else *fallback*, else UTC.
    Where the first two are given but unknown, :func:`zone_problem` says so."""
    return (
        _load(identifier)
        or _load(_LABELS.get(label or ""))
        or _load(label)
        or _load(fallback)
        or ZoneInfo("UTC")
    )


@dataclass(frozen=True, slots=True)
class PatientClock:
    """Whose clock a patient's times are on: their own *zone* where their
    record names one that shows another time than the clinic's, else the
    clinic's, with *words* saying why."""

    zone: ZoneInfo | None
    words: str
    #: the record names a zone not known here (staff should know their time is a guess)
    unknown: bool = False


def patient_zone(identifier: str | None) -> ZoneInfo | None:
    """The zone a patient's record names (Cliniko keeps an IANA name, or
    null); None when it names none or one not known here. The message
    writes the time in it; :func:`patient_clock` says how it compares."""
    return _load(identifier)


def patient_clock(identifier: str | None, clinic: ZoneInfo, at: datetime) -> PatientClock:
    """Whose clock a patient's times are on, for the details and the send
    confirmation."""
    if not identifier:
        return PatientClock(None, "same zone as clinic: none on the patient's record")
    zone = patient_zone(identifier)
    if zone is None:
        return PatientClock(None, f"the zone on the patient's record (‘{identifier}’) is unknown: clinic time", True)
    if zone.utcoffset(at) == clinic.utcoffset(at):
        return PatientClock(None, "same zone as clinic")
    return PatientClock(zone, "")


def zone_problem(identifier: str | None, label: str | None = None) -> str | None:
    """Why Cliniko's zone for a location cannot be used, or None when it can."""
    if _load(identifier) or _load(_LABELS.get(label or "")) or _load(label):
        return None
    named = identifier or label
    if named:
        return f"time zone ‘{named}’ is unknown"
    return "no time zone set in Cliniko"


def business_zone(business: Business | None, fallback: str | None = None) -> ZoneInfo:
    if business is None:
        return zone_for(None, None, fallback)
    return zone_for(business.time_zone_identifier, business.time_zone, fallback)


def day_window(local_day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC ``[start, end)`` range of *local_day* in *zone*."""
    start = datetime.combine(local_day, time.min, tzinfo=zone)
    end = datetime.combine(local_day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def local_day_of(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def hhmm(moment: datetime, zone: ZoneInfo) -> str:
    """*moment* on *zone*'s clock, written the clinic's way (09:30 or 9:30 am)."""
    return clock_time(moment.astimezone(zone))


def span_of(windows: list[tuple[datetime, datetime]]) -> tuple[datetime, datetime]:
    """The smallest UTC range that covers every window."""
    return min(w[0] for w in windows), max(w[1] for w in windows)


def list_time(moment: datetime, zone: ZoneInfo, day: date | None) -> str:
    """A start as a list reads it: on the list's one clock (*zone*), "09:30";
    on another date there ("Mon 22:30": an Auckland morning is the evening
    before in Sydney), so times read in order down the list."""
    local = moment.astimezone(zone)
    return weekday_time(local) if day is not None and local.date() != day else clock_time(local)


def zone_city(zone: ZoneInfo) -> str:
    """"Australia/Sydney" → "Sydney": how staff name a clock."""
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")
