"""Top bar: account, signed-in user, location, date and sync status; and
the wording of the sync status, as a pure function of what is known."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tui.safe_text import clean

#: what kind of failure (ClinikoError.kind) → the header's words
FAILURE_WORDS = {
    "authentication": "API key rejected",
    "permission": "not allowed",
    "rate_limited": "rate limited",
    "server": "Cliniko unavailable",
    "protocol": "unreadable answer from Cliniko",
    "network": "offline",
    "incomplete": "Cliniko's answer came back short",
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


class SyncHeader(Static):
    DEFAULT_CSS = """
    SyncHeader { height: 2; padding: 0 1; background: $panel; }
    """

    account = reactive("frontdesk")
    user = reactive("signing in…")
    location = reactive("All locations")
    date_label = reactive("")
    sync = reactive("loading…")

    def render(self) -> Text:
        top = Text()
        top.append(clean(self.account), style="bold")
        top.append(" · ")
        top.append(clean(self.user))
        top.append(" · ")
        top.append(clean(self.location))
        bottom = Text()
        bottom.append(clean(self.date_label), style="bold")
        bottom.append(" · ")
        bottom.append(clean(self.sync))
        return Text("\n").join([top, bottom])
