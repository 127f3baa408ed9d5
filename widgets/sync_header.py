"""Top bar: account, signed-in user, location, date and sync status; and
the wording of the sync status, as a pure function of what is known."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tui.cliniko.models import Business
from tui.domain.timezones import business_zone
from tui.domain.wording import short_labels
from tui.safe_text import cells, clean, fit

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


def location_labels(businesses: dict[str, Business], business_id: str | None) -> tuple[str, str]:
    """The header's location, long and short: the chosen one's name (short:
    without the words all locations share), or "All locations", saying
    times are each location's own where their zones differ."""
    business = businesses.get(business_id or "")
    if business is not None:
        return business.name, short_labels([b.name for b in businesses.values()]).get(business.name, "")
    zones = {business_zone(b).key for b in businesses.values() if b.archived_at is None}
    if len(zones) > 1:
        return "All locations · times are each location's own", "All locations (local times)"
    return "All locations", "All locations"


def header_lines(account: str, user: str, location: str, short_location: str, date: str, sync: str,
                 width: int) -> tuple[list[str], list[str]]:
    """The header's two lines as parts that fit *width* cells. The date and
    the sync status are the second line and start it, so they are always on
    screen; on the first line a long location is shortened (to the words
    that tell it apart), then the account and the user are cut, never
    wrapped over the second line."""
    account, user, location, short_location = (clean(t) for t in (account, user, location, short_location))
    sep = " · "
    place = location
    if cells(f"{account}{sep}{user}{sep}{location}") > width:
        place = short_location or location
    room = width - cells(place) - 2 * cells(sep)
    if cells(account) + cells(user) > room:
        account_room = max(6, min(cells(account), room // 2))
        account = fit(account, account_room).rstrip()
        user = fit(user, max(6, room - cells(account))).rstrip()
    first = [account, sep, user, sep, place]
    if cells("".join(first)) > width:
        first = [fit("".join(first), width).rstrip()]
    second = [clean(date), sep, clean(sync)]
    if cells("".join(second)) > width:
        second = [clean(date), sep, fit(clean(sync), max(1, width - cells(date) - cells(sep))).rstrip()]
    return first, second


class SyncHeader(Static):
    DEFAULT_CSS = """
    SyncHeader { height: 2; padding: 0 1; background: $panel; }
    """

    account = reactive("frontdesk")
    user = reactive("signing in…")
    location = reactive("All locations")
    #: the location's name without the words all locations share
    location_short = reactive("")
    date_label = reactive("")
    sync = reactive("loading…")

    def render(self) -> Text:
        width = max(20, self.content_region.width or self.size.width - 2)
        first, second = header_lines(self.account, self.user, self.location, self.location_short,
                                     self.date_label, self.sync, width)
        top = Text(no_wrap=True, overflow="ellipsis")
        for n, part in enumerate(first):
            top.append(part, style="bold" if n == 0 and len(first) > 1 else "")
        bottom = Text(no_wrap=True, overflow="ellipsis")
        bottom.append(second[0], style="bold")
        for part in second[1:]:
            bottom.append(part)
        return Text("\n", no_wrap=True).join([top, bottom])
