"""One line under the header: the next Telehealth call, its countdown and
whether its patient link went out (see :mod:`frontdesk.services.up_next`)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from frontdesk.safe_text import cells, clean, fit
from frontdesk.services.up_next import UpNext


class UpNextStrip(Widget):
    DEFAULT_CSS = """
    UpNextStrip { height: 1; padding: 0 1; background: $panel; }
    """

    upcoming: reactive[UpNext | None] = reactive(None, always_update=True)
    #: a day has been looked through (before that there is nothing to say)
    looked = reactive(False)
    #: the call's day when it is not today ("tomorrow", "3 days ago"); "" for a call today
    not_today = reactive("")

    def render(self) -> Text:
        width = max(0, self.size.width - 2)
        up = self.upcoming
        label = f"Up next ({self.not_today})" if self.not_today else "Up next"
        if up is None:
            idle = f"{label}: no Telehealth call left on this day" if self.looked else f"{label}: …"
            return Text(fit(idle, width).rstrip(), style="dim")
        # the time, the countdown and the link's state always show; the names share what is left
        narrow = width < 100
        head = f"{label} {up.start} {up.when_short if narrow else up.when} · "
        tail = f" · {clean(up.link_short if narrow else up.link)}"
        hint = "" if narrow else " · u"
        room = width - cells(head) - cells(tail) - cells(hint)
        patient_room = max(4, room * 3 // 5 - 1)
        practitioner_room = max(0, room - patient_room - 3)
        middle = fit(up.patient, min(patient_room, cells(up.patient))).rstrip()
        if practitioner_room >= 4:
            middle += " · " + fit(up.practitioner, min(practitioner_room, cells(up.practitioner))).rstrip()
        text = Text(fit(head + middle + tail + hint, width).rstrip())
        text.stylize("bold", 0, len(label))
        return text
