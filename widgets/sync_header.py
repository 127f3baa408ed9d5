"""Top bar: account, signed-in user, location, date and sync status, laid
out to fit (its words are frontdesk.domain.sync_words)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from frontdesk.safe_text import cells, clean, fit

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
