"""The header's words for where the day stands (loading, updated, failed,
incomplete) and for the location shown: pure functions of what is known,
so the console's state can be tested without a terminal."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from frontdesk.cliniko.models import Business
from frontdesk.domain.timezones import business_zone, zone_city
from frontdesk.domain.wording import short_labels

#: what kind of failure (ClinikoError.kind) → the header's words
FAILURE_WORDS = {
    "authentication": "API key rejected",
    "permission": "not allowed",
    "rate_limited": "rate limited",
    "server": "Cliniko unavailable",
    "protocol": "unreadable answer from Cliniko",
    "network": "offline",
    "incomplete": "Cliniko's answer came back short",
    "configuration": "set-up problem",
}


@dataclass(frozen=True)
class SyncFacts:
    """What the sync status is made from."""

    loading: bool
    loaded_count: int  # appointments so far (while loading)
    shown_count: int  # rows on screen (once loaded)
    complete: bool  # the day on screen is whole
    has_day: bool
    synced_at: str | None  # "09:41", once synced
    failure: str | None = None  # a ClinikoError kind
    failure_text: str = ""  # its sentence
    failed_since: str | None = None  # "09:41"
    extras: tuple[str, ...] = ()  # "Telehealth only", filter, "initials"


def sync_status(f: SyncFacts) -> str:
    suffix = (" · " + " · ".join(f.extras)) if f.extras else ""
    if f.failed_since is not None:
        reason = FAILURE_WORDS.get(f.failure or "", "offline")
        if f.failure == "incomplete" and f.has_day and not f.complete:
            return f"{f.failure_text}; press r{suffix}"  # rows missing: say how many
        if f.has_day and f.complete:
            return f"{reason} since {f.failed_since} — showing last data{suffix}"
        if f.has_day:
            return f"{reason} since {f.failed_since} — day incomplete, showing what loaded; press r{suffix}"
        return f"{reason} since {f.failed_since} — no data yet; press r to retry{suffix}"
    if f.loading:
        return f"loading… {f.loaded_count} so far{suffix}"
    if f.has_day and f.synced_at is not None:
        noun = "appointment" if f.shown_count == 1 else "appointments"
        return f"updated {f.synced_at} · {f.shown_count} {noun}{suffix}"
    return "loading…"


def location_labels(businesses: dict[str, Business], business_id: str | None,
                    clock: ZoneInfo | None = None) -> tuple[str, str]:
    """The header's location, long and short: the chosen one's name (short:
    without the words all locations share), or "All locations", naming
    the one clock the list's times are on (*clock*) where zones differ."""
    business = businesses.get(business_id or "")
    if business is not None:
        return business.name, short_labels([b.name for b in businesses.values()]).get(business.name, "")
    zones = {business_zone(b).key for b in businesses.values() if b.archived_at is None}
    if len(zones) > 1 and clock is not None:
        city = zone_city(clock)
        return f"All locations · times in {city} time", f"All locations ({city} time)"
    return "All locations", "All locations"

