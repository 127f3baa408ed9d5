"""Top bar: account, signed-in user, location, date and sync status."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from widgets.text import clean


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
