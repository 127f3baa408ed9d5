"""Keeps the list's marks (sent ✓/·, late?), the late nudge and the up-next
strip current: after a load or refresh, a send, an arrival, and on the
clock's tick. Nothing here ever sends: the nudge only says `s` would."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from frontdesk.screens.console import Host
from frontdesk.services.day import AppointmentView
from frontdesk.services.row_marks import RowMarks, day_marks, late_words, row_marks
from frontdesk.services.up_next import UpNext, next_telehealth, up_next


class RowWatch:
    def __init__(self, screen: Host) -> None:
        self.screen = screen
        self.session = screen.session
        self.late_after = timedelta(minutes=self.session.config.ui.late_after_minutes)
        #: appointments whose lateness staff were told of (once each)
        self.told_late: set[str] = set()
        #: when the marks were last worked out (the clock's tick redoes only what time changes)
        self.looked_at: datetime | None = None

    def _team(self) -> dict:
        day = self.screen.day
        return day.team_sends if day is not None else {}

    def all_marks(self, views: list[AppointmentView]) -> dict[str, RowMarks]:
        now = self.session.clock()
        self.looked_at = now
        return day_marks(views, now, self.late_after, self.session.channels(), self.screen.state.sent.all(),
                         self._team())

    def marks_of(self, view: AppointmentView) -> RowMarks:
        return row_marks(view, self.session.clock(), self.late_after, self.session.channels(),
                         self.screen.state.sent.of(view.id) or {}, self._team())

    def time_moved(self, view: AppointmentView, since: datetime, now: datetime) -> bool:
        """Whether time alone changed this call's marks since *since*: it
        became late (its start plus ``late_after`` passed) or it ended."""
        appt = view.appointment
        return since < appt.starts_at + self.late_after <= now or since < appt.ends_at <= now

    def nudge(self, views: Iterable[AppointmentView], marks: dict[str, RowMarks]) -> None:
        """One notification per appointment (of *views*, those whose marks
        were just worked out) that became late; never a send."""
        now = self.session.clock()
        for view in views:
            m = marks.get(view.id)
            if m is None or m.late == 0:
                self.told_late.discard(view.id)  # arrived or over: a later lateness is news again
                continue
            if view.id in self.told_late:
                continue
            self.told_late.add(view.id)
            self.screen.say(late_words(view, m, now, private=self.screen.privacy), title="Late?", severity="warning",
                            timeout=20)

    def up_next(self, views: list[AppointmentView]) -> UpNext | None:
        state = self.screen.state
        now = self.session.clock()
        view = next_telehealth(views, now)
        if view is None:
            return None
        return up_next(view, now, state.sent.of(view.id) or {}, self._team(), self.screen.who,
                       lambda moment: state.time_of(moment, now))
